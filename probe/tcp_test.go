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
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestClassifyICMP(t *testing.T) {
	tests := []struct {
		name string
		in   ICMP
		want outcome
		ok   bool
	}{
		{"v4 net unreachable", ICMP{Type: 3, Code: 0}, outcome{vocab.TCPUnreachable, vocab.ReasonNetUnreach, vocab.FailureNetworkUnreachable}, true},
		{"v4 host unreachable", ICMP{Type: 3, Code: 1}, outcome{vocab.TCPUnreachable, vocab.ReasonHostUnreach, vocab.FailureHostUnreachable}, true},
		{"v4 port unreachable", ICMP{Type: 3, Code: 3}, outcome{vocab.TCPFiltered, vocab.ReasonPortUnreach, vocab.FailureConnectionRefused}, true},
		{"v4 net prohibited", ICMP{Type: 3, Code: 9}, outcome{vocab.TCPFiltered, vocab.ReasonAdminProhibited, vocab.FailureHostUnreachable}, true},
		{"v4 host prohibited", ICMP{Type: 3, Code: 10}, outcome{vocab.TCPFiltered, vocab.ReasonAdminProhibited, vocab.FailureHostUnreachable}, true},
		{"v4 admin prohibited", ICMP{Type: 3, Code: 13}, outcome{vocab.TCPFiltered, vocab.ReasonAdminProhibited, vocab.FailureHostUnreachable}, true},
		{"v4 frag needed is not final", ICMP{Type: 3, Code: 4}, outcome{}, false},
		{"v4 time exceeded", ICMP{Type: 11, Code: 0}, outcome{vocab.TCPUnreachable, vocab.ReasonTTLExceeded, vocab.FailureHostUnreachable}, true},
		{"v4 echo reply ignored", ICMP{Type: 0}, outcome{}, false},
		{"v6 no route", ICMP{V6: true, Type: 1, Code: 0}, outcome{vocab.TCPUnreachable, vocab.ReasonNetUnreach, vocab.FailureNetworkUnreachable}, true},
		{"v6 admin prohibited", ICMP{V6: true, Type: 1, Code: 1}, outcome{vocab.TCPFiltered, vocab.ReasonAdminProhibited, vocab.FailureHostUnreachable}, true},
		{"v6 address unreachable", ICMP{V6: true, Type: 1, Code: 3}, outcome{vocab.TCPUnreachable, vocab.ReasonHostUnreach, vocab.FailureHostUnreachable}, true},
		{"v6 port unreachable", ICMP{V6: true, Type: 1, Code: 4}, outcome{vocab.TCPFiltered, vocab.ReasonPortUnreach, vocab.FailureConnectionRefused}, true},
		{"v6 reject route", ICMP{V6: true, Type: 1, Code: 6}, outcome{vocab.TCPFiltered, vocab.ReasonAdminProhibited, vocab.FailureHostUnreachable}, true},
		{"v6 packet too big is not final", ICMP{V6: true, Type: 2}, outcome{}, false},
		{"v4 parameter problem", ICMP{Type: 12}, outcome{vocab.TCPUnreachable, vocab.ReasonParameterProblem, vocab.FailureHostUnreachable}, true},
		{"v6 time exceeded", ICMP{V6: true, Type: 3}, outcome{vocab.TCPUnreachable, vocab.ReasonTTLExceeded, vocab.FailureHostUnreachable}, true},
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
	open := attempt{out: reasonOutcome(vocab.ReasonSynAck), rtt: 2 * time.Millisecond}
	silent := attempt{out: reasonOutcome(vocab.ReasonNoResponse)}
	rejected := attempt{out: reasonOutcome(vocab.ReasonAdminProhibited), icmp: &ICMP{Type: 3, Code: 13, From: "10.0.30.2"}}
	arpFail := attempt{out: reasonOutcome(vocab.ReasonHostUnreach), icmp: &ICMP{Type: 3, Code: 1, From: "10.0.0.5", Local: true}}
	noRoute := attempt{out: classifyConnectFailure(vocab.FailureHostUnreachable, false), syncErr: true}
	denied := attempt{out: classifyConnectFailure(vocab.FailurePermissionDenied, false), syncErr: true}
	type want struct {
		Status     report.Status
		Observed   vocab.Observed
		Reason     vocab.Reason
		ReportedBy string
		Failure    vocab.Failure
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
		{"open", TCPConfig{}, []attempt{open}, netpath.Route{Type: "unicast"}, want{report.StatusPass, vocab.TCPOpen, vocab.ReasonSynAck, "10.0.0.9", "", "", false, "-"}},
		{"dropped", TCPConfig{}, []attempt{silent}, netpath.Route{}, want{report.StatusFail, vocab.TCPFiltered, vocab.ReasonNoResponse, "", vocab.FailureTimeout, "", false, "drops it silently"}},
		{"rejected by router", TCPConfig{}, []attempt{rejected}, netpath.Route{}, want{report.StatusFail, vocab.TCPFiltered, vocab.ReasonAdminProhibited, "10.0.30.2", vocab.FailureHostUnreachable, "", false, "10.0.30.2 rejected"}},
		{"own ARP failed", TCPConfig{}, []attempt{arpFail}, netpath.Route{}, want{report.StatusFail, vocab.TCPUnreachable, vocab.ReasonHostUnreach, "10.0.0.5", vocab.FailureHostUnreachable, "", true, "client isolation"}},
		{"unreachable route", TCPConfig{}, []attempt{noRoute}, netpath.Route{Type: netpath.RouteUnreachable}, want{report.StatusFail, vocab.TCPNoRoute, vocab.ReasonNoRoute, "", vocab.FailureNetworkUnreachable, "unreachable", false, "route type unreachable"}},
		{"local firewall", TCPConfig{}, []attempt{denied}, netpath.Route{Type: netpath.RouteUnicast}, want{report.StatusFail, vocab.TCPLocalDenied, vocab.ReasonLocalPolicy, "", vocab.FailurePermissionDenied, "", false, "firewall on this host"}},
		{"intermittent is a warning", TCPConfig{Attempts: 3}, []attempt{silent, open, silent}, netpath.Route{}, want{report.StatusWarn, vocab.TCPOpen, vocab.ReasonSynAck, "10.0.0.9", "", "", false, "only on some attempts"}},
		{"must not reach, blocked", TCPConfig{Expect: ExpectBlocked}, []attempt{silent}, netpath.Route{}, want{report.StatusPass, vocab.TCPFiltered, vocab.ReasonNoResponse, "", vocab.FailureTimeout, "", false, "-"}},
		{"control answered with a reset", TCPConfig{Expect: ExpectAnswer}, []attempt{{out: reasonOutcome(vocab.ReasonConnRefused), rtt: time.Millisecond}}, netpath.Route{}, want{report.StatusPass, vocab.TCPClosed, vocab.ReasonConnRefused, "10.0.0.9", vocab.FailureConnectionRefused, "", false, "-"}},
		{"control silent", TCPConfig{Expect: ExpectAnswer}, []attempt{silent}, netpath.Route{}, want{report.StatusWarn, vocab.TCPFiltered, vocab.ReasonNoResponse, "", vocab.FailureTimeout, "", false, "drops it silently"}},
		{"must not reach, open", TCPConfig{Expect: ExpectBlocked}, []attempt{open}, netpath.Route{}, want{report.StatusFail, vocab.TCPOpen, vocab.ReasonSynAck, "10.0.0.9", "", "", false, "must not"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustTCP(t, tt.cfg)
			p.dial = fakeDial(tt.atts...)
			p.route = func(netip.Addr) (netpath.Route, error) { return tt.route, nil }
			res := p.probe(context.Background(), TCPTarget{Addr: netip.MustParseAddr("10.0.0.9"), Port: 9090})
			det := res.Detail.(*TCPDetail)
			got := want{res.Status, res.Observed, res.Reason, res.ReportedBy, vocab.Failure(derefStr(res.Failure)), det.RouteType, det.NeighborFailed, ""}
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
	p := mustTCP(t, TCPConfig{Timeout: 2 * time.Second, Attempts: 2})
	tests := []struct {
		name     string
		observed vocab.Observed
		reason   vocab.Reason
		target   netip.AddrPort
	}{
		{"open", vocab.TCPOpen, vocab.ReasonSynAck, probetest.Open(t)},
		{"closed", vocab.TCPClosed, vocab.ReasonConnRefused, probetest.Closed(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.probe(context.Background(), TCPTarget{Addr: tt.target.Addr(), Port: tt.target.Port()})
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
	res := runTCP(t, TCPConfig{Timeout: 200 * time.Millisecond, Target: TCPTarget{Addr: silent.Addr(), Port: silent.Port()}})
	if res.Observed != vocab.TCPFiltered || res.Reason != vocab.ReasonNoResponse || res.RTTMS != nil {
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
	res := runTCP(t, TCPConfig{Timeout: time.Second, Target: TCPTarget{Addr: netip.IPv6Loopback(), Port: uint16(port)}})
	if res.Observed != vocab.TCPOpen || res.ID != "tcp/[::1]:"+strconv.Itoa(port) {
		t.Fatalf("got %+v", res)
	}
}

func mustTCP(t *testing.T, cfg TCPConfig) *TCP {
	t.Helper()
	p, err := NewTCP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runTCP runs a probe through its Run and returns the one result.
func runTCP(t *testing.T, cfg TCPConfig) report.Result {
	t.Helper()
	var got []report.Result
	mustTCP(t, cfg).Run(context.Background(), func(_ int, r report.Result) { got = append(got, r) })
	if len(got) != 1 {
		t.Fatalf("Run emitted %d results, want 1", len(got))
	}
	return got[0]
}

func TestNewTCPRefusesBadConfig(t *testing.T) {
	for _, cfg := range []TCPConfig{{Attempts: -1}, {Attempts: MaxTCPAttempts + 1}, {Expect: "maybe"}} {
		if _, err := NewTCP(cfg); err == nil {
			t.Errorf("NewTCP(%+v) = nil error", cfg)
		}
	}
}
