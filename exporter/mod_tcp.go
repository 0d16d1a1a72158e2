package exporter

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultTCPPort is the tcp module's port: Zoom Rooms controller pairing.
const DefaultTCPPort = 9090

// maxAddrs bounds the addresses of one name that a tcp probe connects to.
const maxAddrs = 8

// tcpModule probes TCP reachability of one address, or of every address
// of one name.
type tcpModule struct {
	cfg    TCPModule
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

func newTCPModule(mc ModuleConfig) (Module, error) {
	c := mc.TCP
	if c.Port == 0 {
		c.Port = DefaultTCPPort
	}
	if c.Attempts == 0 {
		c.Attempts = 1
	}
	if c.Attempts < 0 || c.Attempts > 10 {
		return nil, fmt.Errorf("tcp.attempts: want 1-10, got %d", c.Attempts)
	}
	if c.Expect == "" {
		c.Expect = probe.ExpectOpen
	}
	if c.Expect != probe.ExpectOpen && c.Expect != probe.ExpectBlocked {
		return nil, fmt.Errorf("tcp.expect: want open or blocked, got %q", c.Expect)
	}
	return &tcpModule{cfg: c, lookup: lookupIP}, nil
}

func lookupIP(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// Plan accepts an address or a name, with an optional port. A name the
// allowlist does not list is resolved here and allowed only when every
// address lies in an allowed network; those addresses are then probed, so
// a second lookup cannot steer the probe elsewhere.
func (m *tcpModule) Plan(ctx context.Context, target string, allow *Allowlist) (Run, error) {
	addrs, name, port, lookup, err := m.plan(ctx, target, allow)
	if err != nil {
		return nil, err
	}
	if addrs != nil {
		return m.run(addrs, name, port, lookup), nil
	}
	return func(ctx context.Context) Outcome {
		addrs, lookup, err := m.resolve(ctx, name)
		if err != nil {
			return Outcome{Results: []report.Result{m.unresolved(name, port, err)}, Lookup: lookup}
		}
		return m.run(addrs, name, port, lookup)(ctx)
	}, nil
}

// plan checks target: the addresses to probe (nil for a name allowed by
// name, resolved when the probe runs), the name, the port, and the lookup
// time when plan resolved the name itself.
func (m *tcpModule) plan(ctx context.Context, target string, allow *Allowlist) ([]netip.Addr, string, uint16, *time.Duration, error) {
	sp, err := targets.Parse(target)
	if err != nil {
		return nil, "", 0, nil, badTarget("target: %v", err)
	}
	port := cmp.Or(sp.Port, m.cfg.Port)
	switch {
	case sp.Kind == targets.KindAddr && allow.AllowsAddr(sp.First):
		return []netip.Addr{sp.First}, "", port, nil, nil
	case sp.Kind == targets.KindAddr:
		return nil, "", 0, nil, notAllowed(target)
	case sp.Kind != targets.KindHost:
		return nil, "", 0, nil, badTarget("target %q: want one address or name, not a network or range", target)
	case allow.AllowsName(sp.Host):
		return nil, sp.Host, port, nil, nil
	}
	addrs, lookup, err := m.resolve(ctx, sp.Host)
	if err != nil || !allAllowed(allow, addrs) {
		return nil, "", 0, nil, notAllowed(target)
	}
	return addrs, sp.Host, port, lookup, nil
}

// resolve looks host up, timing it; no address is an error.
func (m *tcpModule) resolve(ctx context.Context, host string) ([]netip.Addr, *time.Duration, error) {
	start := time.Now()
	addrs, err := m.lookup(ctx, host)
	took := time.Since(start)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("%s has %w", host, probe.ErrNoAddress)
	}
	return addrs, &took, err
}

func allAllowed(allow *Allowlist, addrs []netip.Addr) bool {
	for _, a := range addrs {
		if !allow.AllowsAddr(a) {
			return false
		}
	}
	return len(addrs) > 0
}

// run probes every address at once.
func (m *tcpModule) run(addrs []netip.Addr, name string, port uint16, lookup *time.Duration) Run {
	if len(addrs) > maxAddrs {
		addrs = addrs[:maxAddrs]
	}
	return func(ctx context.Context) Outcome {
		cfg := probe.TCPConfig{Timeout: perAttempt(ctx, m.cfg.Attempts), Attempts: m.cfg.Attempts, Expect: m.cfg.Expect}
		out := Outcome{Results: make([]report.Result, len(addrs)), Lookup: lookup}
		var wg sync.WaitGroup
		for i, a := range addrs {
			cfg := cfg
			cfg.Target = probe.TCPTarget{Addr: a, Port: port, Name: name}
			wg.Go(func() { out.Results[i] = m.probe(ctx, cfg) })
		}
		wg.Wait()
		return out
	}
}

// probe runs one TCP probe; the module's settings were checked when it
// was built, so NewTCP refusing them is a bug reported as not run.
func (m *tcpModule) probe(ctx context.Context, cfg probe.TCPConfig) report.Result {
	p, err := probe.NewTCP(cfg)
	if err != nil {
		ap := netip.AddrPortFrom(cfg.Target.Addr, cfg.Target.Port).String()
		return notRun(vocab.CheckTCP, "tcp/"+ap, ap, err)
	}
	return runOne(ctx, p)[0]
}

// unresolved is the result for a name without an address, as portcheck
// reports it (probe.Unresolved).
func (m *tcpModule) unresolved(host string, port uint16, err error) report.Result {
	return probe.Unresolved(vocab.CheckTCP, host, port, err, m.cfg.Expect,
		fmt.Sprintf("%s does not resolve from the exporter: check the name and the exporter's resolver (run dnscheck %s).", host, host))
}
