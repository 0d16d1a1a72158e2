package proxyprobe

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/roompath/roompath/report"
)

// DefaultCaptiveURL is the known-answer URL of the captive check: it
// answers 204 with an empty body (the generate_204 convention Android and
// ChromeOS use).
const DefaultCaptiveURL = "http://connectivitycheck.gstatic.com/generate_204"

// Captive check observed states (docs/proxycheck.md).
const (
	ObservedNoPortal = "none"   // 204, empty body
	ObservedPortal   = "portal" // anything else: a redirect, a login page
)

const hintPortal = "A captive portal intercepts HTTP here: the room cannot reach the Zoom cloud until someone signs in. Put Zoom Rooms on a network without a portal, or whitelist the room's MAC address in the portal."

// CaptiveCheck configures the captive-portal check.
type CaptiveCheck struct {
	// URL is the known-answer URL; nil means DefaultCaptiveURL.
	URL *url.URL
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds the exchange; zero means DefaultTimeout.
	Timeout time.Duration
}

// Captive is a ready captive-portal check.
type Captive struct{ cfg CaptiveCheck }

// NewCaptive captures cfg.
func NewCaptive(cfg CaptiveCheck) *Captive {
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.URL == nil {
		cfg.URL, _ = url.Parse(DefaultCaptiveURL)
	}
	return &Captive{cfg: cfg}
}

type captiveDetail struct {
	Addr        string `json:"addr"`
	Status      int    `json:"status,omitempty"`
	Location    string `json:"location,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	BodyBytes   int    `json:"body_bytes"`
	Truncated   bool   `json:"truncated,omitempty"`
	Title       string `json:"title,omitempty"`
}

// Run fetches the known-answer URL (directly, not through a proxy, the way
// operating systems probe) and compares.
func (c *Captive) Run(ctx context.Context) report.Result {
	start := time.Now()
	u := c.cfg.URL
	raw := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: " + userAgent + "\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	x := rawExchange(ctx, c.cfg.Dialer, hostPortOf(u), []byte(raw), c.cfg.Timeout)
	d := &captiveDetail{Addr: x.addr}
	res := judgeCaptive(x, d)
	res.ID, res.Check, res.Target, res.Layer = "captive/"+u.String(), "captive", u.String(), report.LayerLocal
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	return res
}

func judgeCaptive(x exchange, d *captiveDetail) report.Result {
	if x.err != nil {
		r := failed(ObservedUnreachable, "no_answer", classify(x.err), x.op, "The known-answer URL did not answer; whether a portal is in the way cannot be told. Try --captive-url with a reachable generate_204 URL.")
		r.Status = report.StatusWarn
		return r
	}
	d.Status, d.Location, d.ContentType = x.resp.StatusCode, x.resp.Header.Get("Location"), x.resp.Header.Get("Content-Type")
	d.BodyBytes, d.Truncated, d.Title = len(x.body), x.truncated, pageTitle(x.body)
	if x.resp.StatusCode == 204 && len(x.body) == 0 {
		return report.Result{Status: report.StatusPass, Observed: ObservedNoPortal, Reason: "known_answer", RTTMS: report.Float(report.MS(x.rtt))}
	}
	reason := "unexpected_answer"
	if x.resp.StatusCode >= 300 && x.resp.StatusCode < 400 {
		reason = "redirect"
	} else if x.resp.StatusCode == 200 {
		reason = "login_page"
	}
	r := failed(ObservedPortal, reason, "", "", hintPortal)
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
