package triage

import (
	"context"
	"net/netip"
	"sort"
	"sync"

	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// Outcome is what a run found.
type Outcome struct {
	// Verdict names the first failing layer, or says that none failed.
	Verdict *report.Verdict
	// Results are every result, in report order (the decision path).
	Results []report.Result
}

// Run runs every check of cfg at once, passing each result to emit as it
// completes (one call at a time), and decides the verdict once all ended.
// A room given by name is resolved once, and every check uses those
// addresses. An error means cfg is invalid (see Config.Check) and nothing
// was sent.
func Run(ctx context.Context, cfg Config, emit report.Emit) (*Outcome, error) {
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	c := &collector{emit: emit}
	p.run(ctx, c)
	return &Outcome{Verdict: Decide(p.cfg.Room.Raw, p.cfg.Port, c.sorted()), Results: c.sorted()}, nil
}

// collector passes results on and keeps them, with their report order.
type collector struct {
	mu      sync.Mutex
	emit    report.Emit
	results []report.Result
	seqs    []int
}

// at returns the Emit of the probe of rank.
func (c *collector) at(rank int) report.Emit {
	return func(seq int, r report.Result) {
		c.mu.Lock()
		defer c.mu.Unlock()
		n := seqOf(rank, seq)
		c.results, c.seqs = append(c.results, r), append(c.seqs, n)
		if c.emit != nil {
			c.emit(n, r)
		}
	}
}

// sorted returns the results in report order.
func (c *collector) sorted() []report.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	idx := make([]int, len(c.results))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return c.seqs[idx[a]] < c.seqs[idx[b]] })
	out := make([]report.Result, len(idx))
	for i, j := range idx {
		out[i] = c.results[j]
	}
	return out
}

// run resolves the room, then starts every probe at once.
func (p *plan) run(ctx context.Context, c *collector) {
	var wg sync.WaitGroup
	if p.status != nil {
		wg.Go(func() { p.status.Run(ctx, c.at(rankStatus)) })
	}
	if p.dns != nil {
		wg.Go(func() { p.dns.Run(ctx, c.at(rankDNS)) })
	}
	if p.proxy != nil {
		wg.Go(func() { _ = p.proxy.Run(ctx, c.at(rankProxy)) })
	}
	if p.media != nil {
		wg.Go(func() { _ = p.media.Run(ctx, c.at(rankMedia)) })
	}
	room, err := p.resolve(ctx)
	if err != nil {
		p.unresolved(err, c)
	} else {
		p.runRoom(ctx, room, c, &wg)
	}
	wg.Wait()
}

// resolve returns the room's addresses: the one address given, or every
// address of its name, looked up once.
func (p *plan) resolve(ctx context.Context) (probe.Resolution, error) {
	if p.cfg.Room.Kind == targets.KindAddr {
		return probe.Resolution{Addrs: []netip.Addr{p.cfg.Room.First}}, nil
	}
	return probe.Resolve(ctx, p.cfg.Room.Host)
}

// targets are the room's addresses on port, each with where it came from.
func (p *plan) targets(room probe.Resolution, ports ...uint16) []probe.TCPTarget {
	var out []probe.TCPTarget
	for _, a := range room.Addrs {
		for _, port := range ports {
			out = append(out, probe.TCPTarget{Addr: a, Port: port, Name: room.Name, Via: room.ViaOf(a)})
		}
	}
	return out
}

// unresolved reports the room's name as unresolved for every check that
// needed its address.
func (p *plan) unresolved(err error, c *collector) {
	name := p.cfg.Room.Host
	if !p.cfg.Skip.Path {
		c.at(rankPath)(0, probe.Unresolved(vocab.CheckPath, name, p.cfg.Port, err, string(vocab.PathReached), ""))
	}
	for i, port := range p.ports {
		c.at(rankPorts)(i, probe.Unresolved(vocab.CheckTCP, name, port, err, probe.ExpectOpen, ""))
	}
	if p.control != 0 {
		c.at(rankControl)(0, probe.Unresolved(vocab.CheckTCP, name, p.control, err, probe.ExpectAnswer, ""))
	}
}

// runRoom starts the path check and the port probes of every address.
func (p *plan) runRoom(ctx context.Context, room probe.Resolution, c *collector, wg *sync.WaitGroup) {
	for i, t := range p.targets(room, p.cfg.Port) {
		if p.cfg.Skip.Path {
			break
		}
		path, err := pathprobe.NewPath(pathprobe.PathConfig{Target: t, Timeout: p.cfg.Timeout})
		if err != nil {
			continue // a resolved address always makes a valid target
		}
		emit := c.at(rankPath)
		wg.Go(func() { path.Run(ctx, func(_ int, r report.Result) { emit(i, r) }) })
	}
	wg.Go(func() { p.sweep(ctx, p.targets(room, p.ports...), probe.ExpectOpen, c.at(rankPorts)) })
	if p.control != 0 {
		wg.Go(func() { p.sweep(ctx, p.targets(room, p.control), probe.ExpectAnswer, c.at(rankControl)) })
	}
}

// sweep probes every target at once; results keep the targets' order.
func (p *plan) sweep(ctx context.Context, ts []probe.TCPTarget, expect string, emit report.Emit) {
	tcp, err := probe.NewTCP(probe.TCPConfig{Timeout: p.cfg.Timeout, Expect: expect})
	if err != nil {
		return // the expectations are the package's own constants
	}
	sw := probe.NewSweep(tcp, probe.SweepConfig{})
	sw.Run(ctx, func(yield func(int, probe.TCPTarget) bool) {
		for i, t := range ts {
			if !yield(i, t) {
				return
			}
		}
	}, emit)
}
