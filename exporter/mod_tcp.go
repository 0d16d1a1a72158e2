package exporter

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
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
	sp, err := targets.Parse(target)
	if err != nil {
		return nil, badTarget("target: %v", err)
	}
	port := cmp.Or(sp.Port, m.cfg.Port)
	switch {
	case sp.Kind == targets.KindAddr && allow.AllowsAddr(sp.First):
		return m.run([]netip.Addr{sp.First}, "", port, nil), nil
	case sp.Kind == targets.KindAddr:
		return nil, notAllowed(target)
	case sp.Kind != targets.KindHost:
		return nil, badTarget("target %q: want one address or name, not a network or range", target)
	case allow.AllowsName(sp.Host):
		return func(ctx context.Context) Outcome { return m.resolveAndRun(ctx, sp.Host, port) }, nil
	}
	start := time.Now()
	addrs, err := m.lookup(ctx, sp.Host)
	took := time.Since(start)
	if err != nil || len(addrs) == 0 || !allAllowed(allow, addrs) {
		return nil, notAllowed(target)
	}
	return m.run(addrs, sp.Host, port, &took), nil
}

func allAllowed(allow *Allowlist, addrs []netip.Addr) bool {
	for _, a := range addrs {
		if !allow.AllowsAddr(a) {
			return false
		}
	}
	return true
}

func (m *tcpModule) resolveAndRun(ctx context.Context, host string, port uint16) Outcome {
	start := time.Now()
	addrs, err := m.lookup(ctx, host)
	took := time.Since(start)
	if err != nil || len(addrs) == 0 {
		return Outcome{Results: []report.Result{m.unresolved(host, port, err)}, Lookup: &took}
	}
	return m.run(addrs, host, port, &took)(ctx)
}

// run probes every address at once.
func (m *tcpModule) run(addrs []netip.Addr, name string, port uint16, lookup *time.Duration) Run {
	if len(addrs) > maxAddrs {
		addrs = addrs[:maxAddrs]
	}
	return func(ctx context.Context) Outcome {
		p := probe.NewTCP(probe.TCPConfig{Timeout: perAttempt(ctx, m.cfg.Attempts), Attempts: m.cfg.Attempts, Expect: m.cfg.Expect})
		out := Outcome{Results: make([]report.Result, len(addrs)), Lookup: lookup}
		var wg sync.WaitGroup
		for i, a := range addrs {
			wg.Go(func() { out.Results[i] = p.Run(ctx, probe.TCPTarget{Addr: a, Port: port, Name: name}) })
		}
		wg.Wait()
		return out
	}
}

// unresolved is the result for a name without an address, as portcheck
// reports it.
func (m *tcpModule) unresolved(host string, port uint16, err error) report.Result {
	target := net.JoinHostPort(host, strconv.Itoa(int(port)))
	st := report.StatusFail
	if m.cfg.Expect == probe.ExpectBlocked {
		st = report.StatusPass
	}
	failure := probe.FailureDNSNoAnswer
	if err != nil {
		failure = probe.Classify(err)
	}
	return report.Result{
		ID: "tcp/" + target, Check: "tcp", Target: target, Status: st, Expect: m.cfg.Expect,
		Observed: "unresolved", Failure: report.Str(failure), Operation: report.Str(probe.OpResolve), Layer: report.LayerDNS,
		Hint: fmt.Sprintf("%s does not resolve from the exporter: check the name and the exporter's resolver (run dnscheck %s).", host, host),
	}
}
