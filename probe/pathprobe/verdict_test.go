package pathprobe

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

const (
	room  = "10.10.5.23"
	hop1  = "10.0.1.1"
	hop2  = "10.0.2.2"
	local = "10.0.1.50"
)

func s(v string) *string { return &v }
func n(v int) *int       { return &v }
func f(v float64) *float64 {
	return &v
}

func te(ttl int, a string) netpath.Hop {
	return netpath.Hop{TTL: ttl, Reply: netpath.ReplyTimeExceeded, Address: s(a), RTTMS: f(1)}
}
func none(ttl int) netpath.Hop { return netpath.Hop{TTL: ttl, Reply: netpath.ReplyNone} }
func reply(ttl int, a, r string, kind vocab.Reason) netpath.Hop {
	return netpath.Hop{TTL: ttl, Reply: r, Unreachable: kind, Address: s(a), RTTMS: f(2)}
}

// traced builds the trace evidence of hops, as the Tracer would.
func traced(hops ...netpath.Hop) *netpath.Trace {
	h, sum := netpath.Summarize(hops)
	return &netpath.Trace{Mode: netpath.TraceModeRecvErr, Hops: h, Summary: sum, Sent: len(hops)}
}

func withReset(t *netpath.Trace, ttl int) *netpath.Trace {
	t.Reset = netpath.ResetFromTTL(ttl)
	t.Mode = netpath.TraceModeRaw
	return t
}

func withNote(t *netpath.Trace, note string) *netpath.Trace { t.ResetNote = note; return t }

var (
	routed = netpath.Route{Destination: room, Interface: "eth0", InterfaceKind: "ethernet", Source: local, Gateway: s(hop1), Type: netpath.RouteUnicast}
	onLink = netpath.Route{Destination: room, Interface: "wlan0", InterfaceKind: "wifi", Source: local, OnLink: true, Type: netpath.RouteUnicast}
	tunnel = netpath.Route{Destination: room, Interface: "wg0", InterfaceKind: "wireguard", Tunnel: true, Source: "10.200.0.2", OnLink: true, Type: netpath.RouteUnicast}
)

func gw(reachable *bool) *Gateway {
	return &Gateway{Address: "10.10.5.1", Reachable: reachable, Via: GatewayViaInterface}
}

func neigh(state string) *netpath.Neighbor {
	return &netpath.Neighbor{Address: room, Interface: "wlan0", State: state}
}

// got is the part of a verdict the table pins down.
type got struct {
	Status     report.Status
	Observed   vocab.Observed
	Reason     vocab.Reason
	Layer      vocab.Layer
	Failure    vocab.Failure
	Operation  vocab.Operation
	ReportedBy string
	RejectHop  *int
	ResetHop   *int
}

// judgeTest is one case of TestJudge.
type judgeTest struct {
	name string
	ev   evidence
	want got
	hint string // a phrase the hint must contain; "" means no hint
}

// remoteCases are verdicts decided by what came back over the path.
func remoteCases() []judgeTest {
	synack := reply(3, room, netpath.ReplySynAck, "")
	rst := reply(3, room, netpath.ReplyRST, "")
	return []judgeTest{
		{"reached", evidence{route: routed, trace: traced(te(1, hop1), te(2, hop2), synack)},
			got{report.StatusPass, vocab.PathReached, "syn_ack", "network", "", "", room, nil, nil}, ""},
		{"reached through a VPN", evidence{route: tunnel, trace: traced(te(1, "10.200.0.1"), synack)},
			got{report.StatusWarn, vocab.PathReached, "syn_ack", "network", "", "", room, nil, nil}, "wg0 (wireguard), a tunnel or VPN"},
		{"reset from the room itself", evidence{route: routed, trace: withReset(traced(te(1, hop1), te(2, hop2), rst), 62)},
			got{report.StatusWarn, vocab.PathReached, "conn_refused", "network", "connection_refused", "connect", room, nil, n(3)}, "came from 10.10.5.23 itself (hop 3"},
		{"reset forged at hop 2", evidence{route: routed, trace: withReset(traced(te(1, hop1), te(2, hop2), rst), 63)},
			got{report.StatusFail, vocab.PathResetByMiddlebox, vocab.ReasonForgedReset, "network", "connection_refused", "trace_hop", hop2, nil, n(2)}, "a firewall at hop 2 (10.0.2.2) denies TCP 9090 with a forged reset"},
		{"reset forged by a Cisco-like box (initial 255) at hop 1", evidence{route: routed, trace: withReset(traced(te(1, hop1), te(2, hop2), rst), 255)},
			got{report.StatusFail, vocab.PathResetByMiddlebox, vocab.ReasonForgedReset, "network", "connection_refused", "trace_hop", hop1, nil, n(1)}, "hop 1 (10.0.1.1)"},
		{"reset, sender not located", evidence{route: routed, trace: withNote(traced(te(1, hop1), rst), netpath.ResetNoteNoCap)},
			got{report.StatusWarn, vocab.PathReached, "conn_refused", "network", "connection_refused", "connect", room, nil, nil}, "no CAP_NET_RAW"},
		{"rejected admin-prohibited by hop 2", evidence{route: routed, trace: traced(te(1, hop1), te(2, hop2), reply(3, hop2, netpath.ReplyUnreachable, vocab.ReasonAdminProhibited))},
			got{report.StatusFail, vocab.PathRejected, "admin_prohibited", "network", "host_unreachable", "trace_hop", hop2, n(2), nil}, "10.0.2.2 (hop 2) rejected TCP 9090"},
		{"rejected port unreachable", evidence{route: routed, trace: traced(te(1, hop1), reply(2, hop1, netpath.ReplyUnreachable, vocab.ReasonPortUnreach))},
			got{report.StatusFail, vocab.PathRejected, "port_unreach", "network", "connection_refused", "trace_hop", hop1, n(1), nil}, "port unreachable"},
		{"no route at hop 2 (answers at its own TTL)", evidence{route: routed, trace: traced(te(1, hop1), reply(2, hop2, netpath.ReplyUnreachable, vocab.ReasonNetUnreach))},
			got{report.StatusFail, vocab.PathUnreachable, "net_unreach", "network", "network_unreachable", "trace_hop", hop2, n(2), nil}, "reports network unreachable"},
		{"no ARP answer at the last router", evidence{route: routed, trace: traced(te(1, hop1), te(2, hop2), reply(3, hop2, netpath.ReplyUnreachable, vocab.ReasonHostUnreach))},
			got{report.StatusFail, vocab.PathUnreachable, "host_unreach", "network", "host_unreachable", "trace_hop", hop2, n(2), nil}, "does not answer ARP/ND there"},
	}
}

