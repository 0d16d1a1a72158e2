package proxyprobe

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// EchoHeader marks a responder's answer (internal/responder sets it).
const EchoHeader = "X-Roompath-Echo"

// TokenHeader carries the request's unique token.
const TokenHeader = "X-Roompath-Token"

const (
	hintModified  = "A transparent proxy rewrites HTTP on this path. Exempt the Zoom domains from web filtering and inspection, or route the room VLAN around the proxy."
	hintEchoError = "The responder could not be reached; check --echo and that 'roompath responder' listens there."
	// hintAnswered: an answer that is neither the responder's nor an
	// echo of the request; %d is its HTTP status.
	hintAnswered = "Something other than a roompath responder answered (HTTP %d, no responder's echo, and the body is not the request): a proxy or filter answering in its place (a block page, a portal), or --echo does not point at a 'roompath responder'. Check --echo; if it is right, exempt the Zoom domains from web filtering or route the room VLAN around the proxy."
	// hintNotResponder: an echo without the responder's mark; %s says
	// how the echoed head compares with the sent one.
	hintNotResponder = "The echo server is not a roompath responder (its answer lacks X-Roompath-Echo): the HTTP check cannot tell whether a proxy rewrites HTTP. %s Point --echo at 'roompath responder' (docs/responder.md)."
)

// Verdict strengths of an echo check (EchoDetail.Verdict).
const (
	// VerdictStrong: a roompath responder, or something in its place,
	// answered, and the answer decides.
	VerdictStrong = "strong"
	// VerdictNone: the echo server is not a roompath responder; its echo
	// decides nothing.
	VerdictNone = "none"
)

// HTTPEchoConfig configures the transparent-proxy check against a
// responder (the echo protocol: the response body is the exact bytes of
// the request head as received).
type HTTPEchoConfig struct {
	// URL is the responder, http://host[:port][/path].
	URL *url.URL
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds the connection and the exchange; zero means
	// DefaultTimeout.
	Timeout time.Duration
}

// HTTPEcho is a ready transparent-proxy check. Build it with NewHTTPEcho;
// it is safe for concurrent use. Every Run sends the same token, with its
// header cases drawn afresh.
type HTTPEcho struct {
	cfg HTTPEchoConfig
	// mu guards rand, which drives the header-case randomisation.
	mu   sync.Mutex
	rand *rand.Rand
	// token is the request's unique token.
	token string
}

