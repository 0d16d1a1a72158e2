package exporter

import (
	"context"
	"net/http"
	"net/url"

	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/report"
)

// statusModule reads a Statuspage summary: the configured one when the
// target is empty, else the target URL (whose host must be allowed).
type statusModule struct {
	cfg       StatusModule
	transport http.RoundTripper
	probe     *status.Probe
}

func newStatusModule(mc ModuleConfig) (Module, error) {
	m := &statusModule{cfg: mc.Status, transport: http.DefaultTransport.(*http.Transport).Clone()}
	p, err := m.newProbe(mc.Status.URL)
	if err != nil {
		return nil, err
	}
	m.probe = p
	return m, nil
}

func (m *statusModule) newProbe(u string) (*status.Probe, error) {
	return status.New(status.Config{URL: u, FallbackURL: m.cfg.FallbackURL, Transport: m.transport, Timeout: DefaultTimeout})
}

// Plan accepts an empty target (the configured page) or an http(s) URL on
// an allowed host; a target URL is read without the fallback.
func (m *statusModule) Plan(_ context.Context, target string, allow *Allowlist) (Run, error) {
	p := m.probe
	if target != "" {
		if err := status.CheckURL(target); err != nil {
			return nil, badTarget("target: %v", err)
		}
		u, _ := url.Parse(target)
		if !allow.AllowsHost(u.Hostname()) {
			return nil, notAllowed(target)
		}
		var err error
		if p, err = status.New(status.Config{URL: target, FallbackURL: status.NoFallback, Transport: m.transport, Timeout: DefaultTimeout}); err != nil {
			return nil, badTarget("target: %v", err)
		}
	}
	return func(ctx context.Context) Outcome { return Outcome{Results: []report.Result{p.Run(ctx)}} }, nil
}
