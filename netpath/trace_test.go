package netpath

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/roompath/roompath/probe/vocab"
)

func addr(s string) *string { return &s }

func te(ttl int, a string) Hop { return Hop{TTL: ttl, Reply: ReplyTimeExceeded, Address: addr(a)} }
func silent(ttl int) Hop       { return Hop{TTL: ttl, Reply: ReplyNone} }

var hopOpts = cmp.Options{cmpopts.IgnoreUnexported(Hop{})}

func TestSummarize(t *testing.T) {
	synack := Hop{TTL: 3, Reply: ReplySynAck, Address: addr("10.0.3.10")}
	reject := Hop{TTL: 3, Reply: ReplyUnreachable, Unreachable: vocab.ReasonAdminProhibited, Address: addr("10.0.2.2")}
	tests := []struct {
		name      string
		in        []Hop
		wantHops  []Hop
		terminal  *Hop
		lastHop   string
		silent    int
		loop      bool
		exhausted bool
	}{
		{"reached, higher TTLs trimmed, unsorted input",
			[]Hop{{TTL: 4, Reply: ReplySynAck}, synack, te(1, "10.0.1.1"), te(2, "10.0.2.2")},
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), synack}, &synack, "10.0.3.10", 0, false, false},
		{"dropped after hop 2",
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), silent(3), silent(4)},
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), silent(3), silent(4)}, nil, "10.0.2.2", 2, false, false},
		{"silent router in the middle",
			[]Hop{te(1, "10.0.1.1"), silent(2), synack},
			[]Hop{te(1, "10.0.1.1"), silent(2), synack}, &synack, "10.0.3.10", 1, false, false},
		{"rejected at hop 3 by hop 2",
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), reject, {TTL: 4, Reply: ReplyUnreachable}},
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), reject}, &reject, "10.0.2.2", 0, false, false},
		{"all silent", []Hop{silent(1), silent(2)}, []Hop{silent(1), silent(2)}, nil, "", 2, false, false},
		{"loop until max hops",
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), te(3, "10.0.1.1"), te(4, "10.0.2.2")},
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.2.2"), te(3, "10.0.1.1"), te(4, "10.0.2.2")}, nil, "10.0.2.2", 0, true, true},
		{"same router twice in a row is not a loop",
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.1.1"), te(3, "10.0.2.2")},
			[]Hop{te(1, "10.0.1.1"), te(2, "10.0.1.1"), te(3, "10.0.2.2")}, nil, "10.0.2.2", 0, false, true},
		{"empty", nil, []Hop{}, nil, "", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hops, s := Summarize(tt.in)
			if diff := cmp.Diff(tt.wantHops, hops, hopOpts, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("hops (-want +got)\n%s", diff)
			}
			if diff := cmp.Diff(tt.terminal, s.Terminal, hopOpts); diff != "" {
				t.Errorf("terminal (-want +got)\n%s", diff)
			}
			last := ""
			if s.LastHop != nil {
				last = s.LastHop.Addr()
			}
			got := []any{last, s.Silent, s.Loop, s.Exhausted}
			if diff := cmp.Diff([]any{tt.lastHop, tt.silent, tt.loop, tt.exhausted}, got); diff != "" {
				t.Errorf("last hop, silent, loop, exhausted (-want +got)\n%s", diff)
			}
		})
	}
}