// NewHTTPEcho checks cfg's URL (http:// with a host) and fills in the
// defaults. An error names the bad value.
func NewHTTPEcho(cfg HTTPEchoConfig) (*HTTPEcho, error) {
	if err := checkHTTPURL("echo", cfg.URL); err != nil {
		return nil, err
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	var seed [16]byte
	crand.Read(seed[:])
	var tok [12]byte
	crand.Read(tok[:])
	return &HTTPEcho{cfg: cfg, rand: rand.New(rand.NewPCG(leUint64(seed[:8]), leUint64(seed[8:]))), token: hex.EncodeToString(tok[:])}, nil
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// EchoDetail is the evidence of an echo check (the Detail of its result).
type EchoDetail struct {
	// HeadDiff compares the head as sent with the head the responder saw.
	HeadDiff
	// Addr is the address dialled, after the connect-to rules.
	Addr string `json:"addr"`
	// Token is the request's unique token.
	Token string `json:"token"`
	// TokenSeen is true when the echoed head carries Token.
	TokenSeen bool `json:"token_seen"`
	// Status is the HTTP status of the answer; zero when none came.
	Status int `json:"status,omitempty"`
	// Sent is the request head as sent.
	Sent string `json:"sent,omitempty"`
	// Received is the body of the answer: the head as the responder saw it.
	Received string `json:"received,omitempty"`
	// ResponseMarks are the proxy headers (Via, X-Cache, …) on the answer.
	ResponseMarks map[string]string `json:"response_proxy_headers,omitempty"`
	// Verdict is VerdictStrong ("strong") when a roompath responder, or
	// something answering in its place, decided the result, VerdictNone
	// ("none") when the echo came from a server that is not a responder.
	Verdict string `json:"verdict_strength"`
}

// Run sends the randomised request, compares what the responder saw and
// emits one result, with seq 0, whose Detail is an *EchoDetail.
func (h *HTTPEcho) Run(ctx context.Context, emit report.Emit) { emit(0, h.measure(ctx)) }

func (h *HTTPEcho) measure(ctx context.Context) report.Result {
	start := time.Now()
	h.mu.Lock()
	sent := BuildEchoRequest(h.cfg.URL, h.token, h.rand)
	h.mu.Unlock()
	x := rawExchange(ctx, h.cfg.Dialer, hostPortOf(h.cfg.URL), sent.Bytes(), h.cfg.Timeout)
	d := &EchoDetail{Addr: x.addr, Token: h.token, Sent: string(sent.Bytes()), Verdict: VerdictStrong}
	res := judgeEcho(sent, x, d)
	res.ID, res.Check, res.Target, res.Layer = "http/"+h.cfg.URL.String(), vocab.CheckHTTP, h.cfg.URL.String(), vocab.LayerProxy
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	if x.err == nil {
		res.RTTMS = report.Float(report.MS(x.rtt))
	}
	return res
}

// judgeEcho turns an exchange into a verdict; d collects the evidence.
// Only an answer marked with EchoHeader (a roompath responder's 200) can
// say the path rewrote the head; an echo without the mark is a warning
// that nothing can be told, and a head that came back as sent, token
// included, is never modified.
func judgeEcho(sent Head, x exchange, d *EchoDetail) report.Result {
	if x.err != nil {
		return echoError(x)
	}
	d.Status, d.Received = x.resp.StatusCode, string(x.body)
	d.ResponseMarks = proxyMarks(x.resp.Header)
	got, perr := ParseHead(x.body)
	if perr == nil {
		d.HeadDiff = DiffHeads(sent, got)
		tok, _ := got.Values(TokenHeader)
		d.TokenSeen = tok == d.Token || strings.Contains(got.Target, d.Token)
	}
	responder := x.resp.StatusCode == http.StatusOK && x.resp.Header.Get(EchoHeader) != ""
	switch {
	case !responder && d.TokenSeen:
		d.Verdict = VerdictNone
		return notResponder(d)
	case !responder:
		return failed(vocab.HTTPModified, vocab.ReasonProxyAnswered, "", "", fmt.Sprintf(hintAnswered, x.resp.StatusCode))
	case perr != nil:
		return failed(vocab.HTTPModified, vocab.ReasonNotEchoed, vocab.FailureHTTPInvalidResponse, vocab.OpEchoParse, hintModified)
	case !d.TokenSeen:
		return failed(vocab.HTTPModified, vocab.ReasonTokenMissing, "", "", hintModified)
	case !d.HeadDiff.Clean():
		return failed(vocab.HTTPModified, vocab.ReasonHeadRewritten, "", "", hintModified)
	}
	return report.Result{Status: report.StatusPass, Observed: vocab.HTTPClean, Reason: vocab.ReasonEchoIdentical}
}

// echoError judges an exchange that failed: unreachable when nothing
// answered, modified when something accepted the connection and then
// broke HTTP.
func echoError(x exchange) report.Result {
	r := failed(vocab.HTTPUnreachable, vocab.ReasonNoAnswer, classify(x.err), x.op, hintEchoError)
	if x.op == vocab.OpHTTPRoundTrip {
		r.Observed, r.Hint = vocab.HTTPModified, hintModified
		return r
	}
	r.Status = report.StatusError
	return r
}

// notResponder is the warning for an echo of the request from a server
// that is not a roompath responder: observed clean when the head came back
// as sent, modified when it did not (by the echo server itself, or by a
// proxy: it cannot be told).
func notResponder(d *EchoDetail) report.Result {
	r := report.Result{Status: report.StatusWarn, Observed: vocab.HTTPClean, Reason: vocab.ReasonNotResponder}
	how := "The head came back as sent."
	if !d.HeadDiff.Clean() {
		r.Observed = vocab.HTTPModified
		how = fmt.Sprintf("The head came back changed (%d added, %d removed, %d changed fields; request line changed: %t), by the echo server itself or by a proxy.",
			len(d.Added), len(d.Removed), len(d.Changed), d.RequestLineChanged)
	}
	if len(d.ResponseMarks) > 0 {
		how += " The answer carries proxy headers (" + strings.Join(slices.Sorted(maps.Keys(d.ResponseMarks)), ", ") + ")."
	}
	r.Hint = fmt.Sprintf(hintNotResponder, how)
	return r
}

// BuildEchoRequest builds the probe request for u: an odd-case method,
// header names in random case, the token in the target and in a header,
// and a value with inner double spaces. Proxies that re-write the head
// normalise at least one of these.
func BuildEchoRequest(u *url.URL, token string, r *rand.Rand) Head {
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	q := u.RawQuery
	if q != "" {
		q += "&"
	}
	target += "?" + q + "roompath_token=" + token
	method := oddCase("GET", r)
	h := Head{Method: method, Target: target, Proto: "HTTP/1.1"}
	h.RequestLine = fmt.Sprintf("%s %s %s", method, target, h.Proto)
	for _, f := range []Field{
		{"Host", u.Host}, {"User-Agent", userAgent}, {"Accept", "*/*"},
		{TokenHeader, token}, {"X-Roompath-Spacing", "two  spaces"},
		{"Cache-Control", "no-cache"}, {"Connection", "close"},
	} {
		h.Fields = append(h.Fields, Field{Name: oddCase(f.Name, r), Value: f.Value})
	}
	return h
}

// oddCase flips the case of letters at random until the result differs
// from the all-upper, all-lower and canonical forms of s.
func oddCase(s string, r *rand.Rand) string {
	for range 64 {
		b := []byte(s)
		for i, c := range b {
			if r.IntN(2) == 0 {
				b[i] = flipCase(c)
			}
		}
		o := string(b)
		if o != s && o != strings.ToUpper(s) && o != strings.ToLower(s) && o != http.CanonicalHeaderKey(s) {
			return o
		}
	}
	return s
}

func flipCase(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z':
		return c - 32
	case 'A' <= c && c <= 'Z':
		return c + 32
	}
	return c
}

// proxyHeaderNames are response headers that caches and proxies add.
var proxyHeaderNames = []string{"Via", "X-Cache", "X-Cache-Lookup", "X-Squid-Error", "Proxy-Connection", "X-BlueCoat-Via", "X-Forwarded-For", "Forwarded", "X-Proxy-Cache", "X-Iinfo", "X-Fortinet", "X-Zscaler-Transaction", "X-Authenticated-User"}

// proxyMarks returns the proxy-added headers present in h.
func proxyMarks(h http.Header) map[string]string {
	m := map[string]string{}
	for _, n := range proxyHeaderNames {
		if v := h.Values(n); len(v) > 0 {
			m[n] = strings.Join(v, ", ")
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
