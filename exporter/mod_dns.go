package exporter

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/endpoints"
	"github.com/roompath/roompath/report"
)

// dnsModule resolves the configured names through the target resolver,
// compared with the reference resolvers.
type dnsModule struct {
	base     probe.DNSConfig // Servers holds only the references
	attempts int
}

func newDNSModule(mc ModuleConfig) (Module, error) {
	c := mc.DNS
	base := probe.DNSConfig{Names: c.Names, TCP: c.TCP, Attempts: c.Attempts}
	if len(base.Names) == 0 {
		base.Names = endpoints.Default().Names()
	}
	for _, s := range c.Types {
		t, err := probe.ParseDNSType(s)
		if err != nil {
			return nil, fmt.Errorf("dns.types: %w", err)
		}
		base.Types = append(base.Types, t)
	}
	for _, s := range c.References {
		ap, err := probe.ParseResolver(s)
		if err != nil {
			return nil, fmt.Errorf("dns.references: %w", err)
		}
		base.Servers = append(base.Servers, probe.DNSServer{Addr: ap, Role: probe.RoleReference})
	}
	for _, s := range c.AllowNets {
		p, err := probe.ParseAllowNet(s)
		if err != nil {
			return nil, fmt.Errorf("dns.allow_nets: %w", err)
		}
		base.AllowNets = append(base.AllowNets, p)
	}
	m := &dnsModule{base: base, attempts: max(c.Attempts, probe.DefaultDNSAttempts)}
	if _, err := probe.NewDNS(m.config(netip.MustParseAddrPort("127.0.0.1:53"))); err != nil {
		return nil, fmt.Errorf("dns: %w", err)
	}
	return m, nil
}

// config is the probe's configuration for one resolver.
func (m *dnsModule) config(resolver netip.AddrPort) probe.DNSConfig {
	c := m.base
	c.Servers = append([]probe.DNSServer{{Addr: resolver, Role: probe.RoleResolver}}, m.base.Servers...)
	return c
}

// Plan accepts a resolver address with an optional port (53 by default).
func (m *dnsModule) Plan(_ context.Context, target string, allow *Allowlist) (Run, error) {
	ap, err := probe.ParseResolver(target)
	if err != nil {
		return nil, badTarget("target: %v", err)
	}
	if !allow.AllowsAddr(ap.Addr()) {
		return nil, notAllowed(target)
	}
	return func(ctx context.Context) Outcome {
		c := m.config(ap)
		c.Timeout = perAttempt(ctx, m.attempts)
		p, err := probe.NewDNS(c)
		if err != nil { // checked when the module was built; never expected
			return Outcome{Results: []report.Result{notRun("dns", "dns/"+target, target, err)}}
		}
		return Outcome{Results: p.RunAll(ctx)}
	}, nil
}
