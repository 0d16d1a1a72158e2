//go:build linux

package netpath

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/vocab"
)

// quotedView is the part of a UDP trace's hop the media lab pins down.
type quotedView struct {
	Hop       hopView
	QuotedTOS *int
}

func quotedViews(hops []Hop) []quotedView {
	out := []quotedView{}
	for i, v := range view(hops) {
		out = append(out, quotedView{v, hops[i].QuotedTOS})
	}
	return out
}

// TestLabTraceUDP traces UDP through the media lab, in raw mode (the lab
// runs as root): R2 drops 8801 to Blocked (last hop R2, then silence),
// rejects 3479 there with admin-prohibited, and R1 re-marks the DSCP to
// Remarked after its own quote, so hop 2's quote shows CS0: the change
// is placed after hop 1. Nothing listens on port 9, so the responder
// itself answers port unreachable, quoting what it received.
func TestLabTraceUDP(t *testing.T) {
	nslab.Need(t)
	m, err := nslab.NewMediaLab(nslab.MediaLabConfig{})
	if err != nil {
		t.Fatalf("NewMediaLab: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	const tos = 56 << 2
	te := func(ttl int, a string, q int) quotedView {
		return quotedView{hopView{TTL: ttl, Address: a, Reply: ReplyTimeExceeded}, &q}
	}
	end := func(ttl int, a string, kind vocab.Reason, q int) quotedView {
		return quotedView{hopView{TTL: ttl, Address: a, Reply: ReplyUnreachable, Unreachable: kind}, &q}
	}
	none := func(ttl int) quotedView { return quotedView{Hop: hopView{TTL: ttl, Reply: ReplyNone}} }
	tests := []struct {
		name     string
		dst      string
		port     uint16
		want     []quotedView
		changed  *int
		received *int
		lastHop  string
	}{
		{"clean", m.Clean, 9, []quotedView{te(1, m.Hop1, tos), te(2, m.Hop2, tos), end(3, m.Clean, vocab.ReasonPortUnreach, tos)}, nil, intp(tos), m.Clean},
		{"re-marked after hop 1", m.Remarked, 9, []quotedView{te(1, m.Hop1, tos), te(2, m.Hop2, 0), end(3, m.Remarked, vocab.ReasonPortUnreach, 0)}, intp(1), intp(0), m.Remarked},
		{"re-marked after hop 1 v6", m.RemarkedV6, 9, []quotedView{te(1, m.Hop1V6, tos), te(2, m.Hop2V6, 0), end(3, m.RemarkedV6, vocab.ReasonPortUnreach, 0)}, intp(1), intp(0), m.RemarkedV6},
		{"dropped at R2", m.Blocked, 8801, []quotedView{te(1, m.Hop1, tos), te(2, m.Hop2, tos), none(3), none(4)}, nil, intp(tos), m.Hop2},
		{"rejected at R2", m.Blocked, 3479, []quotedView{te(1, m.Hop1, tos), te(2, m.Hop2, tos), end(3, m.Hop2, vocab.ReasonAdminProhibited, tos)}, nil, intp(tos), m.Hop2},
		{"rejected at R2 v6", m.BlockedV6, 3479, []quotedView{te(1, m.Hop1V6, tos), te(2, m.Hop2V6, tos), end(3, m.Hop2V6, vocab.ReasonAdminProhibited, tos)}, nil, intp(tos), m.Hop2V6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tr UDPTrace
			var err error
			inMedia(t, m, func() {
				tr, err = TraceUDP(context.Background(), netip.AddrPortFrom(netip.MustParseAddr(tt.dst), tt.port),
					UDPTraceConfig{MaxHops: 4, Timeout: time.Second, TOS: tos})
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, quotedViews(tr.Hops)); diff != "" {
				t.Errorf("hops (-want +got)\n%s", diff)
			}
			if tr.Mode != TraceModeRaw || !cmp.Equal(tt.changed, tr.TOSChangedAfterHop) || !cmp.Equal(tt.received, tr.TOSReceived) {
				t.Errorf("mode %s, changed after %v, received %v, note %q", tr.Mode, tr.TOSChangedAfterHop, tr.TOSReceived, tr.TOSNote)
			}
			if tr.Summary.LastHop == nil || tr.Summary.LastHop.Addr() != tt.lastHop {
				t.Errorf("last hop %+v, want %s", tr.Summary.LastHop, tt.lastHop)
			}
		})
	}
}

// TestLabTraceUDPNoRaw: unprivileged mode still names every hop, and says
// why the re-mark is not placed.
func TestLabTraceUDPNoRaw(t *testing.T) {
	nslab.Need(t)
	m, err := nslab.NewMediaLab(nslab.MediaLabConfig{})
	if err != nil {
		t.Fatalf("NewMediaLab: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	var tr UDPTrace
	inMedia(t, m, func() {
		tr, err = TraceUDP(context.Background(), netip.AddrPortFrom(netip.MustParseAddr(m.Remarked), 9),
			UDPTraceConfig{MaxHops: 4, Timeout: time.Second, TOS: 56 << 2, NoRaw: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []hopView{{TTL: 1, Address: m.Hop1, Reply: ReplyTimeExceeded}, {TTL: 2, Address: m.Hop2, Reply: ReplyTimeExceeded},
		{TTL: 3, Address: m.Remarked, Reply: ReplyUnreachable, Unreachable: vocab.ReasonPortUnreach}}
	if diff := cmp.Diff(want, view(tr.Hops)); diff != "" {
		t.Errorf("hops (-want +got)\n%s", diff)
	}
	if tr.Mode != TraceModeRecvErr || tr.TOSChangedAfterHop != nil || tr.TOSNote != TOSNoteDisabled {
		t.Errorf("mode %s, changed %v, note %q", tr.Mode, tr.TOSChangedAfterHop, tr.TOSNote)
	}
}

// inMedia runs f on a thread inside the media lab's Client namespace.
func inMedia(t *testing.T, m *nslab.MediaLab, f func()) {
	t.Helper()
	if err := m.Client.Do(func() error { f(); return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestLabTraceUDPConcurrent traces twelve ports at once, as mediacheck
// does, twice in a row: every trace reads its own quotes (each raw socket
// sees every trace's errors), and the responder's port unreachable
// messages, 96 within a second, are not rate limited (the lab turns the
// limit off in Responder, as in the routers; the kernel's default allows
// a burst of 6 per peer). Only 6 TTLs each: hundreds of ICMP errors at
// once overflow the responder's own ICMP socket (IpOutDiscards), a limit
// of this lab's host, not of the trace.
func TestLabTraceUDPConcurrent(t *testing.T) {
	nslab.Need(t)
	m, err := nslab.NewMediaLab(nslab.MediaLabConfig{})
	if err != nil {
		t.Fatalf("NewMediaLab: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	const n, tos = 12, 46 << 2
	traces := make([]UDPTrace, n)
	for round := range 2 {
		done := make(chan struct{}, n)
		for i := range n {
			go func() {
				defer func() { done <- struct{}{} }()
				_ = m.Client.Do(func() error {
					traces[i], _ = TraceUDP(context.Background(), netip.AddrPortFrom(netip.MustParseAddr(m.Clean), uint16(20+i)),
						UDPTraceConfig{MaxHops: 6, Timeout: time.Second, TOS: tos})
					return nil
				})
			}()
		}
		for range n {
			<-done
		}
		for i, tr := range traces {
			if len(tr.Hops) != 3 || tr.Hops[2].Unreachable != vocab.ReasonPortUnreach {
				t.Errorf("round %d, port %d: hops %+v", round, 20+i, view(tr.Hops))
				continue
			}
			for _, h := range tr.Hops {
				if h.QuotedTOS == nil || *h.QuotedTOS != tos {
					t.Errorf("round %d, port %d, TTL %d: quoted TOS %v (mode %s, note %q)", round, 20+i, h.TTL, h.QuotedTOS, tr.Mode, tr.TOSNote)
				}
			}
		}
	}
}
