package netpath

import (
	"context"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/vocab"
)

func intp(v int) *int { return &v }

// icmp4Quote builds what an IPv4 raw ICMP socket receives: an ICMP error
// from `from` quoting a UDP datagram localPort -> dst sent with tos.
func icmp4Quote(typ uint8, from string, tos uint8, localPort uint16, dst netip.AddrPort) []byte {
	b := make([]byte, 20+8+20+8)
	b[0], b[9] = 0x45, 1
	f := netip.MustParseAddr(from).As4()
	copy(b[12:16], f[:])
	b[20] = typ
	q := b[28:]
	q[0], q[1], q[9] = 0x45, tos, protoUDP
	d := dst.Addr().As4()
	copy(q[16:20], d[:])
	binary.BigEndian.PutUint16(q[20:], localPort)
	binary.BigEndian.PutUint16(q[22:], dst.Port())
	return b
}

// icmp6Quote builds what an IPv6 raw ICMPv6 socket receives (from the
// ICMPv6 header on).
func icmp6Quote(typ uint8, tclass uint8, localPort uint16, dst netip.AddrPort) []byte {
	b := make([]byte, 8+40+8)
	b[0] = typ
	q := b[8:]
	q[0], q[1], q[6] = 0x60|tclass>>4, tclass<<4, protoUDP
	d := dst.Addr().As16()
	copy(q[24:40], d[:])
	binary.BigEndian.PutUint16(q[40:], localPort)
	binary.BigEndian.PutUint16(q[42:], dst.Port())
	return b
}

