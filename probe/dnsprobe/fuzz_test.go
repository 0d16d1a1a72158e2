package dnsprobe

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
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
