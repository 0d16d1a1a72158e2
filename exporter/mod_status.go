package exporter

import (
	"cmp"
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/roompath/roompath/probe/status"
)

// statusModule reads a Statuspage summary: the configured page (with its
// fallback) when the target is empty or names that page's host, else the
// target (a URL, or a host meaning https://HOST/api/v2/summary.json) on an
// allowed host. Every connection is held to the allowlist (status.Guard):
// each redirect's hop, each address a name resolves to, the proxy; the
// configured pages' hosts count as allowed by name.
type statusModule struct {
	cfg       StatusModule
	transport *http.Transport
	host      string   // the configured page's host
	own       []string // the configured pages' hosts
	// resolve resolves names at connect time; nil means the system
	// resolver (a seam for tests).
	resolve func(context.Context, string) ([]netip.Addr, error)

	mu    sync.Mutex
	allow *Allowlist     // the allowlist probe was built for
	probe *status.Status // the configured page, guarded by allow
}

// summaryPath is where a Statuspage serves its summary.
const summaryPath = "/api/v2/summary.json"

func newStatusModule(mc ModuleConfig) (Module, error) {
	m := &statusModule{cfg: mc.Status, transport: http.DefaultTransport.(*http.Transport).Clone()}
	if _, err := status.NewStatus(m.statusConfig(m.cfg.URL, m.cfg.FallbackURL, nil)); err != nil {
		return nil, err
	}
	m.host = hostOf(cmp.Or(m.cfg.URL, status.DefaultURL))
	m.own = []string{m.host}
	if fb := m.cfg.FallbackURL; fb != status.NoFallback {
		m.own = append(m.own, hostOf(cmp.Or(fb, status.DefaultFallbackURL)))
	}
	return m, nil
}

func (m *statusModule) statusConfig(u, fallback string, g *status.Guard) status.StatusConfig {
	return status.StatusConfig{URL: u, FallbackURL: fallback, Transport: m.transport, Timeout: DefaultTimeout, Guard: g}
}

// guard holds a probe's connections to allow; own names count as allowed
// by name.
func (m *statusModule) guard(allow *Allowlist, own ...string) *status.Guard {
	return &status.Guard{
		Addr: allow.AllowsAddr,
		Name: func(h string) bool {
			h = strings.ToLower(strings.TrimSuffix(h, "."))
			for _, o := range own {
				if strings.EqualFold(h, o) {
					return true
				}
			}
			return allow.AllowsName(h)
		},
		Resolve: m.resolve,
	}
}

// configured returns the configured page's probe guarded by allow.
func (m *statusModule) configured(allow *Allowlist) (*status.Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.probe == nil || m.allow != allow {
		p, err := status.NewStatus(m.statusConfig(m.cfg.URL, m.cfg.FallbackURL, m.guard(allow, m.own...)))
		if err != nil {
			return nil, err
		}
		m.probe, m.allow = p, allow
	}
	return m.probe, nil
}

// Plan picks the page to read; a target page other than the configured one
// is read without a fallback.
func (m *statusModule) Plan(_ context.Context, target string, allow *Allowlist) (Run, error) {
	if target == "" || target == m.host || hostOf(target) == m.host {
		p, err := m.configured(allow)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) Outcome { return Outcome{Results: runOne(ctx, p)} }, nil
	}
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
	p, err := status.NewStatus(m.statusConfig(u, status.NoFallback, m.guard(allow)))
	if err != nil {
		return nil, badTarget("target: %v", err)
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
