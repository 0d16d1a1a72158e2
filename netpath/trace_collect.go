package netpath

import (
	"context"
	"sort"
	"time"
)

// SilentHopRTTs and SilentHopFloor bound how long a trace waits for the
// lower TTLs once a higher one got a terminal reply: SilentHopRTTs times
// that reply's round trip, at least SilentHopFloor. A router's time
// exceeded comes from nearer than the room's answer and normally arrives
// first; one still missing by then is not coming: the router sends none,
// or rate-limits it (Linux: one a second per destination, so a trace run
// twice in a row meets it), and waiting the full timeout for it would only
// delay the verdict. The floor absorbs scheduling delays on a busy host.
const (
	SilentHopRTTs  = 4
	SilentHopFloor = 50 * time.Millisecond
)

// silentHopWait is how long the lower TTLs may still answer after the
// terminal reply h.
func silentHopWait(h Hop) time.Duration {
	if h.RTTMS == nil {
		return SilentHopFloor
	}
	rtt := time.Duration(*h.RTTMS * float64(time.Millisecond))
	return max(SilentHopRTTs*rtt, SilentHopFloor)
}

// collectHops reads hops until all n arrived or the trace is decided (a
// terminal reply with every lower TTL ended, or silentHopWait after it),
// then cancels the rest and keeps reading until the channel closes. A
// TTL whose SYN-ACK came early is answered, never filled in as silent,
// while it checks what follows.
func collectHops(results <-chan Hop, n int, cancel context.CancelFunc) map[int]Hop {
	got, answered := make(map[int]Hop, n), map[int]Hop{}
	var g graceTimer
	defer g.stop()
	for {
		select {
		case h, ok := <-results:
			if !ok {
				return got
			}
			if _, done := got[h.TTL]; h.pending {
				answered[h.TTL] = h
			} else if !done && !h.cancelled {
				got[h.TTL] = h
			}
			if first := firstTerminal(got, answered); first != 0 && !decided(got) {
				g.reset(first, silentHopWait(hopAt(first, got, answered)))
			}
		case <-g.c:
			g.c = nil
			for ttl := 1; ttl < g.ttl; ttl++ {
				if _, ok := got[ttl]; !ok {
					got[ttl] = Hop{TTL: ttl, Reply: ReplyNone}
				}
			}
		}
		if decided(got) {
			cancel()
		}
	}
}

// hopAt is the hop of ttl: its final one, or the early SYN-ACK.
func hopAt(ttl int, got, answered map[int]Hop) Hop {
	if h, ok := got[ttl]; ok {
		return h
	}
	return answered[ttl]
}

// graceTimer runs silentHopWait for the lowest terminal TTL seen.
type graceTimer struct {
	ttl int
	t   *time.Timer
	c   <-chan time.Time
}

// reset starts the wait for terminal TTL ttl, unless it already runs.
func (g *graceTimer) reset(ttl int, d time.Duration) {
	if ttl == g.ttl {
		return
	}
	g.stop()
	g.ttl, g.t = ttl, time.NewTimer(d)
	g.c = g.t.C
}

func (g *graceTimer) stop() {
	if g.t != nil {
		g.t.Stop()
	}
}

// decided reports whether some TTL got a terminal reply and every lower
// TTL has ended.
func decided(got map[int]Hop) bool {
	first := firstTerminal(got, nil)
	if first == 0 {
		return false
	}
	for ttl := 1; ttl < first; ttl++ {
		if _, ok := got[ttl]; !ok {
			return false
		}
	}
	return true
}

// firstTerminal is the lowest TTL with a terminal reply in got or an
// early SYN-ACK in answered; 0 when none.
func firstTerminal(got, answered map[int]Hop) int {
	first := 0
	for _, m := range []map[int]Hop{got, answered} {
		for ttl, h := range m {
			if h.Terminal() && (first == 0 || ttl < first) {
				first = ttl
			}
		}
	}
	return first
}

// fillSilent returns the hops for TTL 1..n in order; a TTL that did not
// end (cancelled or interrupted) is silent.
func fillSilent(got map[int]Hop, n int) []Hop {
	out := make([]Hop, 0, n)
	for ttl := 1; ttl <= n; ttl++ {
		h, ok := got[ttl]
		if !ok {
			h = Hop{TTL: ttl, Reply: ReplyNone}
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TTL < out[j].TTL })
	return out
}
