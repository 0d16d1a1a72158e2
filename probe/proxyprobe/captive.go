package proxyprobe

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultCaptiveURL is the known-answer URL of the captive check: it
// answers 204 with an empty body (the generate_204 convention Android and
// ChromeOS use).
const DefaultCaptiveURL = "http://connectivitycheck.gstatic.com/generate_204"

const hintPortal = "A captive portal intercepts HTTP here: the room cannot reach the Zoom cloud until someone signs in. Put Zoom Rooms on a network without a portal, or whitelist the room's MAC address in the portal."

// CaptiveConfig configures the captive-portal check.
type CaptiveConfig struct {
	// URL is the known-answer URL (http://); nil means DefaultCaptiveURL.
	URL *url.URL
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds the exchange; zero means DefaultTimeout.
	Timeout time.Duration
}

// Captive is a ready captive-portal check. Build it with NewCaptive; it is
// safe for concurrent use.
type Captive struct{ cfg CaptiveConfig }

// NewCaptive checks cfg's URL (http:// with a host) and fills in the
// defaults. An error names the bad value.
func NewCaptive(cfg CaptiveConfig) (*Captive, error) {
	if cfg.URL == nil {
		cfg.URL, _ = url.Parse(DefaultCaptiveURL)
	}
	if err := checkHTTPURL("captive", cfg.URL); err != nil {
		return nil, err
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Captive{cfg: cfg}, nil
}

// CaptiveDetail is the evidence of a captive-portal check (the Detail of
// its result).
type CaptiveDetail struct {
	// Addr is the address dialled, after the connect-to rules.
	Addr string `json:"addr"`
	// Status is the HTTP status of the answer; zero when none came.
	Status int `json:"status,omitempty"`
	// Location is the answer's Location header (a portal's redirect).
	Location string `json:"location,omitempty"`
	// ContentType is the answer's Content-Type header.
	ContentType string `json:"content_type,omitempty"`
	// BodyBytes is the size of the body read.
	BodyBytes int `json:"body_bytes"`
	// Truncated is true when the body exceeded the size cap.
	Truncated bool `json:"truncated,omitempty"`
	// Title is the HTML title of the body (portal pages name the venue).
	Title string `json:"title,omitempty"`
}

// Run fetches the known-answer URL (directly, not through a proxy, the way
// operating systems probe), compares and emits one result, with seq 0,
// whose Detail is a *CaptiveDetail.
func (c *Captive) Run(ctx context.Context, emit report.Emit) { emit(0, c.measure(ctx)) }

func (c *Captive) measure(ctx context.Context) report.Result {
	start := time.Now()
	u := c.cfg.URL
	raw := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: " + userAgent + "\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	x := rawExchange(ctx, c.cfg.Dialer, hostPortOf(u), []byte(raw), c.cfg.Timeout)
	d := &CaptiveDetail{Addr: x.addr}
	res := judgeCaptive(x, d)
	res.ID, res.Check, res.Target, res.Layer = "captive/"+u.String(), vocab.CheckCaptive, u.String(), vocab.LayerLocal
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	return res
}

func judgeCaptive(x exchange, d *CaptiveDetail) report.Result {
	if x.err != nil {
		r := failed(vocab.CaptiveUnreachable, vocab.ReasonNoAnswer, classify(x.err), x.op, "The known-answer URL did not answer; whether a portal is in the way cannot be told. Try --captive-url with a reachable generate_204 URL.")
		r.Status = report.StatusWarn
		return r
	}
	d.Status, d.Location, d.ContentType = x.resp.StatusCode, peerText(x.resp.Header.Get("Location"), maxPeerField), peerText(x.resp.Header.Get("Content-Type"), maxPeerField)
	d.BodyBytes, d.Truncated, d.Title = len(x.body), x.truncated, peerText(pageTitle(x.body), maxPeerField)
	if x.resp.StatusCode == 204 && len(x.body) == 0 {
		return report.Result{Status: report.StatusPass, Observed: vocab.CaptiveNone, Reason: vocab.ReasonKnownAnswer, RTTMS: report.Float(report.MS(x.rtt))}
	}
	reason := vocab.ReasonUnexpectedAnswer
	if x.resp.StatusCode >= 300 && x.resp.StatusCode < 400 {
		reason = vocab.ReasonRedirect
	} else if x.resp.StatusCode == 200 {
		reason = vocab.ReasonLoginPage
	}
	r := failed(vocab.CaptivePortal, reason, "", "", hintPortal)
	r.RTTMS = report.Float(report.MS(x.rtt))
	return r
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// pageTitle extracts an HTML title (portal pages name the venue).
func pageTitle(b []byte) string {
	m := titleRE.FindSubmatch(b)
	if m == nil {
		return ""
	}
	return truncate(strings.Join(strings.Fields(string(m[1])), " "), 120)
}
