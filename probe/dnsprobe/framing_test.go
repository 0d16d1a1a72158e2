package dnsprobe_test

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// framed is a well-framed message.
func framed(b []byte) []byte { return dnstest.Frame(uint16(len(b)), b) }

// garbage is a header with the query's id and a question that does not
// parse, as dnstest's Malformed mode sends.
func garbage(q *dns.Msg) []byte {
	b := dnstest.Packed(q, q.Id)
	b = append(b[:12:12], 0xc0, 0xff, 0x00)
	b[5] = 1
	return b
}

// tcpFraming is one hostile DNS-over-TCP server and what must come of it.
type tcpFraming struct {
	name   string
	stream dnstest.StreamConfig
	// udp asks over UDP first: the fake truncates, the TCP retry meets it.
	udp      bool
	want     outcome
	attempts int    // exchanges reported (two attempts are allowed)
	note     string // a piece of detail.reply_note; "" for none
}

var tcpFramings = []tcpFraming{
	{
		name:   "a reply that does not parse ends at once",
		stream: dnstest.StreamConfig{Hold: true, Reply: func(q *dns.Msg) []byte { return framed(garbage(q)) }},
		want:   outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""}, attempts: 1,
		note: "15-byte reply that does not parse",
	},
	{
		name:   "a zero length",
		stream: dnstest.StreamConfig{Hold: true, Reply: func(*dns.Msg) []byte { return []byte{0, 0} }},
		want:   outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""}, attempts: 1,
		note: "zero-length message",
	},
	{
		name: "a length prefix larger than what follows, then silence",
		stream: dnstest.StreamConfig{Hold: true, Reply: func(q *dns.Msg) []byte {
			return dnstest.Frame(0xffff, dnstest.Packed(q, q.Id))
		}},
		want: outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""}, attempts: 1,
		note: "of the 65535 bytes the length prefix announced came before the deadline",
	},
	{
		name: "a length prefix larger than what follows, then the end of the stream",
		stream: dnstest.StreamConfig{Reply: func(q *dns.Msg) []byte {
			return dnstest.Frame(500, dnstest.Packed(q, q.Id))
		}},
		want: outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""}, attempts: 1,
		note: "the stream ended after",
	},
	{
		name:   "one byte of the length prefix, then the end",
		stream: dnstest.StreamConfig{Reply: func(*dns.Msg) []byte { return []byte{0} }},
		want:   outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""}, attempts: 1,
		note: "ended after 1 of the 2 length bytes",
	},
	{
		name: "a truncated reply over TCP",
		stream: dnstest.StreamConfig{Hold: true, Reply: func(q *dns.Msg) []byte {
			m := new(dns.Msg).SetReply(q)
			m.Truncated = true
			b, _ := m.Pack()
			return framed(b)
		}},
		want: outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""}, attempts: 1,
		note: "TC bit",
	},
	{
		name:   "closed without a byte",
		stream: dnstest.StreamConfig{},
		want:   outcome{report.StatusFail, vocab.DNSError, vocab.FailureEOF, ""}, attempts: 1,
	},
	{
		name: "a message with another id, then silence, until the deadline (twice)",
		stream: dnstest.StreamConfig{Hold: true, Reply: func(q *dns.Msg) []byte {
			return framed(dnstest.Packed(q, q.Id^1))
		}},
		want: outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSWrongQueryID, ""}, attempts: 2,
	},
	{
		name: "a message with another id, then the answer",
		stream: dnstest.StreamConfig{Hold: true, Reply: func(q *dns.Msg) []byte {
			return append(framed(dnstest.Packed(q, q.Id^1)), framed(dnstest.Packed(q, q.Id))...)
		}},
		want: outcome{report.StatusWarn, vocab.DNSOK, vocab.FailureDNSWrongQueryID, vocab.ReasonWrongIDSeen}, attempts: 1,
	},
	{
		name:   "the TCP retry of a truncated reply meets a reply that does not parse",
		stream: dnstest.StreamConfig{TruncateUDP: true, Hold: true, Reply: func(q *dns.Msg) []byte { return framed(garbage(q)) }},
		udp:    true,
		want:   outcome{report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, vocab.ReasonTCPFallbackFailed}, attempts: 2,
		note: "does not parse",
	},
}

