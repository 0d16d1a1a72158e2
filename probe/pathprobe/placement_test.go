package pathprobe

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

const (
	hop3   = "10.0.3.3"
	gwAddr = "10.10.5.1"
	gwMAC  = "02:00:00:00:00:01"
	roomMC = "02:00:00:00:00:23"
)

func yesNo(b bool) *bool { return &b }

// controlOf builds the control evidence of a control trace, as
// controlTrace does, for a traced port whose last hop was at lastTTL.
func controlOf(lastTTL int, ct *netpath.Trace) *Control {
	return &Control{Port: DefaultControlPort, Hops: ct.Hops, ReachTTL: controlReach(*ct), NextRouter: nextRouter(ct.Hops, lastTTL)}
}

func TestRoomGatewayOf(t *testing.T) {
	last := te(2, hop2)
	synack3 := reply(3, room, netpath.ReplySynAck, "")
	tests := []struct {
		name string
		ct   *netpath.Trace
		want *bool
	}{
		{"room answers the control one hop beyond", traced(te(1, hop1), te(2, hop2), synack3), yesNo(true)},
		{"control silent at the last hop's TTL", traced(te(1, hop1), none(2), synack3), yesNo(true)},
		{"room resets the control one hop beyond", traced(te(1, hop1), te(2, hop2), reply(3, room, netpath.ReplyRST, "")), yesNo(true)},
		{"a forged reset does not place the room", withReset(traced(te(1, hop1), te(2, hop2), reply(3, room, netpath.ReplyRST, "")), 63), nil},
		{"a router beyond answers the control", traced(te(1, hop1), te(2, hop2), te(3, hop3), reply(4, room, netpath.ReplySynAck, "")), yesNo(false)},
		{"a router beyond answers, the room does not", traced(te(1, hop1), te(2, hop2), te(3, hop3), none(4)), yesNo(false)},
		{"room silent on the control too", traced(te(1, hop1), te(2, hop2), none(3), none(4)), nil},
		{"silent hops between", traced(te(1, hop1), te(2, hop2), none(3), reply(4, room, netpath.ReplySynAck, "")), nil},
		{"another router at the last hop's TTL", traced(te(1, hop1), te(2, hop3), synack3), nil},
		{"the control reaches the room sooner", traced(te(1, hop1), reply(2, room, netpath.ReplySynAck, "")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, roomGatewayOf(&last, controlOf(2, tt.ct))); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	if roomGatewayOf(&last, nil) != nil || roomGatewayOf(nil, controlOf(2, traced(synack3))) != nil {
		t.Error("without a control trace or a last hop it must be unknown")
	}
}

func TestProxyARPOf(t *testing.T) {
	target := netip.MustParseAddr(room)
	nb := func(state, mac string) *netpath.Neighbor {
		return &netpath.Neighbor{Address: room, State: state, MAC: mac}
	}
	g := &Gateway{Address: gwAddr, MAC: gwMAC, Via: GatewayViaInterface}
	hairpin := te(1, gwAddr)
	tests := []struct {
		name  string
		route netpath.Route
		room  *netpath.Neighbor
		gw    *Gateway
		trace *netpath.Trace
		want  *ProxyARP
	}{
		{"same MAC and time exceeded", onLink, nb(netpath.NeighReachable, gwMAC), g, traced(te(1, gwAddr), none(2)),
			&ProxyARP{RoomMAC: gwMAC, Gateway: gwAddr, GatewayMAC: gwMAC, SameMAC: true, Hairpin: &hairpin}},
		{"same MAC, no ICMP", onLink, nb(netpath.NeighStale, gwMAC), g, traced(none(1), none(2)),
			&ProxyARP{RoomMAC: gwMAC, Gateway: gwAddr, GatewayMAC: gwMAC, SameMAC: true}},
		{"time exceeded, MACs not read", onLink, nb(netpath.NeighUnknown, ""), g, traced(te(1, gwAddr), none(2)),
			&ProxyARP{Gateway: gwAddr, GatewayMAC: gwMAC, Hairpin: &hairpin}},
		{"own MAC, reached", onLink, nb(netpath.NeighReachable, roomMC), g, traced(reply(1, room, netpath.ReplySynAck, "")), nil},
		{"own MAC, dropped by the room", onLink, nb(netpath.NeighReachable, roomMC), g, traced(none(1), none(2)), nil},
		{"ARP failed (plain isolation)", onLink, nb(netpath.NeighFailed, ""), &Gateway{Address: gwAddr, Via: GatewayViaInterface},
			traced(netpath.Hop{TTL: 1, Reply: netpath.ReplyUnreachable, Address: s(local), Local: true}), nil},
		{"a tunnel's far end", tunnel, nil, nil, traced(te(1, "10.200.0.1"), none(2)), nil},
		{"routed", routed, nil, &Gateway{Address: hop1, MAC: gwMAC, Via: GatewayViaRoute}, traced(te(1, hop1), none(2)), nil},
		{"the room is the gateway", onLink, nb(netpath.NeighReachable, gwMAC), &Gateway{Address: room, MAC: gwMAC}, traced(none(1)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := proxyARPOf(target, tt.route, tt.room, tt.gw, *tt.trace)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(netpath.Hop{})); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestDropHints: the drop hints name what the evidence places and no
// more, and the room's own firewall only where it cannot be ruled out.
func TestDropHints(t *testing.T) {
	dropped := traced(te(1, hop1), te(2, hop2), none(3), none(4))
	at := func(ct *netpath.Trace) *Control { return controlOf(2, ct) }
	pa := &ProxyARP{RoomMAC: gwMAC, Gateway: gwAddr, GatewayMAC: gwMAC, SameMAC: true}
	tests := []struct {
		name     string
		ev       evidence
		want     []string
		mustNot  []string
		observed string
	}{
		{"beside the room", evidence{route: routed, trace: dropped, control: at(traced(te(1, hop1), te(2, hop2), reply(3, room, netpath.ReplySynAck, "")))},
			[]string{"after hop 2 (10.0.2.2), the room's last router", "at hop 3, right behind it", "An ACL on 10.0.2.2 toward the room and the room's own firewall look the same from here", "inbound firewall rules for Zoom Rooms (TCP 9090)", "room's own VLAN or switch port"}, nil, "dropped"},
		{"before the last router", evidence{route: routed, trace: dropped, control: at(traced(te(1, hop1), te(2, hop2), te(3, hop3), reply(4, room, netpath.ReplySynAck, "")))},
			[]string{"before the room's last router", "gets as far as hop 3 (10.0.3.3), and the room answers it at hop 4", "between 10.0.2.2 and 10.0.3.3", "not by the room's own firewall"}, []string{"look the same"}, "dropped"},
		{"room silent on the control port", evidence{route: routed, trace: dropped, control: at(traced(te(1, hop1), te(2, hop2), none(3), none(4)))},
			[]string{"or the room's own firewall if the next device is the room", "does not answer TCP 443 (the control port) either", "room's own VLAN or switch port"}, nil, "dropped"},
		{"silent routers before the room", evidence{route: routed, trace: dropped, control: at(traced(te(1, hop1), te(2, hop2), none(3), reply(4, room, netpath.ReplySynAck, "")))},
			[]string{"at hop 4, but the hops in between answer neither port"}, nil, "dropped"},
		{"no control trace", evidence{route: routed, trace: dropped},
			[]string{"dies silently after hop 2 (10.0.2.2): the next device", "or the room's own firewall if the next device is the room"}, []string{"control port"}, "dropped"},
		{"proxy ARP", evidence{route: onLink, neighbor: &netpath.Neighbor{Address: room, State: netpath.NeighReachable, MAC: gwMAC}, proxyARP: pa, trace: traced(te(1, gwAddr), none(2))},
			[]string{"its ARP entry holds 02:00:00:00:00:01, the MAC of the gateway 10.10.5.1", "client isolation by proxy ARP", "Allow client-to-client traffic"}, nil, "dropped"},
		{"proxy ARP, the room answers other traffic", evidence{route: onLink, neighbor: &netpath.Neighbor{Address: room, State: netpath.NeighReachable, MAC: gwMAC, Answered: true}, proxyARP: pa, trace: traced(te(1, gwAddr), none(2))},
			[]string{"client isolation by proxy ARP", "filters TCP 9090 itself"}, []string{"Allow client-to-client"}, "dropped"},
		{"proxy ARP by time exceeded only", evidence{route: onLink, proxyARP: &ProxyARP{Gateway: gwAddr, Hairpin: &netpath.Hop{TTL: 1, Reply: netpath.ReplyTimeExceeded, Address: s(gwAddr)}}, trace: traced(te(1, gwAddr), none(2))},
			[]string{"but the SYN with TTL 1 came back as ICMP time exceeded from 10.10.5.1: the gateway 10.10.5.1 answers ARP"}, []string{"ARP entry holds"}, "dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.target, tt.ev.port, tt.ev.timeout, tt.ev.maxHops = netip.MustParseAddr(room), 9090, time.Second, 30
			v := judge(tt.ev)
			if string(v.observed) != tt.observed {
				t.Errorf("observed %s, want %s", v.observed, tt.observed)
			}
			for _, w := range tt.want {
				if !strings.Contains(v.hint, w) {
					t.Errorf("hint = %q\nwant it to contain %q", v.hint, w)
				}
			}
			for _, w := range tt.mustNot {
				if strings.Contains(v.hint, w) {
					t.Errorf("hint = %q\nmust not contain %q", v.hint, w)
				}
			}
		})
	}
}

// portFake answers the trace by port: the traced port and the control
// port get their own hops.
type portFake struct {
	fakePath
	byPort map[uint16]*netpath.Trace
	ports  []uint16
}

func (f *portFake) seams() seams {
	s := f.fakePath.seams()
	s.trace = func(_ context.Context, dst netip.AddrPort) netpath.Trace {
		f.mu.Lock()
		f.ports = append(f.ports, dst.Port())
		f.mu.Unlock()
		return *f.byPort[dst.Port()]
	}
	return s
}

// TestControlTraceRunsOnlyForARoutedDrop: the control port is traced
// after a silent drop behind a router, never after another verdict, and
// its evidence reaches the detail.
func TestControlTraceRunsOnlyForARoutedDrop(t *testing.T) {
	synack := reply(3, room, netpath.ReplySynAck, "")
	dropped := traced(te(1, hop1), te(2, hop2), none(3))
	tests := []struct {
		name  string
		route netpath.Route
		port  uint16
		trace *netpath.Trace
		ports []uint16
		want  *bool
	}{
		{"routed drop", routed, 9090, dropped, []uint16{9090, 443}, yesNo(true)},
		{"reached", routed, 9090, traced(te(1, hop1), te(2, hop2), synack), []uint16{9090}, nil},
		{"rejected", routed, 9090, traced(te(1, hop1), reply(2, hop1, netpath.ReplyUnreachable, "admin_prohibited")), []uint16{9090}, nil},
		{"nothing answered", routed, 9090, traced(none(1), none(2)), []uint16{9090}, nil},
		{"the traced port is the control port", routed, 443, dropped, []uint16{443}, nil},
		{"on-link", onLink, 9090, traced(te(1, gwAddr), none(2)), []uint16{9090}, nil},
		{"through a tunnel", tunnel, 9090, dropped, []uint16{9090, 443}, yesNo(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &portFake{fakePath: fakePath{route: tt.route, pmtu: netpath.PathMTU{Interface: 1500}},
				byPort: map[uint16]*netpath.Trace{tt.port: tt.trace, 443: traced(te(1, hop1), te(2, hop2), synack)}}
			p, err := newForTest(PathConfig{Target: probe.TCPTarget{Addr: netip.MustParseAddr(room), Port: tt.port}, Timeout: time.Second, MaxHops: 5}, f.seams())
			if err != nil {
				t.Fatal(err)
			}
			var d *Detail
			p.Run(context.Background(), func(_ int, r report.Result) { d = r.Detail.(*Detail) })
			if diff := cmp.Diff(tt.ports, f.ports); diff != "" {
				t.Errorf("ports traced (-want +got)\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, d.LastHopIsRoomGateway); diff != "" {
				t.Errorf("last_hop_is_room_gateway (-want +got)\n%s", diff)
			}
			if (d.Control != nil) != (len(tt.ports) == 2) {
				t.Errorf("control = %+v", d.Control)
			}
		})
	}
}
