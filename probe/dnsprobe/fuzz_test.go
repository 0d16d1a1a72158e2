package dnsprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/miekg/dns"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"zoom.us", "zoom.us.", "", ".", "a..b", strings.Repeat("a", 64), "xn--zm-via.us", "_srv._tcp.zoom.us", "a.\\046b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := ParseName(s)
		if err != nil {
			return
		}
		if _, ok := dns.IsDomainName(name); !ok {
			t.Fatalf("ParseName(%q) = %q, which miekg/dns rejects", s, name)
		}
		if len(dns.Fqdn(name)) > 254 {
			t.Fatalf("ParseName(%q) = %q: too long on the wire", s, name)
		}
		if again, err := ParseName(name); err != nil || again != name {
			t.Fatalf("ParseName not idempotent on %q: %q, %v", name, again, err)
		}
		if _, err := new(DNS).packable(name); err != nil {
			t.Fatalf("accepted name %q does not pack: %v", name, err)
		}
	})
}

// packable reports whether a query for name packs (the fuzzer's check
// that an accepted name can really be sent).
func (p *DNS) packable(name string) ([]byte, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	return m.Pack()
}

func FuzzParseResolver(f *testing.F) {
	for _, s := range []string{"10.0.0.53", "10.0.0.53:5353", "[::1]:53", "::1", "[fe80::1%eth0]:53", "300.1.1.1", "1.1.1.1:0", "[::1", "dns.google:53", "1.1.1.1:65536"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ap, err := ParseResolver(s)
		if err != nil {
			return
		}
		if !ap.IsValid() || ap.Port() == 0 || ap.Addr().Is4In6() || ap.Addr().IsUnspecified() {
			t.Fatalf("ParseResolver(%q) = %v: not a usable resolver address", s, ap)
		}
		again, err := ParseResolver(ap.String())
		if err != nil || again != ap {
			t.Fatalf("ParseResolver(%q) = %v does not round-trip: %v, %v", s, ap, again, err)
		}
	})
}