// TestTCPFramingHostileServers runs each hostile DNS-over-TCP server: each
// ends classified (a malformed reply at once, without waiting for the
// deadline or trying again), its note short and escaped.
func TestTCPFramingHostileServers(t *testing.T) {
	for _, tt := range tcpFramings {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := dnstest.StartStream(tt.stream)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			cfg := quick([]string{"zoom.us"}, dnsprobe.Server{Addr: s.Addr})
			cfg.Types, cfg.TCP, cfg.Attempts, cfg.Timeout = []uint16{dns.TypeA}, !tt.udp, 2, 300*time.Millisecond
			rs := runProbe(t, cfg)
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1", len(rs))
			}
			if diff := cmp.Diff(tt.want, outcomes(rs)["zoom.us/A@127.0.0.1"]); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			if len(rs[0].Attempts) != tt.attempts {
				t.Errorf("%d attempts, want %d", len(rs[0].Attempts), tt.attempts)
			}
			note := rs[0].Detail.(*dnsprobe.Detail).ReplyNote
			if !strings.Contains(note, tt.note) || (tt.note == "") != (note == "") || len(note) > 200 || !utf8.ValidString(note) || strings.ContainsFunc(note, unicode.IsControl) {
				t.Errorf("reply_note = %q, want a short escaped note containing %q", note, tt.note)
			}
		})
	}
}

// TestReplyFloodKeepsCountsAndFewExamples floods the query with replies
// of wrong ids, over UDP (the kernel may drop some of them) and over TCP
// (every one arrives): the result keeps the count and 5 examples.
func TestReplyFloodKeepsCountsAndFewExamples(t *testing.T) {
	t.Parallel()
	const flood = 300
	udp := startFake(t, dnstest.Config{IP: "127.0.0.40", Mode: dnstest.WrongID, Flood: flood})
	tcp, err := dnstest.StartStream(dnstest.StreamConfig{IP: "127.0.0.41", Hold: true, Reply: func(q *dns.Msg) []byte {
		var out []byte
		b := dnstest.Packed(q, q.Id) // packed once: the flood is written at once
		for i := 1; i <= flood; i++ {
			m := framed(b)
			binary.BigEndian.PutUint16(m[2:], q.Id^uint16(i))
			out = append(out, m...)
		}
		return out
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tcp.Close)
	for _, c := range []struct {
		server   dnsprobe.Server
		tcp      bool
		minCount int
	}{
		{srv(udp, ""), false, 6},
		{dnsprobe.Server{Addr: tcp.Addr}, true, flood},
	} {
		cfg := quick([]string{"zoom.us"}, c.server)
		cfg.Types, cfg.TCP, cfg.Timeout = []uint16{dns.TypeA}, c.tcp, 300*time.Millisecond
		rs := runProbe(t, cfg)
		if len(rs) != 1 || rs[0].Failure == nil || *rs[0].Failure != vocab.FailureDNSWrongQueryID {
			t.Fatalf("tcp=%v: results %+v, want one dns_reply_with_wrong_query_id", c.tcp, rs)
		}
		q := rs[0].Detail.(*dnsprobe.Detail).QueryID
		if len(q.WrongIDs) != 5 || q.WrongIDCount < c.minCount || q.WrongIDCount > flood {
			t.Errorf("tcp=%v: %d wrong ids kept, count %d; want 5 examples and a count of %d-%d", c.tcp, len(q.WrongIDs), q.WrongIDCount, c.minCount, flood)
		}
		if !strings.Contains(rs[0].Hint, "wrong query id") {
			t.Errorf("tcp=%v: hint %q", c.tcp, rs[0].Hint)
		}
	}
}
