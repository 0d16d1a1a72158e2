//go:build linux

package netpath

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/vocab"
)

// labTimeout bounds each trace in the lab; ARP failure there takes 200 ms.
const labTimeout = time.Second

func newLab(t *testing.T) *nslab.PathLab {
	t.Helper()
	nslab.Need(t)
	p, err := nslab.NewPathLab()
	if err != nil {
		t.Fatalf("NewPathLab: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// inClient runs f on a thread inside the lab's Client namespace. Sockets
// the trace opens stay there; its goroutines only wait on them.
func inClient(t *testing.T, p *nslab.PathLab, f func()) {
	t.Helper()
	if err := p.Client.Do(func() error { f(); return nil }); err != nil {
		t.Fatal(err)
	}
}

// hopView is the part of a hop the lab tests pin down.
type hopView struct {
	TTL         int
	Address     string
	Reply       string
	Unreachable vocab.Reason
	Local       bool
}

func view(hops []Hop) []hopView {
	out := []hopView{}
	for _, h := range hops {
		out = append(out, hopView{h.TTL, h.Addr(), h.Reply, h.Unreachable, h.Local})
	}
	return out
}

func TestLabTrace(t *testing.T) {
	p := newLab(t)
	te := func(ttl int, a string) hopView { return hopView{TTL: ttl, Address: a, Reply: ReplyTimeExceeded} }
	none := func(ttl int) hopView { return hopView{TTL: ttl, Reply: ReplyNone} }
	tests := []struct {
		name  string
		addr  string
		want  []hopView
		reset *ResetEvidence
	}{
		{"multi-hop chain", p.Open, []hopView{te(1, p.Hop1), te(2, p.Hop2), {3, p.Open, ReplySynAck, "", false}}, nil},
		{"multi-hop chain v6", p.OpenV6, []hopView{te(1, p.Hop1V6), te(2, p.Hop2V6), {3, p.OpenV6, ReplySynAck, "", false}}, nil},
		{"drop at R2", p.Dropped, []hopView{te(1, p.Hop1), te(2, p.Hop2), none(3), none(4), none(5), none(6)}, nil},
		{"reject at R2", p.Rejected, []hopView{te(1, p.Hop1), te(2, p.Hop2), {3, p.Hop2, ReplyUnreachable, vocab.ReasonAdminProhibited, false}}, nil},
		{"reject at R2 v6", p.RejectedV6, []hopView{te(1, p.Hop1V6), te(2, p.Hop2V6), {3, p.Hop2V6, ReplyUnreachable, vocab.ReasonAdminProhibited, false}}, nil},
		{"reset forged at R2", p.ForgedReset, []hopView{te(1, p.Hop1), te(2, p.Hop2), {3, p.ForgedReset, ReplyRST, "", false}}, &ResetEvidence{TTL: 63, InitialTTL: 64, Hop: 2}},
		{"reset forged at R2 v6", p.ForgedResetV6, []hopView{te(1, p.Hop1V6), te(2, p.Hop2V6), {3, p.ForgedResetV6, ReplyRST, "", false}}, &ResetEvidence{TTL: 63, InitialTTL: 64, Hop: 2}},
		{"reset from the room", p.Closed, []hopView{te(1, p.Hop1), te(2, p.Hop2), {3, p.Closed, ReplyRST, "", false}}, &ResetEvidence{TTL: 62, InitialTTL: 64, Hop: 3}},
		{"no neighbour at R2", p.NoNeighbor, []hopView{te(1, p.Hop1), te(2, p.Hop2), {3, p.Hop2, ReplyUnreachable, vocab.ReasonHostUnreach, false}}, nil},
		{"through the tunnel", p.TunnelRoom, []hopView{te(1, p.TunnelHop1), te(2, p.Hop2), {3, p.TunnelRoom, ReplySynAck, "", false}}, nil},
		{"isolated on-link room", p.Isolated, []hopView{{1, "10.98.20.2", ReplyUnreachable, vocab.ReasonHostUnreach, true}}, nil},
		{"on-link peer", p.WifiPeerAddr, []hopView{{1, p.WifiPeerAddr, ReplySynAck, "", false}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr Trace
			dst := netip.AddrPortFrom(netip.MustParseAddr(tt.addr), uint16(p.Port))
			inClient(t, p, func() { tr = NewTracer(TraceConfig{MaxHops: 6, Timeout: labTimeout}).Run(context.Background(), dst) })
			if diff := cmp.Diff(tt.want, view(tr.Hops)); diff != "" {
				t.Errorf("hops (-want +got)\n%s", diff)
			}
			if diff := cmp.Diff(tt.reset, tr.Reset); diff != "" {
				t.Errorf("reset (-want +got)\n%s", diff)
			}
			if tr.Mode != TraceModeRaw {
				t.Errorf("mode = %s, want raw (the tests run as root)", tr.Mode)
			}
			t.Logf("%s: %d probes in %v", tt.addr, tr.Sent, tr.Duration.Round(time.Millisecond))
		})
	}
}

// TestLabTraceNetUnreach: R2 answers net unreachable for every TTL that
// reaches it, but rate-limits those errors per sender (error_cost and
// error_burst: a burst of 5). The SYNs leave in TTL order, so TTL 2 gets
// the first answer and the trace still ends there.
func TestLabTraceNetUnreach(t *testing.T) {
	p := newLab(t)
	var tr Trace
	dst := netip.AddrPortFrom(netip.MustParseAddr(p.NetUnreach), uint16(p.Port))
	inClient(t, p, func() { tr = NewTracer(TraceConfig{Timeout: labTimeout}).Run(context.Background(), dst) })
	term := tr.Summary.Terminal
	if term == nil || term.Reply != ReplyUnreachable || term.Unreachable != vocab.ReasonNetUnreach || term.Addr() != p.Hop2 {
		t.Fatalf("terminal = %+v; hops %+v", term, view(tr.Hops))
	}
	t.Logf("net unreachable at TTL %d from %s; hops %+v", term.TTL, term.Addr(), view(tr.Hops))
}

func TestLabRouteKinds(t *testing.T) {
	p := newLab(t)
	tests := []struct {
		addr string
		want Route
	}{
		{p.Open, Route{Destination: p.Open, Interface: p.ClientIf, InterfaceKind: "veth", Source: p.ClientAddr, Gateway: addr(p.Hop1), Type: RouteUnicast, Table: 254, MTU: p.LinkMTU}},
		{p.Isolated, Route{Destination: p.Isolated, Interface: p.ClientWifiIf, InterfaceKind: "veth", Source: "10.98.20.2", OnLink: true, Type: RouteUnicast, Table: 254, MTU: p.LinkMTU}},
		{p.TunnelRoom, Route{Destination: p.TunnelRoom, Interface: p.TunnelIf, InterfaceKind: "tun", Tunnel: true, Source: "10.98.40.2", OnLink: true, Type: RouteUnicast, Table: 254, MTU: p.LinkMTU}},
		{p.Unreachable, Route{Destination: p.Unreachable, Type: RouteUnreachable}},
	}
	for _, tt := range tests {
		var got Route
		var err error
		inClient(t, p, func() { got, err = LookupRoute(netip.MustParseAddr(tt.addr)) })
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("LookupRoute(%s) (-want +got)\n%s", tt.addr, diff)
		}
	}
}

func TestLabNeighbors(t *testing.T) {
	p := newLab(t)
	tests := []struct {
		name      string
		addr      string
		state     string
		answered  bool
		reachable *bool
	}{
		{"isolated room fails ARP", p.Isolated, NeighFailed, false, ptr(false)},
		{"isolated room fails ND", p.IsolatedV6, NeighFailed, false, ptr(false)},
		{"gateway answers", p.WifiGateway, NeighReachable, true, ptr(true)},
		{"peer answers", p.WifiPeerAddr, NeighReachable, true, ptr(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n Neighbor
			var err error
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			inClient(t, p, func() { n, err = ProbeNeighbor(ctx, netip.MustParseAddr(tt.addr), p.ClientWifiIf) })
			if err != nil {
				t.Fatal(err)
			}
			got := []any{n.State, n.Answered, n.Reachable()}
			if diff := cmp.Diff([]any{tt.state, tt.answered, tt.reachable}, got); diff != "" {
				t.Errorf("ProbeNeighbor(%s) state, answered, reachable (-want +got)\n%s", tt.addr, diff)
			}
		})
	}
	var gw4, gw6 netip.Addr
	inClient(t, p, func() {
		gw4, _ = InterfaceGateway(p.ClientWifiIf, netip.MustParseAddr(p.Isolated))
		gw6, _ = InterfaceGateway(p.ClientWifiIf, netip.MustParseAddr(p.IsolatedV6))
	})
	if gw4.String() != p.WifiGateway || gw6.String() != p.WifiGatewayV6 {
		t.Errorf("InterfaceGateway = %v, %v; want %s, %s", gw4, gw6, p.WifiGateway, p.WifiGatewayV6)
	}
}

func TestLabPathMTU(t *testing.T) {
	p := newLab(t)
	tests := []struct {
		addr string
		want PathMTU
	}{
		{p.Open, PathMTU{Interface: p.LinkMTU, Path: ptr(p.PathMTU), Source: PMTUConfirmed, ReportedBy: p.Hop1, Probes: 2}},
		{p.OpenV6, PathMTU{Interface: p.LinkMTU, Path: ptr(p.PathMTU), Source: PMTUConfirmed, ReportedBy: p.Hop1V6, Probes: 2}},
		{p.WifiPeerAddr, PathMTU{Interface: p.LinkMTU, Path: ptr(p.LinkMTU), Source: PMTUConfirmed, Probes: 1}},
	}
	for _, tt := range tests {
		var got PathMTU
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		inClient(t, p, func() { got = ProbePathMTU(ctx, netip.MustParseAddr(tt.addr), p.LinkMTU) })
		cancel()
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ProbePathMTU(%s) (-want +got)\n%s", tt.addr, diff)
		}
	}
}

func ptr[T any](v T) *T { return &v }
