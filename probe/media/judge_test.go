package media

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func outcomes(spec map[uint16]vocab.Observed) []portOutcome {
	var out []portOutcome
	for _, port := range DefaultPorts() {
		o := portOutcome{port: port, observed: spec[port]}
		switch o.observed {
		case vocab.UDPOpen:
			o.reason = vocab.ReasonEchoed
		case vocab.UDPUnreachable:
			o.reason, o.fromResponder = vocab.ReasonPortUnreach, true
			o.reportedBy = netip.MustParseAddr("192.0.2.1")
		case "":
			o.observed, o.reason, o.failure = vocab.UDPFiltered, vocab.ReasonNoResponse, vocab.FailureTimeout
		}
		out = append(out, o)
	}
	return out
}

// TestBlockedWhatever3478Does: 8801-8810 filtered is blocked even with
// 3478/3479 open; the hint names the fallback and the ports to open.
func TestBlockedWhatever3478Does(t *testing.T) {
	p := &Probe{cfg: Config{StreamPort: 8801, DSCP: 56}, host: "r1"}
	ports := outcomes(map[uint16]vocab.Observed{3478: vocab.UDPOpen, 3479: vocab.UDPOpen})
	port, verdict := p.pickStreamPort(ports)
	if verdict != vocab.MediaBlocked || port != 8801 {
		t.Fatalf("verdict %q port %d", verdict, port)
	}
	var r report.Result
	p.notStreamed(&r, verdict, ports)
	if r.Status != report.StatusFail || r.Reason != vocab.ReasonMediaPortsBlocked ||
		!strings.Contains(r.Hint, "TCP 8801/8802, then TLS 443") || !strings.Contains(r.Hint, "Open UDP 8801-8810") {
		t.Fatalf("%+v", r)
	}
}

func TestStreamPortChoice(t *testing.T) {
	p := &Probe{cfg: Config{StreamPort: 8801}}
	if port, v := p.pickStreamPort(outcomes(map[uint16]vocab.Observed{8805: vocab.UDPOpen})); port != 8805 || v != "" {
		t.Errorf("only 8805 open: port %d verdict %q", port, v)
	}
	all := map[uint16]vocab.Observed{}
	for _, port := range DefaultPorts() {
		all[port] = vocab.UDPUnreachable
	}
	ports := outcomes(all)
	port, v := p.pickStreamPort(ports)
	var r report.Result
	p.notStreamed(&r, v, ports)
	if v != vocab.MediaNotRun || r.Reason != vocab.ReasonResponderNotListening || port != 8801 {
		t.Errorf("responder not listening: verdict %q reason %q", v, r.Reason)
	}
}

func TestDSCPHint(t *testing.T) {
	sent, got, hop := 56, 0, 2
	d := &Detail{DSCP: DSCP{Sent: &sent, Received: &got, ChangedAfterHop: &hop}}
	if h := dscpHint(d); !strings.Contains(h, "DSCP 56 was sent and the responder saw 0") || !strings.Contains(h, "after hop 2") {
		t.Errorf("hint %q", h)
	}
	got = 56
	if h := dscpHint(d); h != "" {
		t.Errorf("unchanged mark: hint %q", h)
	}
}

func TestSummarizePorts(t *testing.T) {
	f, u, o := vocab.UDPFiltered, vocab.UDPUnreachable, vocab.UDPOpen
	run := func(lo, hi uint16, st vocab.Observed) []portState {
		var ps []portState
		for p := lo; p <= hi; p++ {
			ps = append(ps, portState{p, st})
		}
		return ps
	}
	for _, tt := range []struct {
		in   []portState
		want string
	}{
		{nil, ""},
		{run(8801, 8801, f), "8801 filtered"},
		{run(8801, 8810, f), "8801-8810 filtered"},
		{append(run(8801, 8805, f), run(8806, 8810, u)...), "8801-8805 filtered, 8806-8810 unreachable"},
		{[]portState{{8801, f}, {8803, f}}, "8801 filtered, 8803 filtered"},
		{append(append(append(run(8801, 8802, f), run(8803, 8803, o)...), run(8804, 8804, u)...), run(8805, 8810, f)...),
			"8801-8802 filtered, 8803 open, 8804 unreachable and 6 more ports"},
		{append(append(append(run(8801, 8801, f), run(8802, 8802, o)...), run(8803, 8803, u)...), run(8804, 8804, f)...),
			"8801 filtered, 8802 open, 8803 unreachable and 1 more port"},
	} {
		if got := summarizePorts(tt.in); got != tt.want {
			t.Errorf("summarizePorts(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
