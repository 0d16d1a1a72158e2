package proxyprobe

import (
	"context"
	"net/url"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// InvalidRequestLine is the request line of the weak check's second probe:
// not HTTP at all, so whatever answers it shows itself.
const InvalidRequestLine = "ROOMPATH-INVALID-REQUEST-LINE"

const hintWeak = "Proxy headers show a proxy on port 80 between here and the Zoom cloud. For a firm verdict run 'roompath responder' beyond the suspect device and pass --echo."

// HTTPWeakConfig configures the fallback transparent-proxy check, used
// when no responder is available: it looks at what a plain origin server
// shows (Via, X-Cache, … on a normal request and on an invalid request
// line). Its verdict is weaker: a proxy that adds nothing goes unseen.
type HTTPWeakConfig struct {
	// URL is an http:// URL of a public server, e.g. http://zoom.us/.
	URL *url.URL
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds each of the two exchanges; zero means DefaultTimeout.
	Timeout time.Duration
}

// HTTPWeak is a ready fallback check. Build it with NewHTTPWeak; it is safe
// for concurrent use.
type HTTPWeak struct{ cfg HTTPWeakConfig }

// NewHTTPWeak checks cfg's URL (http:// with a host) and fills in the
// defaults. An error names the bad value.
func NewHTTPWeak(cfg HTTPWeakConfig) (*HTTPWeak, error) {
	if err := checkHTTPURL("weak", cfg.URL); err != nil {
		return nil, err
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &HTTPWeak{cfg: cfg}, nil
}

// WeakAnswer is what one of the weak check's two requests got.
type WeakAnswer struct {
	// Status is the HTTP status; zero when no answer came.
	Status int `json:"status,omitempty"`
	// Server is the Server header.
	Server string `json:"server,omitempty"`
	// Marks are the proxy headers (Via, X-Cache, …) on the answer.
	Marks map[string]string `json:"proxy_headers,omitempty"`
	// Failure is why no answer came; nil when one did.
	Failure *vocab.Failure `json:"failure"`
}

// WeakDetail is the evidence of a weak check (the Detail of its result).
type WeakDetail struct {
	// Addr is the address dialled, after the connect-to rules.
	Addr string `json:"addr"`
	// Normal is the answer to a normal GET.
	Normal WeakAnswer `json:"normal_request"`
	// Invalid is the answer to InvalidRequestLine.
	Invalid WeakAnswer `json:"invalid_request_line"`
	// Verdict is "weak": only proxies that announce themselves are seen.
	Verdict string `json:"verdict_strength"`
	// Note says so in words.
	Note string `json:"note"`
}

// Run sends a normal GET and an invalid request line, looks for what a
// proxy leaves behind and emits one result, with seq 0, whose Detail is a
// *WeakDetail.
func (w *HTTPWeak) Run(ctx context.Context, emit report.Emit) { emit(0, w.measure(ctx)) }

func (w *HTTPWeak) measure(ctx context.Context) report.Result {
	start := time.Now()
	hp := hostPortOf(w.cfg.URL)
	path := w.cfg.URL.RequestURI()
	normal := rawExchange(ctx, w.cfg.Dialer, hp, []byte("GET "+path+" HTTP/1.1\r\nHost: "+w.cfg.URL.Host+"\r\nUser-Agent: "+userAgent+"\r\nAccept: */*\r\nConnection: close\r\n\r\n"), w.cfg.Timeout)
	invalid := rawExchange(ctx, w.cfg.Dialer, hp, []byte(InvalidRequestLine+"\r\nHost: "+w.cfg.URL.Host+"\r\n\r\n"), w.cfg.Timeout)
	d := &WeakDetail{Addr: normal.addr, Normal: weakOf(normal), Invalid: weakOf(invalid), Verdict: "weak",
		Note: "no responder (--echo): only proxies that announce themselves are seen"}
	res := judgeWeak(normal, d)
	res.ID, res.Check, res.Target, res.Layer = "http/"+w.cfg.URL.String(), vocab.CheckHTTP, w.cfg.URL.String(), vocab.LayerProxy
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	return res
}

func weakOf(x exchange) WeakAnswer {
	if x.err != nil {
		return WeakAnswer{Failure: report.Str(classify(x.err))}
	}
	return WeakAnswer{Status: x.resp.StatusCode, Server: x.resp.Header.Get("Server"), Marks: proxyMarks(x.resp.Header)}
}

// judgeWeak: proxy headers on either answer mean modified; two answers from
// differently named servers are suspicious (warn); otherwise clean, weakly.
func judgeWeak(normal exchange, d *WeakDetail) report.Result {
	switch {
	case d.Normal.Marks != nil || d.Invalid.Marks != nil:
		return failed(vocab.HTTPModified, vocab.ReasonProxyHeaders, "", "", hintWeak)
	case d.Normal.Failure != nil && d.Invalid.Failure != nil:
		r := failed(vocab.HTTPUnreachable, vocab.ReasonNoAnswer, *d.Normal.Failure, normal.op, "Port 80 did not answer; the HTTP check could not be run.")
		r.Status = report.StatusError
		return r
	case d.Normal.Server != "" && d.Invalid.Server != "" && d.Normal.Server != d.Invalid.Server:
		return report.Result{Status: report.StatusWarn, Observed: vocab.HTTPClean, Reason: vocab.ReasonServerMismatch,
			Hint: "Different servers answered a valid and an invalid request; something may intercept port 80. Run with --echo for a firm verdict."}
	}
	return report.Result{Status: report.StatusPass, Observed: vocab.HTTPClean, Reason: vocab.ReasonNoProxyHeaders}
}