func TestClassifyICMP(t *testing.T) {
	tests := []struct {
		v6        bool
		typ, code uint8
		reply     string
		kind      vocab.Reason
		ok        bool
	}{
		{false, 11, 0, ReplyTimeExceeded, "", true},
		{false, 3, 0, ReplyUnreachable, vocab.ReasonNetUnreach, true},
		{false, 3, 1, ReplyUnreachable, vocab.ReasonHostUnreach, true},
		{false, 3, 3, ReplyUnreachable, vocab.ReasonPortUnreach, true},
		{false, 3, 13, ReplyUnreachable, vocab.ReasonAdminProhibited, true},
		{false, 3, 10, ReplyUnreachable, vocab.ReasonAdminProhibited, true},
		{false, 3, 4, "", "", false}, // fragmentation needed does not end a connect
		{false, 12, 0, ReplyUnreachable, vocab.ReasonParameterProblem, true},
		{false, 5, 0, "", "", false},
		{true, 3, 0, ReplyTimeExceeded, "", true},
		{true, 1, 0, ReplyUnreachable, vocab.ReasonNetUnreach, true},
		{true, 1, 1, ReplyUnreachable, vocab.ReasonAdminProhibited, true},
		{true, 1, 3, ReplyUnreachable, vocab.ReasonHostUnreach, true},
		{true, 1, 4, ReplyUnreachable, vocab.ReasonPortUnreach, true},
		{true, 2, 0, "", "", false}, // packet too big
	}
	for _, tt := range tests {
		reply, kind, ok := ClassifyICMP(tt.v6, tt.typ, tt.code)
		if diff := cmp.Diff([]any{tt.reply, tt.kind, tt.ok}, []any{reply, kind, ok}); diff != "" {
			t.Errorf("ClassifyICMP(%v, %d, %d) (-want +got)\n%s", tt.v6, tt.typ, tt.code, diff)
		}
	}
}

func TestResetFromTTL(t *testing.T) {
	tests := []struct {
		ttl  int
		want ResetEvidence
	}{
		{64, ResetEvidence{64, 64, 1}},
		{62, ResetEvidence{62, 64, 3}},
		{63, ResetEvidence{63, 64, 2}},
		{125, ResetEvidence{125, 128, 4}},
		{254, ResetEvidence{254, 255, 2}},
		{30, ResetEvidence{30, 32, 3}},
		{0, ResetEvidence{1, 32, 32}},
		{300, ResetEvidence{255, 255, 1}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(&tt.want, ResetFromTTL(tt.ttl)); diff != "" {
			t.Errorf("ResetFromTTL(%d) (-want +got)\n%s", tt.ttl, diff)
		}
	}
}

// fakeNet answers each TTL's probe from a table after a delay; TTLs not in
// the table stay silent until the deadline or cancellation.
type fakeNet struct {
	mu      sync.Mutex
	answers map[int]fakeAnswer
	started []int
}

type fakeAnswer struct {
	after time.Duration
	hop   Hop
	// follow, when set, is how long the probe checks what follows its
	// SYN-ACK after handing it over early.
	follow time.Duration
}

type fakeProbe struct {
	n   *fakeNet
	ttl int
}

func (n *fakeNet) start(_ netip.AddrPort, ttl int) ttlProbe {
	n.mu.Lock()
	n.started = append(n.started, ttl)
	n.mu.Unlock()
	return &fakeProbe{n, ttl}
}

func (p *fakeProbe) localPort() uint16 { return uint16(40000 + p.ttl) }

func (p *fakeProbe) wait(ctx context.Context, deadline time.Time, early func(Hop)) Hop {
	a, ok := p.n.answers[p.ttl]
	wait := time.Until(deadline)
	if ok && a.after < wait {
		wait = a.after
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return Hop{TTL: p.ttl, Reply: ReplyNone, cancelled: true}
	case <-timer.C:
	}
	if !ok {
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	}
	h := a.hop
	h.TTL = p.ttl
	if a.follow > 0 { // a SYN-ACK whose check of what follows takes a.follow
		early(h)
		select {
		case <-ctx.Done():
			return Hop{TTL: p.ttl, Reply: ReplyNone, cancelled: true}
		case <-time.After(a.follow):
		}
	}
	return h
}

// fakeCapture maps a local port to its reset's TTL (and SYN-ACK's, in
// synAcks).
type fakeCapture map[uint16]int

func (c fakeCapture) stop() map[uint16]captured {
	out := map[uint16]captured{}
	for port, ttl := range c {
		out[port] = captured{rst: ttl}
	}
	return out
}

// synAckCapture maps a local port to what came for it.
type synAckCapture map[uint16]captured

func (c synAckCapture) stop() map[uint16]captured { return c }

func newFakeTracer(cfg TraceConfig, n *fakeNet, capt resetCapture, note string) *Tracer {
	t := NewTracer(cfg)
	t.start = n.start
	t.capture = func(netip.AddrPort) (resetCapture, string) { return capt, note }
	return t
}

var dst = netip.MustParseAddrPort("10.0.3.10:9090")

// TestTracerStopsWhenDecided: a 3-hop path answers in milliseconds, so the
// trace ends long before the 5 s timeout although TTLs 4..30 were sent.
func TestTracerStopsWhenDecided(t *testing.T) {
	n := &fakeNet{answers: map[int]fakeAnswer{
		1: {time.Millisecond, te(0, "10.0.1.1"), 0},
		2: {2 * time.Millisecond, te(0, "10.0.2.2"), 0},
	}}
	for ttl := 3; ttl <= 30; ttl++ {
		n.answers[ttl] = fakeAnswer{3 * time.Millisecond, Hop{Reply: ReplySynAck, Address: addr("10.0.3.10")}, 0}
	}
	tr := newFakeTracer(TraceConfig{Timeout: 5 * time.Second}, n, nil, ResetNoteNoCap).Run(context.Background(), dst)
	if tr.Duration > 2*time.Second {
		t.Errorf("trace took %v, want it to end once decided", tr.Duration)
	}
	if tr.Sent != 30 || len(tr.Hops) != 3 || tr.Summary.Terminal == nil || tr.Summary.Terminal.TTL != 3 {
		t.Errorf("sent %d, hops %+v, terminal %+v", tr.Sent, tr.Hops, tr.Summary.Terminal)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5}, n.started[:5]); diff != "" {
		t.Errorf("SYNs must leave in TTL order (-want +got)\n%s", diff)
	}
	if tr.Mode != TraceModeRecvErr && tr.Mode != TraceModeConnect {
		t.Errorf("mode = %q without a capture", tr.Mode)
	}
}

