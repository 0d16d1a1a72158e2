package probe

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
)

func TestClassifyICMP(t *testing.T) {
	tests := []struct {
		name string
		in   ICMP
		want outcome
		ok   bool
	}{
		{"v4 net unreachable", ICMP{Type: 3, Code: 0}, outcome{TCPUnreachable, ReasonNetUnreach, FailureNetworkUnreachable}, true},
		{"v4 host unreachable", ICMP{Type: 3, Code: 1}, outcome{TCPUnreachable, ReasonHostUnreach, FailureHostUnreachable}, true},
		{"v4 port unreachable", ICMP{Type: 3, Code: 3}, outcome{TCPFiltered, ReasonPortUnreach, FailureConnectionRefused}, true},
		{"v4 net prohibited", ICMP{Type: 3, Code: 9}, outcome{TCPFiltered, ReasonAdminProhibited, FailureHostUnreachable}, true},
		{"v4 host prohibited", ICMP{Type: 3, Code: 10}, outcome{TCPFiltered, ReasonAdminProhibited, FailureHostUnreachable}, true},
		{"v4 admin prohibited", ICMP{Type: 3, Code: 13}, outcome{TCPFiltered, ReasonAdminProhibited, FailureHostUnreachable}, true},
		{"v4 frag needed is not final", ICMP{Type: 3, Code: 4}, outcome{}, false},
		{"v4 time exceeded", ICMP{Type: 11, Code: 0}, outcome{TCPUnreachable, ReasonTTLExceeded, FailureHostUnreachable}, true},
		{"v4 echo reply ignored", ICMP{Type: 0}, outcome{}, false},
		{"v6 no route", ICMP{V6: true, Type: 1, Code: 0}, outcome{TCPUnreachable, ReasonNetUnreach, FailureNetworkUnreachable}, true},
		{"v6 admin prohibited", ICMP{V6: true, Type: 1, Code: 1}, outcome{TCPFiltered, ReasonAdminProhibited, FailureHostUnreachable}, true},
		{"v6 address unreachable", ICMP{V6: true, Type: 1, Code: 3}, outcome{TCPUnreachable, ReasonHostUnreach, FailureHostUnreachable}, true},
		{"v6 port unreachable", ICMP{V6: true, Type: 1, Code: 4}, outcome{TCPFiltered, ReasonPortUnreach, FailureConnectionRefused}, true},
		{"v6 reject route", ICMP{V6: true, Type: 1, Code: 6}, outcome{TCPFiltered, ReasonAdminProhibited, FailureHostUnreachable}, true},
		{"v6 packet too big is not final", ICMP{V6: true, Type: 2}, outcome{}, false},
		{"v4 parameter problem", ICMP{Type: 12}, outcome{TCPUnreachable, ReasonParameterProblem, FailureHostUnreachable}, true},
		{"v6 time exceeded", ICMP{V6: true, Type: 3}, outcome{TCPUnreachable, ReasonTTLExceeded, FailureHostUnreachable}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := classifyICMP(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(outcome{})); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// fakeDial returns canned attempts in order, for socket-free tests of the
// folding, status and hint logic.
func fakeDial(atts ...attempt) func(context.Context, netip.AddrPort, time.Duration) attempt {
	i := 0
	return func(context.Context, netip.AddrPort, time.Duration) attempt {
		a := atts[i%len(atts)]
		i++
		return a
	}
}

func TestTCPRunVerdicts(t *testing.T) {
	open := attempt{out: reasonOutcome(ReasonSynAck), rtt: 2 * time.Millisecond}
	silent := attempt{out: reasonOutcome(ReasonNoResponse)}
	rejected := attempt{out: reasonOutcome(ReasonAdminProhibited), icmp: &ICMP{Type: 3, Code: 13, From: "10.0.30.2"}}
	arpFail := attempt{out: reasonOutcome(ReasonHostUnreach), icmp: &ICMP{Type: 3, Code: 1, From: "10.0.0.5", Local: true}}
	noRoute := attempt{out: classifyConnectFailure(FailureHostUnreachable, false), syncErr: true}
	denied := attempt{out: classifyConnectFailure(FailurePermissionDenied, false), syncErr: true}
	type want struct {
		Status     report.Status
		Observed   string
		Reason     string
		ReportedBy string
		Failure    string
		RouteType  string
		Neighbor   bool
		HintHas    string
	}
	tests := []struct {
		name  string
		cfg   TCPConfig
		atts  []attempt
		route netpath.Route
		want  want
	}{
		{"open", TCPConfig{}, []attempt{open}, netpath.Route{Type: "unicast"}, want{report.StatusPass, TCPOpen, ReasonSynAck, "10.0.0.9", "", "", false, "-"}},
		{"dropped", TCPConfig{}, []attempt{silent}, netpath.Route{}, want{report.StatusFail, TCPFiltered, ReasonNoResponse, "", FailureTimeout, "", false, "drops it silently"}},
		{"rejected by router", TCPConfig{}, []attempt{rejected}, netpath.Route{}, want{report.StatusFail, TCPFiltered, ReasonAdminProhibited, "10.0.30.2", FailureHostUnreachable, "", false, "10.0.30.2 rejected"}},
		{"own ARP failed", TCPConfig{}, []attempt{arpFail}, netpath.Route{}, want{report.StatusFail, TCPUnreachable, ReasonHostUnreach, "10.0.0.5", FailureHostUnreachable, "", true, "client isolation"}},
		{"unreachable route", TCPConfig{}, []attempt{noRoute}, netpath.Route{Type: netpath.RouteUnreachable}, want{report.StatusFail, TCPNoRoute, ReasonNoRoute, "", FailureNetworkUnreachable, "unreachable", false, "route type unreachable"}},
		{"local firewall", TCPConfig{}, []attempt{denied}, netpath.Route{Type: netpath.RouteUnicast}, want{report.StatusFail, TCPLocalDenied, ReasonLocalPolicy, "", FailurePermissionDenied, "", false, "firewall on this host"}},
		{"intermittent is a warning", TCPConfig{Attempts: 3}, []attempt{silent, open, silent}, netpath.Route{}, want{report.StatusWarn, TCPOpen, ReasonSynAck, "10.0.0.9", "", "", false, "only on some attempts"}},
		{"must not reach, blocked", TCPConfig{Expect: ExpectBlocked}, []attempt{silent}, netpath.Route{}, want{report.StatusPass, TCPFiltered, ReasonNoResponse, "", FailureTimeout, "", false, "-"}},
		{"control answered with a reset", TCPConfig{Expect: ExpectAnswer}, []attempt{{out: reasonOutcome(ReasonConnRefused), rtt: time.Millisecond}}, netpath.Route{}, want{report.StatusPass, TCPClosed, ReasonConnRefused, "10.0.0.9", FailureConnectionRefused, "", false, "-"}},
		{"control silent", TCPConfig{Expect: ExpectAnswer}, []attempt{silent}, netpath.Route{}, want{report.StatusWarn, TCPFiltered, ReasonNoResponse, "", FailureTimeout, "", false, "drops it silently"}},
		{"must not reach, open", TCPConfig{Expect: ExpectBlocked}, []attempt{open}, netpath.Route{}, want{report.StatusFail, TCPOpen, ReasonSynAck, "10.0.0.9", "", "", false, "must not"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewTCP(tt.cfg)
			p.dial = fakeDial(tt.atts...)
			p.route = func(netip.Addr) (netpath.Route, error) { return tt.route, nil }
			res := p.Run(context.Background(), TCPTarget{Addr: netip.MustParseAddr("10.0.0.9"), Port: 9090})
			det := res.Detail.(*TCPDetail)
			got := want{res.Status, res.Observed, res.Reason, res.ReportedBy, derefStr(res.Failure), det.RouteType, det.NeighborFailed, ""}
			switch {
			case tt.want.HintHas == "-" && res.Hint != "":
				t.Errorf("want no hint, got %q", res.Hint)
			case tt.want.HintHas != "-" && !strings.Contains(res.Hint, tt.want.HintHas):
				t.Errorf("hint %q lacks %q", res.Hint, tt.want.HintHas)
			}
			got.HintHas = tt.want.HintHas
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if len(res.Attempts) != max(tt.cfg.Attempts, 1) {
				t.Errorf("attempts = %d", len(res.Attempts))
			}
		})
	}
}

func TestRTTStats(t *testing.T) {
	s, headline := rttStats([]float64{1, 2, 3})
	want := &report.RTTStats{Count: 3, MinMS: 1, AvgMS: 2, MaxMS: 3, StddevMS: 0.816}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if *headline != 1 {
		t.Errorf("headline = %v, want the minimum", *headline)
	}
	if s, h := rttStats(nil); s != nil || h != nil {
		t.Error("no samples must give nil stats")
	}
}

// TestLoopbackOpenClosed sends real SYNs to 127.0.0.1: a listener answers
// with a SYN-ACK, a port nobody holds with a RST.
func TestLoopbackOpenClosed(t *testing.T) {
	p := NewTCP(TCPConfig{Timeout: 2 * time.Second, Attempts: 2})
	tests := []struct {
		name, observed, reason string
		target                 netip.AddrPort
	}{
		{"open", TCPOpen, ReasonSynAck, probetest.Open(t)},
		{"closed", TCPClosed, ReasonConnRefused, probetest.Closed(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.Run(context.Background(), TCPTarget{Addr: tt.target.Addr(), Port: tt.target.Port()})
			if res.Observed != tt.observed || res.Reason != tt.reason {
				t.Fatalf("got %s/%s, want %s/%s (%+v)", res.Observed, res.Reason, tt.observed, tt.reason, res)
			}
			if res.RTTMS == nil || res.RTT.Count != 2 {
				t.Errorf("want an RTT from both attempts, got %+v", res.RTT)
			}
		})
	}
}

// TestLoopbackSilent: a SYN nobody answers ends at the deadline as
// filtered/no_response.
func TestLoopbackSilent(t *testing.T) {
	silent := probetest.Silent(t)
	res := NewTCP(TCPConfig{Timeout: 200 * time.Millisecond}).Run(context.Background(), TCPTarget{Addr: silent.Addr(), Port: silent.Port()})
	if res.Observed != TCPFiltered || res.Reason != ReasonNoResponse || res.RTTMS != nil {
		t.Fatalf("got %+v", res)
	}
}

func TestLoopbackV6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	res := NewTCP(TCPConfig{Timeout: time.Second}).Run(context.Background(), TCPTarget{Addr: netip.IPv6Loopback(), Port: uint16(port)})
	if res.Observed != TCPOpen || res.ID != "tcp/[::1]:"+strconv.Itoa(port) {
		t.Fatalf("got %+v", res)
	}
}
