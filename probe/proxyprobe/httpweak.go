package proxyprobe

import (
	"context"
	"net/url"
	"time"

	"github.com/roompath/roompath/report"
)

// InvalidRequestLine is the request line of the weak check's second probe:
// not HTTP at all, so whatever answers it shows itself.
const InvalidRequestLine = "ROOMPATH-INVALID-REQUEST-LINE"

const hintWeak = "Proxy headers show a proxy on port 80 between here and the Zoom cloud. For a firm verdict run 'roompath responder' beyond the suspect device and pass --echo."

// HTTPWeakCheck configures the fallback transparent-proxy check, used when
// no responder is available: it looks at what a plain origin server shows
// (Via, X-Cache, … on a normal request and on an invalid request line).
// Its verdict is weaker: a proxy that adds nothing goes unseen.
type HTTPWeakCheck struct {
	// URL is an http:// URL of a public server, e.g. http://zoom.us/.
	URL *url.URL
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds each of the two exchanges; zero means DefaultTimeout.
	Timeout time.Duration
}

// HTTPWeak is a ready fallback check.
type HTTPWeak struct{ cfg HTTPWeakCheck }

// NewHTTPWeak captures cfg.
func NewHTTPWeak(cfg HTTPWeakCheck) *HTTPWeak {
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &HTTPWeak{cfg: cfg}
}

// weakAnswer is what one of the two requests got.
type weakAnswer struct {
	Status  int               `json:"status,omitempty"`
	Server  string            `json:"server,omitempty"`
	Marks   map[string]string `json:"proxy_headers,omitempty"`
	Failure *string           `json:"failure"`
}

type weakDetail struct {
	Addr    string     `json:"addr"`
	Normal  weakAnswer `json:"normal_request"`
	Invalid weakAnswer `json:"invalid_request_line"`
	Verdict string     `json:"verdict_strength"`
	Note    string     `json:"note"`
}

// Run sends a normal GET and an invalid request line and looks for what a
// proxy leaves behind.
func (w *HTTPWeak) Run(ctx context.Context) report.Result {
	start := time.Now()
	hp := hostPortOf(w.cfg.URL)
	path := w.cfg.URL.RequestURI()
	normal := rawExchange(ctx, w.cfg.Dialer, hp, []byte("GET "+path+" HTTP/1.1\r\nHost: "+w.cfg.URL.Host+"\r\nUser-Agent: "+userAgent+"\r\nAccept: */*\r\nConnection: close\r\n\r\n"), w.cfg.Timeout)
	invalid := rawExchange(ctx, w.cfg.Dialer, hp, []byte(InvalidRequestLine+"\r\nHost: "+w.cfg.URL.Host+"\r\n\r\n"), w.cfg.Timeout)
	d := &weakDetail{Addr: normal.addr, Normal: weakOf(normal), Invalid: weakOf(invalid), Verdict: "weak",
		Note: "no responder (--echo): only proxies that announce themselves are seen"}
	res := judgeWeak(normal, d)
	res.ID, res.Check, res.Target, res.Layer = "http/"+w.cfg.URL.String(), "http", w.cfg.URL.String(), report.LayerProxy
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	return res
}

func weakOf(x exchange) weakAnswer {
	if x.err != nil {
		return weakAnswer{Failure: report.Str(classify(x.err))}
	}
	return weakAnswer{Status: x.resp.StatusCode, Server: x.resp.Header.Get("Server"), Marks: proxyMarks(x.resp.Header)}
}

// judgeWeak: proxy headers on either answer mean modified; two answers from
// differently named servers are suspicious (warn); otherwise clean, weakly.
func judgeWeak(normal exchange, d *weakDetail) report.Result {
	switch {
	case d.Normal.Marks != nil || d.Invalid.Marks != nil:
		return failed(ObservedModified, "proxy_headers", "", "", hintWeak)
	case d.Normal.Failure != nil && d.Invalid.Failure != nil:
		r := failed(ObservedUnreachable, "no_answer", *d.Normal.Failure, normal.op, "Port 80 did not answer; the HTTP check could not be run.")
		r.Status = report.StatusError
		return r
	case d.Normal.Server != "" && d.Invalid.Server != "" && d.Normal.Server != d.Invalid.Server:
		return report.Result{Status: report.StatusWarn, Observed: ObservedClean, Reason: "server_mismatch",
			Hint: "Different servers answered a valid and an invalid request; something may intercept port 80. Run with --echo for a firm verdict."}
	}
	return report.Result{Status: report.StatusPass, Observed: ObservedClean, Reason: "no_proxy_headers"}
}
