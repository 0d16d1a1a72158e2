package exporter

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/endpoints"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// dnsModule resolves the configured names through the target resolver,
// compared with the reference resolvers.
type dnsModule struct {
	base     dnsprobe.DNSConfig // Servers holds only the references
	attempts int
}

func newDNSModule(mc ModuleConfig) (Module, error) {
	c := mc.DNS
	base := dnsprobe.DNSConfig{Names: c.Names, TCP: c.TCP, Attempts: c.Attempts}
	if len(base.Names) == 0 {
		base.Names = endpoints.Default().Names()
	}
	for _, s := range c.Types {
		t, err := dnsprobe.ParseType(s)
		if err != nil {
			return nil, fmt.Errorf("dns.types: %w", err)
		}
		base.Types = append(base.Types, t)
	}
	for _, s := range c.References {
		ap, err := dnsprobe.ParseResolver(s)
		if err != nil {
			return nil, fmt.Errorf("dns.references: %w", err)
		}
		base.Servers = append(base.Servers, dnsprobe.Server{Addr: ap, Role: dnsprobe.RoleReference})
	}
	for _, s := range c.AllowNets {
		p, err := dnsprobe.ParseAllowNet(s)
		if err != nil {
			return nil, fmt.Errorf("dns.allow_nets: %w", err)
		}
		base.AllowNets = append(base.AllowNets, p)
	}
	m := &dnsModule{base: base, attempts: max(c.Attempts, dnsprobe.DefaultAttempts)}
	if _, err := dnsprobe.NewDNS(m.config(netip.MustParseAddrPort("127.0.0.1:53"))); err != nil {
		return nil, fmt.Errorf("dns: %w", err)
	}
	return m, nil
}

// config is the probe's configuration for one resolver.
func (m *dnsModule) config(resolver netip.AddrPort) dnsprobe.DNSConfig {
	c := m.base
	c.Servers = append([]dnsprobe.Server{{Addr: resolver, Role: dnsprobe.RoleResolver}}, m.base.Servers...)
	return c
}

// Plan accepts a resolver address with an optional port (53 by default).
func (m *dnsModule) Plan(_ context.Context, target string, allow *Allowlist) (Run, error) {
	ap, err := dnsprobe.ParseResolver(target)
	if err != nil {
		return nil, badTarget("target: %v", err)
	}
	if !allow.AllowsAddr(ap.Addr()) {
		return nil, notAllowed(target)
	}
	return func(ctx context.Context) Outcome {
		c := m.config(ap)
		c.Timeout = perAttempt(ctx, m.attempts)
		p, err := dnsprobe.NewDNS(c)
		if err != nil { // checked when the module was built; never expected
			return Outcome{Results: []report.Result{notRun(vocab.CheckDNS, "dns/"+target, target, err)}}
		}
		return Outcome{Results: p.RunAll(ctx)}
	}, nil
}