// localCases are verdicts decided on this host or by silence.
func localCases() []judgeTest {
	yes, no := true, false
	localFail := netpath.Hop{TTL: 1, Reply: netpath.ReplyUnreachable, Unreachable: vocab.ReasonHostUnreach, Address: s(local), Local: true}
	return []judgeTest{
		{"client isolation: room fails ARP, gateway answers", evidence{route: onLink, neighbor: neigh(netpath.NeighFailed), gateway: gw(&yes), trace: traced(localFail)},
			got{report.StatusFail, vocab.PathNeighborFailed, "host_unreach", "local", "host_unreachable", "neighbor_resolution", local, nil, nil}, "Wi-Fi client isolation"},
		{"room and gateway fail ARP", evidence{route: onLink, neighbor: neigh(netpath.NeighFailed), gateway: gw(&no), trace: traced(localFail)},
			got{report.StatusFail, vocab.PathNeighborFailed, "host_unreach", "local", "host_unreachable", "neighbor_resolution", local, nil, nil}, "Neither 10.10.5.23 nor the gateway 10.10.5.1"},
		{"room fails ARP, no gateway to compare", evidence{route: onLink, neighbor: neigh(netpath.NeighFailed), trace: traced(localFail)},
			got{report.StatusFail, vocab.PathNeighborFailed, "host_unreach", "local", "host_unreachable", "neighbor_resolution", local, nil, nil}, "cannot be told apart"},
		{"routed, the gateway fails ARP", evidence{route: routed, gateway: &Gateway{Address: hop1, Reachable: &no, Via: GatewayViaRoute}, trace: traced(localFail)},
			got{report.StatusFail, vocab.PathNeighborFailed, "host_unreach", "local", "host_unreachable", "neighbor_resolution", local, nil, nil}, "The gateway 10.0.1.1 on eth0"},
		{"isolation without the ICMP error", evidence{route: onLink, neighbor: neigh(netpath.NeighFailed), gateway: gw(&yes), trace: traced(none(1), none(2))},
			got{report.StatusFail, vocab.PathNeighborFailed, "host_unreach", "local", "host_unreachable", "neighbor_resolution", "", nil, nil}, "Wi-Fi client isolation"},
		{"dropped after hop 2", evidence{route: routed, trace: traced(te(1, hop1), te(2, hop2), none(3), none(4))},
			got{report.StatusFail, vocab.PathDropped, "no_response", "network", "generic_timeout_error", "trace_hop", "", nil, nil}, "dies silently after hop 2 (10.0.2.2)"},
		{"nothing answers, not even the gateway", evidence{route: routed, gateway: &Gateway{Address: hop1, Via: GatewayViaRoute}, trace: traced(none(1), none(2))},
			got{report.StatusFail, vocab.PathDropped, "no_response", "network", "generic_timeout_error", "trace_hop", "", nil, nil}, "not even the first hop (the gateway 10.0.1.1)"},
		{"on-link room answers ARP but drops 9090", evidence{route: onLink, neighbor: neigh(netpath.NeighReachable), trace: traced(none(1), none(2))},
			got{report.StatusFail, vocab.PathDropped, "no_response", "network", "generic_timeout_error", "trace_hop", "", nil, nil}, "a firewall on the room itself"},
		{"routing loop", evidence{route: routed, maxHops: 4, trace: traced(te(1, hop1), te(2, hop2), te(3, hop1), te(4, hop2))},
			got{report.StatusFail, vocab.PathMaxHops, "ttl_exceeded", "network", "host_unreachable", "trace_hop", hop2, nil, nil}, "routing loop"},
		{"path longer than max hops", evidence{route: routed, maxHops: 2, trace: traced(te(1, hop1), te(2, hop2))},
			got{report.StatusFail, vocab.PathMaxHops, "ttl_exceeded", "network", "host_unreachable", "trace_hop", hop2, nil, nil}, "raise --max-hops"},
		{"unreachable route in this host", evidence{route: netpath.Route{Destination: room, Type: netpath.RouteUnreachable}},
			got{report.StatusFail, vocab.PathNoRoute, "no_route", "local", "network_unreachable", "route_lookup", "", nil, nil}, "route type unreachable"},
		{"blackhole route", evidence{route: netpath.Route{Destination: room, Type: netpath.RouteBlackhole}},
			got{report.StatusFail, vocab.PathNoRoute, "no_route", "local", "network_unreachable", "route_lookup", "", nil, nil}, "route type blackhole"},
		{"route table unreadable", evidence{routeErr: errors.New("netlink: boom")},
			got{report.StatusError, vocab.PathNotRun, "", "local", "unknown_failure: netlink: boom", "route_lookup", "", nil, nil}, "could not be run"},
		{"local firewall", evidence{route: routed, trace: traced(netpath.Hop{TTL: 1, Reply: netpath.ReplyLocalError, Failure: "permission_denied"})},
			got{report.StatusFail, vocab.PathLocalDenied, "local_policy", "local", "permission_denied", "local_policy", "", nil, nil}, "firewall on this host"},
		{"connect mode: unreachable without a sender", evidence{route: routed, trace: traced(none(1), netpath.Hop{TTL: 2, Reply: netpath.ReplyUnreachable, Unreachable: vocab.ReasonHostUnreach})},
			got{report.StatusFail, vocab.PathUnreachable, "host_unreach", "network", "host_unreachable", "trace_hop", "", nil, nil}, "a router reports host unreachable"},
		{"interrupted", evidence{route: routed, trace: &netpath.Trace{Interrupted: true, Hops: []netpath.Hop{none(1)}}},
			got{report.StatusError, vocab.PathNotRun, "", "network", "unknown_failure: interrupted", "trace_hop", "", nil, nil}, "could not be run"},
	}
}

