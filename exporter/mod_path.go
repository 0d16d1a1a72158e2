package exporter

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// pathReserve is kept back from the budget for the path check's work after
// the trace (neighbour and path-MTU confirmation, at most 250 ms there).
const pathReserve = 300 * time.Millisecond

// pathModule traces the path toward a room's port and names where it dies.
type pathModule struct {
	tcp     *tcpModule // target planning and the allowlist rules
	maxHops int
}

func newPathModule(mc ModuleConfig) (Module, error) {
	m, err := newTCPModule(ModuleConfig{TCP: TCPModule{Port: mc.Path.Port}})
	if err != nil {
		return nil, err
	}
	if mc.Path.MaxHops < 0 || mc.Path.MaxHops > 64 {
		return nil, fmt.Errorf("path.max_hops: want 1-64, got %d", mc.Path.MaxHops)
	}
	return &pathModule{tcp: m.(*tcpModule), maxHops: mc.Path.MaxHops}, nil
}

// Plan accepts what the tcp module accepts, under the same allowlist
// rules.
func (m *pathModule) Plan(ctx context.Context, target string, allow *Allowlist) (Run, error) {
	addrs, name, port, lookup, err := m.tcp.plan(ctx, target, allow)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) Outcome {
		if addrs == nil {
			if addrs, lookup, err = m.tcp.resolve(ctx, name); err != nil {
				return Outcome{Results: []report.Result{m.tcp.unresolved(name, port, err)}, Lookup: lookup}
			}
		}
		t := probe.TCPTarget{Addr: addrs[0], Port: port, Name: name}
		timeout := max(perAttempt(ctx, 1)-pathReserve, 100*time.Millisecond)
		return Outcome{Results: m.check(ctx, t, timeout), Lookup: lookup}
	}, nil
}

// check runs the path check of t and returns its result.
func (m *pathModule) check(ctx context.Context, t probe.TCPTarget, timeout time.Duration) []report.Result {
	p, err := pathprobe.NewPath(pathprobe.PathConfig{Target: t, Timeout: timeout, MaxHops: m.maxHops})
	if err != nil {
		return []report.Result{notRun(vocab.CheckPath, "path/"+netip.AddrPortFrom(t.Addr, t.Port).String(), t.String(), err)}
	}
	var out []report.Result
	p.Run(ctx, func(_ int, r report.Result) { out = append(out, r) })
	return out
}
