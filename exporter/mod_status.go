package exporter

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/roompath/roompath/probe/status"
)

// statusModule reads a Statuspage summary: the configured page (with its
// fallback) when the target is empty or names that page's host, else the
// target (a URL, or a host meaning https://HOST/api/v2/summary.json) on an
// allowed host.
type statusModule struct {
	cfg       StatusModule
	transport http.RoundTripper
	probe     *status.Status // the configured page
	host      string         // the configured page's host
}

// summaryPath is where a Statuspage serves its summary.
const summaryPath = "/api/v2/summary.json"

func newStatusModule(mc ModuleConfig) (Module, error) {
	m := &statusModule{cfg: mc.Status, transport: http.DefaultTransport.(*http.Transport).Clone()}
	p, err := status.NewStatus(status.StatusConfig{URL: m.cfg.URL, FallbackURL: m.cfg.FallbackURL, Transport: m.transport, Timeout: DefaultTimeout})
	if err != nil {
		return nil, err
	}
	m.probe, m.host = p, hostOf(cmp.Or(m.cfg.URL, status.DefaultURL))
	return m, nil
}

// Plan picks the page to read; a target page other than the configured one
// is read without a fallback.
func (m *statusModule) Plan(_ context.Context, target string, allow *Allowlist) (Run, error) {
	p := m.probe
	if target != "" && target != m.host && hostOf(target) != m.host {
		u := target
		if !strings.Contains(u, "://") {
			u = "https://" + u + summaryPath
		}
		if err := status.CheckURL(u); err != nil {
			return nil, badTarget("target: %v", err)
		}
		if !allow.AllowsHost(hostOf(u)) {
			return nil, notAllowed(target)
		}
		var err error
		if p, err = status.NewStatus(status.StatusConfig{URL: u, FallbackURL: status.NoFallback, Transport: m.transport, Timeout: DefaultTimeout}); err != nil {
			return nil, badTarget("target: %v", err)
		}
	}
	return func(ctx context.Context) Outcome { return Outcome{Results: runOne(ctx, p)} }, nil
}

// hostOf returns a URL's host name, or "" when it has none.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