func TestJudge(t *testing.T) {
	tests := append(remoteCases(), localCases()...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.target, tt.ev.port, tt.ev.timeout = netip.MustParseAddr(room), 9090, time.Second
			if tt.ev.maxHops == 0 {
				tt.ev.maxHops = 30
			}
			v := judge(tt.ev)
			g := got{v.status, v.observed, v.reason, v.layer, v.failure, v.operation, v.reportedBy, v.rejectHop, v.resetHop}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("verdict (-want +got)\n%s", diff)
			}
			switch {
			case tt.hint == "" && v.hint != "":
				t.Errorf("hint = %q, want none", v.hint)
			case !strings.Contains(v.hint, tt.hint):
				t.Errorf("hint = %q\nwant it to contain %q", v.hint, tt.hint)
			}
		})
	}
}

// TestEveryFailureHasAHint: whatever the evidence, a result that is not a
// plain pass tells the engineer what to do.
func TestEveryFailureHasAHint(t *testing.T) {
	replies := []netpath.Hop{
		reply(2, room, netpath.ReplySynAck, ""), reply(2, room, netpath.ReplyRST, ""),
		reply(2, hop2, netpath.ReplyUnreachable, vocab.ReasonAdminProhibited), reply(2, hop2, netpath.ReplyUnreachable, vocab.ReasonParameterProblem),
		{TTL: 2, Reply: netpath.ReplyLocalError, Failure: "network_down"}, none(2), te(2, hop1),
	}
	for _, r := range []netpath.Route{routed, onLink, tunnel} {
		for _, h := range replies {
			ev := evidence{target: netip.MustParseAddr(room), port: 9090, route: r, maxHops: 2, trace: traced(te(1, hop1), h)}
			v := judge(ev)
			if v.status != report.StatusPass && v.hint == "" {
				t.Errorf("%s via %s: %s/%s without a hint", h.Reply, r.Interface, v.status, v.observed)
			}
		}
	}
}