// TestTracerSilentLowerTTL: TTL 2 is silent (a router that sends no time
// exceeded, or rate-limits it), so once TTL 3 got its terminal reply the
// trace waits only silentHopWait for TTL 2, not its minute-long timeout,
// and reports it silent.
func TestTracerSilentLowerTTL(t *testing.T) {
	n := &fakeNet{answers: map[int]fakeAnswer{
		1: {time.Millisecond, te(0, "10.0.1.1"), 0},
		3: {time.Millisecond, Hop{Reply: ReplySynAck, Address: addr("10.0.3.10")}, 0},
		4: {time.Millisecond, Hop{Reply: ReplySynAck, Address: addr("10.0.3.10")}, 0},
	}}
	tr := newFakeTracer(TraceConfig{MaxHops: 4, Timeout: time.Minute}, n, nil, "").Run(context.Background(), dst)
	if tr.Duration >= time.Minute {
		t.Errorf("trace took %v: it waited the silent TTL's whole timeout", tr.Duration)
	}
	want := []Hop{te(1, "10.0.1.1"), silent(2), {TTL: 3, Reply: ReplySynAck, Address: addr("10.0.3.10")}}
	if diff := cmp.Diff(want, tr.Hops, hopOpts); diff != "" {
		t.Errorf("hops (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]int{2}, tr.Summary.SilentHops); diff != "" {
		t.Errorf("silent hops (-want +got)\n%s", diff)
	}
}

// TestTracerWaitsForTheCheckAfterSynAck: the terminal TTL's SYN-ACK comes
// early and its check of what follows takes longer than silentHopWait; a
// higher TTL's ends sooner. The terminal TTL is not taken for silent: the
// trace waits for its check and keeps its outcome.
func TestTracerWaitsForTheCheckAfterSynAck(t *testing.T) {
	synAck := func(after string) Hop {
		return Hop{Reply: ReplySynAck, Address: addr("10.0.3.10"), RTTMS: new(float64), AfterHandshake: after}
	}
	n := &fakeNet{answers: map[int]fakeAnswer{
		1: {time.Millisecond, te(0, "10.0.1.1"), 0},
		2: {time.Millisecond, synAck(AfterHandshakeSilent), 3 * SilentHopFloor},
		3: {time.Millisecond, synAck(AfterHandshakeAcked), time.Millisecond},
	}}
	tr := newFakeTracer(TraceConfig{MaxHops: 3, Timeout: time.Minute}, n, nil, "").Run(context.Background(), dst)
	term := tr.Summary.Terminal
	if term == nil || term.TTL != 2 || term.AfterHandshake != AfterHandshakeSilent || len(tr.Summary.SilentHops) != 0 {
		t.Errorf("terminal %+v, silent hops %v; want TTL 2, silent after the handshake", term, tr.Summary.SilentHops)
	}
}

func TestSilentHopWait(t *testing.T) {
	rtt := func(ms float64) Hop { return Hop{RTTMS: &ms} }
	tests := []struct {
		hop  Hop
		want time.Duration
	}{
		{Hop{}, SilentHopFloor},
		{rtt(0.2), SilentHopFloor},
		{rtt(40), 160 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := silentHopWait(tt.hop); got != tt.want {
			t.Errorf("silentHopWait(%+v) = %v, want %v", tt.hop, got, tt.want)
		}
	}
}

func TestTracerReset(t *testing.T) {
	rst := Hop{Reply: ReplyRST, Address: addr("10.0.3.10")}
	n := &fakeNet{answers: map[int]fakeAnswer{
		1: {time.Millisecond, te(0, "10.0.1.1"), 0},
		2: {time.Millisecond, te(0, "10.0.2.2"), 0},
		3: {time.Millisecond, rst, 0},
	}}
	tests := []struct {
		name     string
		capt     resetCapture
		note     string
		want     *ResetEvidence
		wantNote string
		mode     string
	}{
		{"forged from hop 2", fakeCapture{40003: 63}, "", &ResetEvidence{63, 64, 2}, "", TraceModeRaw},
		{"room at hop 3", fakeCapture{40003: 62, 40004: 62}, "", &ResetEvidence{62, 64, 3}, "", TraceModeRaw},
		{"other TTL's reset only", fakeCapture{40004: 62}, "", &ResetEvidence{62, 64, 3}, "", TraceModeRaw},
		{"not captured", fakeCapture{}, "", nil, ResetNoteMissed, TraceModeRaw},
		{"no capability", nil, ResetNoteNoCap, nil, ResetNoteNoCap, traceMode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newFakeTracer(TraceConfig{MaxHops: 4, Timeout: time.Second}, n, tt.capt, tt.note).Run(context.Background(), dst)
			if diff := cmp.Diff(tt.want, tr.Reset); diff != "" {
				t.Errorf("reset (-want +got)\n%s", diff)
			}
			if tr.ResetNote != tt.wantNote || tr.Mode != tt.mode {
				t.Errorf("note %q mode %q, want %q %q", tr.ResetNote, tr.Mode, tt.wantNote, tt.mode)
			}
		})
	}
}

func TestTracerInterrupted(t *testing.T) {
	n := &fakeNet{answers: map[int]fakeAnswer{1: {time.Millisecond, te(0, "10.0.1.1"), 0}}}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	tr := newFakeTracer(TraceConfig{MaxHops: 5, Timeout: time.Minute}, n, nil, "").Run(ctx, dst)
	if !tr.Interrupted || tr.Duration > 10*time.Second {
		t.Errorf("interrupted %v after %v", tr.Interrupted, tr.Duration)
	}
	want := []Hop{te(1, "10.0.1.1"), silent(2), silent(3), silent(4), silent(5)}
	if diff := cmp.Diff(want, tr.Hops, hopOpts); diff != "" {
		t.Errorf("hops (-want +got)\n%s", diff)
	}
}

func TestNewTracerDefaults(t *testing.T) {
	tr := NewTracer(TraceConfig{MaxHops: 1000})
	if tr.cfg.MaxHops != MaxHopsLimit || tr.cfg.Timeout != DefaultTraceTimeout {
		t.Errorf("cfg = %+v", tr.cfg)
	}
	if d := NewTracer(TraceConfig{}).cfg.MaxHops; d != DefaultMaxHops {
		t.Errorf("default max hops = %d", d)
	}
}

func TestParseRST(t *testing.T) {
	pkt := make([]byte, 40)
	pkt[0], pkt[8], pkt[9] = 0x45, 63, 6
	copy(pkt[12:16], []byte{10, 0, 3, 10})
	tcp := pkt[20:]
	tcp[0], tcp[1] = 0x23, 0x82 // 9090
	tcp[2], tcp[3] = 0x9c, 0x43 // 40003
	tcp[13] = tcpFlagRST | 0x10
	got, ok := parseRST4(pkt)
	want := rstSegment{from: dst, localPort: 40003, ttl: 63}
	if !ok || got != want {
		t.Errorf("parseRST4 = %+v, %v; want %+v", got, ok, want)
	}
	tcp[13] = 0x12 // SYN-ACK
	if got, ok := parseRST4(pkt); !ok || !got.synAck || got.ttl != 63 {
		t.Errorf("parseRST4 of a SYN-ACK = %+v, %v", got, ok)
	}
	tcp[13] = 0x10 // a bare ACK
	if _, ok := parseRST4(pkt); ok {
		t.Error("parseRST4 accepted a bare ACK")
	}
	tcp[13] = tcpFlagRST
	src6 := netip.MustParseAddr("fd00::10")
	got, ok = parseRST6(tcp, src6, 61)
	if want := (rstSegment{from: netip.AddrPortFrom(src6, 9090), localPort: 40003, ttl: 61}); !ok || got != want {
		t.Errorf("parseRST6 = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := parseRST6(tcp, src6, -1); ok {
		t.Error("parseRST6 accepted a missing hop limit")
	}
}

func FuzzParseRST4(f *testing.F) {
	f.Add([]byte{0x45, 0, 0, 40, 0, 0, 0, 0, 63, 6, 0, 0, 10, 0, 3, 10, 10, 0, 1, 2, 0x23, 0x82, 0x9c, 0x43, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x04})
	f.Add([]byte{0x4f})
	f.Fuzz(func(t *testing.T, b []byte) {
		seg, ok := parseRST4(b)
		if ok && (seg.ttl < 0 || seg.ttl > 255 || !seg.from.Addr().Is4()) {
			t.Errorf("bad segment %+v", seg)
		}
	})
}

func TestSummarizeSilentHops(t *testing.T) {
	synack := Hop{TTL: 4, Reply: ReplySynAck, Address: addr("10.0.3.10")}
	tests := []struct {
		name string
		in   []Hop
		want []int
	}{
		{"none silent", []Hop{te(1, "10.0.1.1"), synack}, nil},
		{"hops 2-3 before the room", []Hop{te(1, "10.0.1.1"), silent(2), silent(3), synack}, []int{2, 3}},
		{"first hop rate-limited", []Hop{silent(1), te(2, "10.0.2.2"), silent(3), silent(4)}, []int{1}},
		{"silence after the last answer is the drop", []Hop{te(1, "10.0.1.1"), silent(2), silent(3)}, nil},
		{"all silent", []Hop{silent(1), silent(2)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s := Summarize(tt.in)
			if diff := cmp.Diff(tt.want, s.SilentHops); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestTracerSynAckTTL: in raw mode the terminal SYN-ACK's IP TTL is read,
// and a reset right after it counts as the terminal reset.
func TestTracerSynAckTTL(t *testing.T) {
	n := &fakeNet{answers: map[int]fakeAnswer{
		1: {time.Millisecond, te(0, "10.0.1.1"), 0},
		2: {time.Millisecond, Hop{Reply: ReplySynAck, Address: addr("10.0.3.10"), AfterHandshake: AfterHandshakeReset}, 0},
	}}
	capt := synAckCapture{40002: {rst: 63, synAck: 64}}
	tr := newFakeTracer(TraceConfig{MaxHops: 2, Timeout: time.Second}, n, capt, "").Run(context.Background(), dst)
	if diff := cmp.Diff(&ResetEvidence{64, 64, 1}, tr.SynAck); diff != "" || tr.SynAckNote != "" {
		t.Errorf("syn-ack (-want +got)\n%s note %q", diff, tr.SynAckNote)
	}
	if diff := cmp.Diff(&ResetEvidence{63, 64, 2}, tr.Reset); diff != "" {
		t.Errorf("reset (-want +got)\n%s", diff)
	}
	tr = newFakeTracer(TraceConfig{MaxHops: 2, Timeout: time.Second}, n, nil, ResetNoteNoCap).Run(context.Background(), dst)
	if tr.SynAck != nil || tr.SynAckNote != SynAckNoteNoCap {
		t.Errorf("without a capture: %+v, %q", tr.SynAck, tr.SynAckNote)
	}
}
