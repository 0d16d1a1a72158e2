package proxyprobe

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// HTTP check observed states (docs/proxycheck.md).
const (
	ObservedClean    = "clean"    // the request arrived as sent
	ObservedModified = "modified" // something rewrote or answered it
)

// EchoHeader marks a responder's answer (internal/responder sets it).
const EchoHeader = "X-Roompath-Echo"

// TokenHeader carries the request's unique token.
const TokenHeader = "X-Roompath-Token"

const (
	hintModified  = "A transparent proxy rewrites HTTP on this path. Exempt the Zoom domains from web filtering and inspection, or route the room VLAN around the proxy."
	hintEchoError = "The responder could not be reached; check --echo and that 'roompath responder' listens there."
)

// HTTPEchoCheck configures the transparent-proxy check against a responder
// (the echo protocol: the response body is the exact bytes of the request
// head as received).
type HTTPEchoCheck struct {
	// URL is the responder, http://host[:port][/path].
	URL *url.URL
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds the connection and the exchange; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// rand drives the header-case randomisation; nil means a random seed.
	rand *rand.Rand
	// token is the unique token; empty means a random one.
	token string
}

// HTTPEcho is a ready transparent-proxy check.
type HTTPEcho struct{ cfg HTTPEchoCheck }

// NewHTTPEcho captures cfg.
func NewHTTPEcho(cfg HTTPEchoCheck) *HTTPEcho {
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.rand == nil {
		var seed [16]byte
		crand.Read(seed[:])
		cfg.rand = rand.New(rand.NewPCG(leUint64(seed[:8]), leUint64(seed[8:])))
	}
	if cfg.token == "" {
		var b [12]byte
		crand.Read(b[:])
		cfg.token = hex.EncodeToString(b[:])
	}
	return &HTTPEcho{cfg: cfg}
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// echoDetail is the evidence of an echo check.
type echoDetail struct {
	HeadDiff
	Addr          string            `json:"addr"`
	Token         string            `json:"token"`
	TokenSeen     bool              `json:"token_seen"`
	Status        int               `json:"status,omitempty"`
	Sent          string            `json:"sent,omitempty"`
	Received      string            `json:"received,omitempty"`
	ResponseMarks map[string]string `json:"response_proxy_headers,omitempty"`
	Verdict       string            `json:"verdict_strength"`
}

// Run sends the randomised request and compares what the responder saw.
func (h *HTTPEcho) Run(ctx context.Context) report.Result {
	start := time.Now()
	sent := BuildEchoRequest(h.cfg.URL, h.cfg.token, h.cfg.rand)
	x := rawExchange(ctx, h.cfg.Dialer, hostPortOf(h.cfg.URL), sent.Bytes(), h.cfg.Timeout)
	d := &echoDetail{Addr: x.addr, Token: h.cfg.token, Sent: string(sent.Bytes()), Verdict: "strong"}
	res := judgeEcho(sent, x, d)
	res.ID, res.Check, res.Target, res.Layer = "http/"+h.cfg.URL.String(), "http", h.cfg.URL.String(), report.LayerProxy
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	if x.err == nil {
		res.RTTMS = report.Float(report.MS(x.rtt))
	}
	return res
}

// judgeEcho turns an exchange into a verdict; d collects the evidence.
func judgeEcho(sent Head, x exchange, d *echoDetail) report.Result {
	if x.err != nil {
		r := failed(ObservedUnreachable, "no_answer", classify(x.err), x.op, hintEchoError)
		if x.op == probe.OpHTTPRoundTrip {
			// something accepted the connection and then broke HTTP
			r.Observed, r.Hint = ObservedModified, hintModified
			return r
		}
		r.Status = report.StatusError
		return r
	}
	d.Status, d.Received = x.resp.StatusCode, string(x.body)
	d.ResponseMarks = proxyMarks(x.resp.Header)
	if x.resp.StatusCode != http.StatusOK || x.resp.Header.Get(EchoHeader) == "" {
		return failed(ObservedModified, "proxy_answered", "", "", hintModified)
	}
	got, err := ParseHead(x.body)
	if err != nil {
		return failed(ObservedModified, "not_echoed", probe.FailureHTTPInvalidResponse, probe.OpEchoParse, hintModified)
	}
	d.HeadDiff = DiffHeads(sent, got)
	tok, _ := got.Values(TokenHeader)
	d.TokenSeen = tok == d.Token || strings.Contains(got.Target, d.Token)
	switch {
	case !d.TokenSeen:
		return failed(ObservedModified, "token_missing", "", "", hintModified)
	case !d.HeadDiff.Clean():
		return failed(ObservedModified, "head_rewritten", "", "", hintModified)
	}
	return report.Result{Status: report.StatusPass, Observed: ObservedClean, Reason: "echo_identical"}
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
