package probe

import (
	"context"
	"iter"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// loopbackTargets alternates an open and a closed loopback port, n in
// all, counting how many the sweep has taken.
func loopbackTargets(t *testing.T, n int, taken *atomic.Int64) iter.Seq2[int, TCPTarget] {
	open, closed := probetest.Open(t), probetest.Closed(t)
	return func(yield func(int, TCPTarget) bool) {
		for i := range n {
			ap := []netip.AddrPort{open, closed}[i%2]
			taken.Add(1)
			if !yield(i, TCPTarget{Addr: ap.Addr(), Port: ap.Port()}) {
				return
			}
		}
	}
}

// TestSweepEmitsEachResultOnceSerially: every target's result reaches emit
// exactly once, with its sequence number and the right state, one call at
// a time, all before Run returns.
func TestSweepEmitsEachResultOnceSerially(t *testing.T) {
	p, err := NewTCP(TCPConfig{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	var taken, inEmit atomic.Int64
	got := make([]vocab.Observed, n)
	seen := make([]int, n)
	NewSweep(p, SweepConfig{Concurrency: 32, MaxOpen: 64}).Run(context.Background(), loopbackTargets(t, n, &taken), func(seq int, res report.Result) {
		if inEmit.Add(1) != 1 {
			t.Error("emit called concurrently")
		}
		seen[seq]++
		got[seq] = res.Observed
		inEmit.Add(-1)
	})
	for i := range n {
		want := []vocab.Observed{vocab.TCPOpen, vocab.TCPClosed}[i%2]
		if seen[i] != 1 || got[i] != want {
			t.Errorf("target %d: emitted %d times, last %q, want once %q", i, seen[i], got[i], want)
		}
	}
}

// TestSweepSlowEmitHoldsBackProbes: while emit is stuck, the sweep takes
// no more targets than MaxOpen (plus the one waiting for a token), so a
// slow consumer bounds memory; once emit moves, the sweep finishes.
func TestSweepSlowEmitHoldsBackProbes(t *testing.T) {
	p, err := NewTCP(TCPConfig{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const n, maxOpen = 100, 8
	var taken atomic.Int64
	release := make(chan struct{})
	var emitted atomic.Int64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		NewSweep(p, SweepConfig{Concurrency: 4, MaxOpen: maxOpen}).Run(context.Background(), loopbackTargets(t, n, &taken), func(int, report.Result) {
			<-release
			emitted.Add(1)
		})
	}()
	time.Sleep(300 * time.Millisecond) // ample for loopback probes to finish and queue
	if got := taken.Load(); got > maxOpen+1 {
		t.Errorf("with emit stuck the sweep took %d targets, want at most %d", got, maxOpen+1)
	}
	close(release)
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("the sweep did not finish once emit moved")
	}
	if emitted.Load() != n {
		t.Errorf("emitted %d results, want %d", emitted.Load(), n)
	}
}

// TestSweepInterruptDropsCutShortResults: a cancelled sweep returns, and
// whatever it emitted came in whole.
func TestSweepInterruptDropsCutShortResults(t *testing.T) {
	p, err := NewTCP(TCPConfig{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var taken atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		NewSweep(p, SweepConfig{Concurrency: 2, MaxOpen: 4}).Run(ctx, loopbackTargets(t, 100000, &taken), func(_ int, res report.Result) {
			if res.Status == report.StatusError {
				t.Errorf("emitted a cut-short result: %+v", res)
			}
		})
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the sweep did not return after cancellation")
	}
	if taken.Load() >= 100000 {
		t.Error("the sweep ran every target despite the cancellation")
	}
}
