package exporter

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"

	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// proxyModule checks whether host:port is reachable directly, only through
// the proxy, or not at all.
type proxyModule struct {
	cfg    ProxyModule
	lookup func(context.Context, string) ([]netip.Addr, error)
}

func newProxyModule(mc ModuleConfig) (Module, error) {
	m := &proxyModule{cfg: mc.Proxy, lookup: lookupIP}
	m.cfg.Port = cmp.Or(m.cfg.Port, DefaultTLSPort)
	if err := checkProxySetting(m.cfg.Proxy); err != nil {
		return nil, fmt.Errorf("proxy.proxy: %w", err)
	}
	return m, nil
}

// Plan accepts host[:port].
func (m *proxyModule) Plan(ctx context.Context, target string, allow *Allowlist) (Run, error) {
	hp, d, err := planHostPort(ctx, target, m.cfg.Port, m.lookup, allow)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) Outcome {
		cfg, err := discoverProxy(ctx, m.cfg.Proxy, m.cfg.PAC, d)
		if err != nil {
			return Outcome{Results: []report.Result{notRun(vocab.CheckProxy, "proxy/"+hp, hp, err)}}
		}
		p, err := proxyprobe.NewProxy(proxyprobe.ProxyConfig{Target: hp, Settings: cfg, Dialer: d, Timeout: perAttempt(ctx, 1)})
		if err != nil {
			return Outcome{Results: []report.Result{notRun(vocab.CheckProxy, "proxy/"+hp, hp, err)}}
		}
		return Outcome{Results: runOne(ctx, p)}
	}, nil
}
