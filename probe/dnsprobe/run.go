package dnsprobe

import (
	"context"
	"errors"
	"sync"

	"github.com/roompath/roompath/report"
)

// PlanSize returns how many results Run emits for cfg (at most; results
// of a run cut short by its context are left out).
func (p *DNS) PlanSize() int {
	c := p.cfg
	n := len(c.Names) * len(c.Types) * len(c.Servers)
	if c.NXZone != "" {
		n += len(c.Servers) // the AAAA lookup is folded into the A one's result
	}
	if c.Whoami != "" {
		n += len(c.Servers)
	}
	return n
}

// Run resolves every name, for every type, through every resolver, all at
// once (up to Parallel queries in flight), plus the interception checks of
// each resolver. It calls emit once per result with the result's place in
// the plan (seq: names in order, then types, then resolvers, then the
// interception checks); calls to emit are serialised. The results of one
// name are emitted together, once all of them are in, because each is
// judged against the others (the empty address type, the references).
// Run returns when everything has been emitted; a cancelled ctx makes the
// queries end at once, and the lookups cut short by it are not emitted
// (those that had finished are).
func (p *DNS) Run(ctx context.Context, emit report.Emit) {
	var mu sync.Mutex
	safeEmit := func(seq int, r report.Result) {
		mu.Lock()
		defer mu.Unlock()
		emit(seq, r)
	}
	sem := make(chan struct{}, p.cfg.Parallel)
	groups, ics := p.plan()
	icDone := make(chan struct{})
	var rw rewriteSet
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.runInterception(ctx, sem, ics)
		rw = rewrites(ics)
		close(icDone)
		p.emitInterception(ics, rw, safeEmit)
	}()
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.runAll(ctx, sem, g)
			<-icDone
			p.emitGroup(i, g, rw, safeEmit)
		}()
	}
	wg.Wait()
}

// plan lays out the lookups, one group per name (types × servers, types
// outer), and the interception checks per server.
func (p *DNS) plan() ([][]*dnsLookup, []*dnsInterception) {
	groups := make([][]*dnsLookup, len(p.cfg.Names))
	for i, n := range p.cfg.Names {
		for _, t := range p.cfg.Types {
			for _, s := range p.cfg.Servers {
				groups[i] = append(groups[i], &dnsLookup{Name: n, Type: t, Server: s})
			}
		}
	}
	ics := make([]*dnsInterception, len(p.cfg.Servers))
	for k, s := range p.cfg.Servers {
		ics[k] = p.planInterception(s)
	}
	return groups, ics
}

// runAll runs lookups concurrently, each holding a slot of sem.
func (p *DNS) runAll(ctx context.Context, sem chan struct{}, ls []*dnsLookup) {
	var wg sync.WaitGroup
	for _, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				l.Tries = []dnsTry{{QName: l.Name, Final: dnsExchange{Err: ctx.Err()}}}
				l.Cut = true
				return
			}
			defer func() { <-sem }()
			p.run(ctx, l)
			l.Cut = errors.Is(l.chosen().Final.Err, context.Canceled)
		}()
	}
	wg.Wait()
}

func (p *DNS) runInterception(ctx context.Context, sem chan struct{}, ics []*dnsInterception) {
	var ls []*dnsLookup
	for _, ic := range ics {
		ls = append(ls, ic.lookups()...)
	}
	p.runAll(ctx, sem, ls)
}

// emitGroup judges one name's lookups together and emits them. Lookups
// cut short by the end of ctx are left out, of the judgement too, so an
// interrupted run still reports what had finished.
func (p *DNS) emitGroup(i int, g []*dnsLookup, rw rewriteSet, emit report.Emit) {
	var done []*dnsLookup
	var seqs []int
	for j, l := range g {
		if !l.Cut {
			done = append(done, l)
			seqs = append(seqs, i*len(g)+j)
		}
	}
	vs := judgeName(done, p.cfg.AllowNets, rw)
	for j, l := range done {
		emit(seqs[j], p.lookupResult(l, vs[j]))
	}
}

// emitInterception emits the checks of every server after all the names;
// rw is what each resolver answered for a name that does not exist.
func (p *DNS) emitInterception(ics []*dnsInterception, rw rewriteSet, emit report.Emit) {
	seq := len(p.cfg.Names) * len(p.cfg.Types) * len(p.cfg.Servers)
	for _, ic := range ics {
		if ic.NX != nil {
			if !ic.NX.Cut {
				emit(seq, p.nxResult(ic))
			}
			seq++
		}
		if ic.Whoami != nil {
			if !ic.Whoami.Cut {
				emit(seq, p.whoamiResult(ic.Whoami, rw[ic.Whoami.Server.Addr]))
			}
			seq++
		}
	}
}

// RunAll is Run collecting the results in plan order.
func (p *DNS) RunAll(ctx context.Context) []report.Result {
	out := make([]report.Result, p.PlanSize())
	got := make([]bool, len(out))
	p.Run(ctx, func(seq int, r report.Result) {
		out[seq], got[seq] = r, true
	})
	kept := out[:0]
	for i, r := range out {
		if got[i] {
			kept = append(kept, r)
		}
	}
	return kept
}