// FuzzReply feeds arbitrary bytes as the reply to a query for zoom.us A
// from the right source: accepting, judging and reporting it must not
// panic, and what is accepted must be reported in the vocabulary.
func FuzzReply(f *testing.F) {
	q := new(dns.Msg)
	q.SetQuestion("zoom.us.", dns.TypeA)
	q.Id = 0x1234
	good := new(dns.Msg).SetReply(q)
	rr, _ := dns.NewRR("zoom.us. 60 IN A 170.114.52.2")
	good.Answer = []dns.RR{rr}
	b, _ := good.Pack()
	f.Add(b)
	f.Add(b[:12])
	f.Add(b[:len(b)-3])
	tc := append([]byte(nil), b...)
	tc[2] |= 0x02
	f.Add(tc[:20])
	f.Add([]byte{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c})
	f.Add([]byte{0x12, 0x34})
	p, _ := NewDNS(DNSConfig{Names: []string{"zoom.us"}, Servers: []Server{resA}})
	f.Fuzz(func(t *testing.T, reply []byte) {
		var ex dnsExchange
		ex.ID = q.Id
		if !ex.accept(reply, q) {
			return
		}
		ex.From = netip.MustParseAddrPort("10.0.0.53:53")
		l := &dnsLookup{Name: "zoom.us", Type: dns.TypeA, Server: resA, Tries: []dnsTry{{QName: "zoom.us.", Final: ex, Exchanges: []dnsExchange{ex}}}}
		v := judgeName([]*dnsLookup{l}, nil, nil)[0]
		switch v.Observed {
		case vocab.DNSOK, vocab.DNSNXDOMAIN, vocab.DNSNoAnswer, vocab.DNSServfail, vocab.DNSRefused, vocab.DNSBogon, vocab.DNSError:
		default:
			t.Fatalf("observed %q is not in the vocabulary", v.Observed)
		}
		if _, err := json.Marshal(p.lookupResult(l, v)); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}

// FuzzTCPFraming feeds an arbitrary DNS-over-TCP stream as the resolver's
// side of a connection that carried a query for zoom.us A: the reader of
// length-prefixed messages must end (at the end of the stream at the
// latest) with an accepted answer to the query or a classified failure,
// keep its evidence bounded, and leave only a short, escaped note.
func FuzzTCPFraming(f *testing.F) {
	q := new(dns.Msg)
	q.SetQuestion("zoom.us.", dns.TypeA)
	q.Id = 0x1234
	good := new(dns.Msg).SetReply(q)
	rr, _ := dns.NewRR("zoom.us. 60 IN A 170.114.52.2")
	good.Answer = []dns.RR{rr}
	b, _ := good.Pack()
	frame := func(n int, msg []byte) []byte { return append([]byte{byte(n >> 8), byte(n)}, msg...) }
	wrong := append([]byte{0x43, 0x21}, b[2:]...)
	tc := append([]byte(nil), b...)
	tc[2] |= 0x02
	for _, seed := range [][]byte{
		frame(len(b), b),         // the answer
		frame(len(wrong), wrong), // another id only
		append(frame(len(wrong), wrong), frame(len(b), b)...), // another id, then the answer
		{0, 0},             // a zero length
		{0},                // one length byte
		frame(0xffff, b),   // a length larger than what follows
		frame(len(b)-5, b), // a length smaller than the message
		frame(len(tc), tc), // truncated
		frame(15, []byte{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0}), // a broken question
		frame(2, []byte{0x12, 0x34}), // shorter than a header
		{},                           // nothing
	} {
		f.Add(seed)
	}
	server := netip.MustParseAddrPort("10.0.0.53:53")
	f.Fuzz(func(t *testing.T, stream []byte) {
		ex := readTCPReplies(context.Background(), bytes.NewReader(stream), q, dnsExchange{Transport: TransportTCP, ID: q.Id}, server, time.Now())
		if (ex.Reply == nil) == (ex.Err == nil) {
			t.Fatalf("reply %v and error %v: want exactly one", ex.Reply != nil, ex.Err)
		}
		if ex.Reply != nil && (ex.Reply.Id != q.Id || ex.Reply.Truncated || !ex.Reply.Response) {
			t.Fatalf("accepted a reply that does not answer the query: %v", ex.Reply)
		}
		if f := probe.Classify(ex.Err); ex.Err != nil && f != vocab.FailureEOF && f != vocab.FailureDNSMalformedReply {
			t.Fatalf("failure %q: want eof_error or dns_malformed_reply from a stream that ends", f)
		}
		if len(ex.WrongIDs) > maxExamples || ex.WrongIDCount < len(ex.WrongIDs) {
			t.Fatalf("%d wrong ids kept for a count of %d", len(ex.WrongIDs), ex.WrongIDCount)
		}
		if len(ex.Note) > 300 || !utf8.ValidString(ex.Note) || strings.ContainsFunc(ex.Note, unicode.IsControl) {
			t.Fatalf("note %q is not short and escaped", ex.Note)
		}
	})
}

// FuzzParseType checks the --type and --whoami-type parser: what it
// accepts can be asked (no meta type), round-trips through its name, and
// a whoami type is one whose answer the check reads.
func FuzzParseType(f *testing.F) {
	for _, s := range []string{"A", "aaaa", "TXT", "HTTPS", "TYPE65", "TYPE0", "TYPE65536", "TYPE65535", "reserved", "TYPE-1", "MX", "AXFR", "OPT", "ANY", "", " a ", "type1", "\x00", "NONE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := ParseType(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error for %q", s)
			}
		} else {
			if typ == dns.TypeNone || typ == dns.TypeOPT || typ == dns.TypeAXFR || typ == dns.TypeIXFR {
				t.Fatalf("ParseType(%q) = %d: a type that cannot be asked", s, typ)
			}
			if again, err := ParseType(typeString(typ)); err != nil || again != typ {
				t.Fatalf("ParseType(%q) = %d does not round-trip through %q: %d, %v", s, typ, typeString(typ), again, err)
			}
		}
		w, werr := ParseWhoamiType(s)
		if werr == nil && (!whoamiType(w) || err != nil || w != typ) {
			t.Fatalf("ParseWhoamiType(%q) = %d, but ParseType gives %d, %v", s, w, typ, err)
		}
	})
}

// FuzzParseAllowNet checks the --allow-net parser: what it accepts is a
// valid, masked prefix without a zone that round-trips through its text.
func FuzzParseAllowNet(f *testing.F) {
	for _, s := range []string{"10.20.0.0/16", "10.20.1.2/16", "10.20.1.2", "fd00::/8", "::ffff:10.0.0.1/104", "fe80::1%eth0", "fe80::1%eth0/64", "10.20.0.0/33", "0.0.0.0/0", "lan", "", " 10.0.0.0/8 ", "1.2.3.4/-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseAllowNet(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error for %q", s)
			}
			return
		}
		if !p.IsValid() || p != p.Masked() || p.Addr().Zone() != "" {
			t.Fatalf("ParseAllowNet(%q) = %v: not a valid masked prefix without a zone", s, p)
		}
		if again, err := ParseAllowNet(p.String()); err != nil || again != p {
			t.Fatalf("ParseAllowNet(%q) = %v does not round-trip: %v, %v", s, p, again, err)
		}
	})
}
