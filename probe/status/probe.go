package status

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roompath/roompath/internal/version"
	"github.com/roompath/roompath/report"
)

// Defaults of StatusConfig's zero values.
const (
	// DefaultURL is Zoom's Statuspage summary.
	DefaultURL = "https://www.zoomstatus.com/api/v2/summary.json"
	// DefaultFallbackURL is the older name of the same page; it went down
	// with zoom.us on 16 April 2025 while www.zoomstatus.com stayed up, so
	// it is only the second choice.
	DefaultFallbackURL = "https://status.zoom.us/api/v2/summary.json"
	// NoFallback as StatusConfig.FallbackURL turns the fallback off.
	NoFallback = "none"
	// DefaultTimeout bounds the whole check, fallback included: the page is
	// a few kilobytes behind a CDN and answers in well under a second from
	// anywhere healthy.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBody bounds the body: a summary with every component and a
	// long incident list stays far below 2 MiB, and the bound stops an
	// endless or huge answer.
	DefaultMaxBody = 2 << 20
	// fallbackHedge is how long the fallback waits for the primary before
	// starting anyway (at most half the budget): a blocked primary should
	// not eat the whole budget before the fallback is tried.
	fallbackHedge = 3 * time.Second
)

var userAgent = "roompath/" + version.Version + " (+status check)"

// StatusConfig configures a status probe; the zero value reads Zoom's page.
type StatusConfig struct {
	// URL is the summary.json to read; empty means DefaultURL.
	URL string
	// FallbackURL is read when URL cannot be (or is slow); empty means
	// DefaultFallbackURL and NoFallback turns it off.
	FallbackURL string
	// Timeout bounds the whole check, fallback included; zero means
	// DefaultTimeout. A nearer deadline on Run's ctx wins.
	Timeout time.Duration
	// MaxBody is the most bytes read from a body; zero means DefaultMaxBody.
	MaxBody int64
	// Transport carries the requests; nil means http.DefaultTransport
	// (proxy from the environment, system roots). An *http.Transport is
	// cloned: one request per connection, every answer's head checked
	// (http_invalid_response, http_response_head_too_large).
	Transport http.RoundTripper
	// Guard, when set, holds every connection (each redirect's hop, each
	// address a name resolves to, the proxy) to an allowlist; nil allows
	// everything. It needs Transport nil or an *http.Transport.
	Guard *Guard
}

// Status reads a Statuspage summary. Build it with NewStatus; it is safe
// for concurrent use.
type Status struct {
	cfg    StatusConfig
	urls   []string // primary, then the fallback if any
	client *http.Client
}

// NewStatus checks cfg's URLs, fills in the defaults and returns the
// probe. An error names the bad value.
func NewStatus(cfg StatusConfig) (*Status, error) {
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	if cfg.FallbackURL == "" {
		cfg.FallbackURL = DefaultFallbackURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	rt, err := newTransport(cfg.Transport, cfg.Guard)
	if err != nil {
		return nil, err
	}
	p := &Status{cfg: cfg, urls: []string{cfg.URL}, client: newClient(rt, cfg.Guard)}
	if cfg.FallbackURL != NoFallback && cfg.FallbackURL != cfg.URL {
		p.urls = append(p.urls, cfg.FallbackURL)
	}
	for _, u := range p.urls {
		if err := CheckURL(u); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// CheckURL accepts an absolute http or https URL with a host and, if it
// names one, a port 1-65535. The error quotes the URL with its
// credentials hidden, on one line.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	shown := report.RedactURL(s)
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("invalid URL %q: %s", shown, report.RedactText(err.Error()))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("invalid URL %q: the scheme must be http or https", shown)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("invalid URL %q: no host", shown)
	case !validPort(u.Port()):
		return fmt.Errorf("invalid URL %q: port %q is not 1-65535", shown, u.Port())
	}
	return nil
}

// validPort accepts "" (the scheme's port) or 1-65535.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// ID returns the result id for a summary URL: "status/" and its host.
func ID(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "status/" + report.RedactURL(rawURL)
	}
	return "status/" + u.Host
}

// Run reads the page (falling back if needed) and emits one result, with
// seq 0, whose Detail is a *Detail; it ends by the earlier of ctx's
// deadline and StatusConfig.Timeout.
func (p *Status) Run(ctx context.Context, emit report.Emit) { emit(0, p.check(ctx)) }

func (p *Status) check(ctx context.Context) report.Result {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	got, tries := p.read(ctx)
	res := p.result(got, tries)
	res.DurationMS = report.MS(time.Since(start))
	return res
}

// read fetches the primary URL and, when it fails or is slow, the
// fallback; the first summary wins and the other fetch is abandoned. tries
// lists every fetch started, in URL order.
func (p *Status) read(ctx context.Context) (won *fetched, tries []fetched) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan fetched, len(p.urls))
	started, pending := 0, 0
	next := func() {
		if started < len(p.urls) {
			go func(i int) { ch <- p.fetch(ctx, i) }(started)
			started, pending = started+1, pending+1
		}
	}
	next()
	hedge := time.NewTimer(p.hedgeDelay(ctx))
	defer hedge.Stop()
	done := make([]fetched, len(p.urls))
	for pending > 0 {
		select {
		case f := <-ch:
			pending--
			done[f.index] = f
			if f.err == nil && won == nil {
				won = &done[f.index]
				cancel() // abandon the other fetch; its result drains below
			} else if won == nil {
				next()
			}
		case <-hedge.C:
			next()
		}
	}
	cancel()
	return won, done[:started]
}

// hedgeDelay is fallbackHedge, or half the time left if that is less.
func (p *Status) hedgeDelay(ctx context.Context) time.Duration {
	d := fallbackHedge
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl)/2)
	}
	return max(d, 0)
}