func TestParseQuote(t *testing.T) {
	dst := netip.MustParseAddrPort("10.99.3.2:8801")
	dst6 := netip.MustParseAddrPort("[fd00:99::2]:8801")
	from6 := netip.MustParseAddr("fd00:99:1::1")
	good := icmp4Quote(11, "10.99.1.1", 0xb8, 40001, dst)
	otherPort := icmp4Quote(11, "10.99.1.1", 0xb8, 40001, netip.MustParseAddrPort("10.99.3.2:9"))
	otherDst := icmp4Quote(3, "10.99.1.1", 0xb8, 40001, netip.MustParseAddrPort("10.99.3.9:8801"))
	echo := icmp4Quote(0, "10.99.1.1", 0xb8, 40001, dst)
	notUDP := icmp4Quote(11, "10.99.1.1", 0xb8, 40001, dst)
	notUDP[28+9] = 6
	tests := []struct {
		name string
		v6   bool
		in   []byte
		want quote
		ok   bool
	}{
		{"time exceeded", false, good, quote{netip.MustParseAddr("10.99.1.1"), 40001, 0xb8}, true},
		{"port unreachable re-marked", false, icmp4Quote(3, "10.99.3.2", 0, 40002, dst), quote{netip.MustParseAddr("10.99.3.2"), 40002, 0}, true},
		{"another port's", false, otherPort, quote{}, false},
		{"another destination's", false, otherDst, quote{}, false},
		{"not an error", false, echo, quote{}, false},
		{"quotes TCP", false, notUDP, quote{}, false},
		{"truncated quote", false, good[:28+20+2], quote{}, false},
		{"truncated header", false, good[:19], quote{}, false},
		{"empty", false, nil, quote{}, false},
		{"v6 time exceeded", true, icmp6Quote(3, 0xe0, 40003, dst6), quote{from6, 40003, 0xe0}, true},
		{"v6 unreachable", true, icmp6Quote(1, 0, 40004, dst6), quote{from6, 40004, 0}, true},
		{"v6 echo reply", true, icmp6Quote(129, 0, 40004, dst6), quote{}, false},
		{"v6 truncated", true, icmp6Quote(3, 0xe0, 40003, dst6)[:50], quote{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got quote
			var ok bool
			if tt.v6 {
				got, ok = parseQuote6(tt.in, from6, dst6)
			} else {
				got, ok = parseQuote4(tt.in, dst)
			}
			if ok != tt.ok || got != tt.want {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseQuote4(f *testing.F) {
	dst := netip.MustParseAddrPort("10.99.3.2:8801")
	f.Add(icmp4Quote(11, "10.99.1.1", 0xb8, 40001, dst))
	f.Add(icmp4Quote(3, "10.99.3.2", 0, 40002, dst)[:40])
	f.Add([]byte{0x4f, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if q, ok := parseQuote4(b, dst); ok && (q.tos < 0 || q.tos > 255) {
			t.Fatalf("tos %d", q.tos)
		}
	})
}

func FuzzParseQuote6(f *testing.F) {
	dst := netip.MustParseAddrPort("[fd00:99::2]:8801")
	f.Add(icmp6Quote(3, 0xe0, 40003, dst))
	f.Add(icmp6Quote(1, 0, 40004, dst)[:51])
	f.Add([]byte{3, 0, 0, 0, 0, 0, 0, 0, 0x6f})
	f.Fuzz(func(t *testing.T, b []byte) {
		if q, ok := parseQuote6(b, netip.MustParseAddr("fd00::1"), dst); ok && (q.tos < 0 || q.tos > 255) {
			t.Fatalf("tos %d", q.tos)
		}
	})
}

func quoted(h Hop, tos int) Hop { h.QuotedTOS = intp(tos); return h }

func TestTOSEvidence(t *testing.T) {
	const ef = 0xb8
	tests := []struct {
		name           string
		hops           []Hop
		note           string
		change, recv   *int
		wantNotePrefix string
	}{
		{"re-marked after hop 1", []Hop{quoted(te(1, "a"), ef), quoted(te(2, "b"), 0), silent(3)}, "", intp(1), intp(0), ""},
		{"unchanged", []Hop{quoted(te(1, "a"), ef), quoted(te(2, "b"), ef)}, "", nil, intp(ef), ""},
		{"ECN bits are not a re-mark", []Hop{quoted(te(1, "a"), ef), quoted(te(2, "b"), ef|3)}, "", nil, intp(ef | 3), ""},
		{"changed before the first hop", []Hop{quoted(te(1, "a"), 0), quoted(te(2, "b"), 0)}, "", intp(0), intp(0), ""},
		{"silent hops hide where", []Hop{silent(1), quoted(te(2, "b"), 0)}, "", nil, intp(0), "the DSCP had changed by hop 2"},
		{"silent hop between", []Hop{quoted(te(1, "a"), ef), silent(2), quoted(te(3, "c"), 0)}, "", intp(1), intp(0), ""},
		{"no quotes", []Hop{te(1, "a"), silent(2)}, "", nil, nil, TOSNoteNoQuotes},
		{"unprivileged", []Hop{te(1, "a")}, TOSNoteNoCap, nil, nil, TOSNoteNoCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change, recv, note := tosEvidence(tt.hops, ef, tt.note)
			if diff := cmp.Diff(tt.change, change); diff != "" {
				t.Errorf("changed after (-want +got)\n%s", diff)
			}
			if diff := cmp.Diff(tt.recv, recv); diff != "" {
				t.Errorf("received (-want +got)\n%s", diff)
			}
			if !strings.HasPrefix(note, tt.wantNotePrefix) || (tt.wantNotePrefix == "") != (note == "") {
				t.Errorf("note %q, want prefix %q", note, tt.wantNotePrefix)
			}
		})
	}
}

// udpFake adapts fakeNet (TTLs not in its table stay silent until the
// deadline) to a UDP trace's probe constructor.
func udpFake(n *fakeNet) udpStart {
	return func(d netip.AddrPort, ttl int, _ UDPTraceConfig) ttlProbe { return n.start(d, ttl) }
}

type fakeQuotes map[uint16]quote

func (q fakeQuotes) stop() map[uint16]quote { return q }

func TestTraceUDPFake(t *testing.T) {
	dst := netip.MustParseAddrPort("10.99.3.2:8801")
	icmp := &HopICMP{Type: 11}
	h1 := Hop{TTL: 1, Reply: ReplyTimeExceeded, Address: addr("10.99.1.1"), ICMP: icmp}
	h2 := Hop{TTL: 2, Reply: ReplyTimeExceeded, Address: addr("10.99.2.2"), ICMP: icmp}
	unreach := Hop{TTL: 3, Reply: ReplyUnreachable, Unreachable: vocab.ReasonPortUnreach, Address: addr("10.99.3.2"), ICMP: &HopICMP{Type: 3, Code: 3}}
	n := &fakeNet{answers: map[int]fakeAnswer{1: {hop: h1}, 2: {hop: h2}, 3: {hop: unreach}, 4: {hop: unreach}}}
	// fakeProbe's local port is 40000+TTL; the quote of TTL 2 names
	// another sender, so it is not that hop's.
	capt := fakeQuotes{40001: {netip.MustParseAddr("10.99.1.1"), 40001, 0xe0},
		40002: {netip.MustParseAddr("10.99.2.2"), 40002, 0},
		40003: {netip.MustParseAddr("10.66.6.6"), 40003, 0}}
	cfg := UDPTraceConfig{MaxHops: 6, Timeout: time.Minute, TOS: 0xe0}
	tr, err := traceUDP(context.Background(), dst, cfg, udpFake(n), func(netip.AddrPort) (quoteCapture, string) { return capt, "" })
	if err != nil {
		t.Fatal(err)
	}
	want := []Hop{quoted(h1, 0xe0), quoted(h2, 0), unreach}
	if diff := cmp.Diff(want, tr.Hops, hopOpts); diff != "" {
		t.Errorf("hops (-want +got)\n%s", diff)
	}
	if tr.Mode != TraceModeRaw || tr.TOSChangedAfterHop == nil || *tr.TOSChangedAfterHop != 1 || *tr.TOSReceived != 0 {
		t.Errorf("mode %s, changed after %v, received %v", tr.Mode, tr.TOSChangedAfterHop, tr.TOSReceived)
	}
	cfg.NoRaw = true
	tr, _ = traceUDP(context.Background(), dst, cfg, udpFake(n), func(netip.AddrPort) (quoteCapture, string) { t.Fatal("capture opened"); return nil, "" })
	if tr.Mode != TraceModeRecvErr || tr.TOSNote != TOSNoteDisabled || tr.Hops[0].QuotedTOS != nil {
		t.Errorf("no raw: mode %s, note %q", tr.Mode, tr.TOSNote)
	}
}

func TestSummarizeUDPReply(t *testing.T) {
	reply := Hop{TTL: 2, Reply: ReplyUDP, Address: addr("10.99.3.2")}
	hops, s := summarizeUDP([]Hop{te(1, "10.99.1.1"), reply, {TTL: 3, Reply: ReplyUDP, Address: addr("10.99.3.2")}})
	if len(hops) != 2 || s.Terminal == nil || s.Terminal.Reply != ReplyUDP || s.LastHop.Addr() != "10.99.3.2" {
		t.Errorf("hops %+v, summary %+v", hops, s)
	}
}

func TestTraceUDPBadInput(t *testing.T) {
	dst := netip.MustParseAddrPort("127.0.0.1:9")
	tests := []struct {
		name string
		dst  netip.AddrPort
		cfg  UDPTraceConfig
	}{
		{"no address", netip.AddrPort{}, UDPTraceConfig{}},
		{"port 0", netip.MustParseAddrPort("127.0.0.1:0"), UDPTraceConfig{}},
		{"TOS too big", dst, UDPTraceConfig{TOS: 256}},
		{"TOS negative", dst, UDPTraceConfig{TOS: -1}},
		{"payload too big", dst, UDPTraceConfig{Payload: make([]byte, MaxUDPTracePayload+1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := TraceUDP(context.Background(), tt.dst, tt.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}
