package dnsprobe

import (
	"context"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

var (
	resA   = Server{Addr: netip.MustParseAddrPort("10.0.0.53:53"), Role: RoleResolver}
	resRef = Server{Addr: netip.MustParseAddrPort("1.1.1.1:53"), Role: RoleReference}
)

// replied is a lookup whose chosen try got a reply with rcode and records.
func replied(name string, qtype uint16, s Server, rcode int, records ...string) *dnsLookup {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.Response, m.Rcode = true, rcode
	for _, r := range records {
		rr, err := dns.NewRR(r)
		if err != nil {
			panic(err)
		}
		m.Answer = append(m.Answer, rr)
	}
	return &dnsLookup{Name: name, Type: qtype, Server: s, Tries: []dnsTry{{QName: dns.Fqdn(name), Final: dnsExchange{Reply: m}}}}
}

// failed is a lookup whose chosen try got no reply.
func failed(name string, qtype uint16, s Server, err error) *dnsLookup {
	ex := dnsExchange{Err: err}
	return &dnsLookup{Name: name, Type: qtype, Server: s, Tries: []dnsTry{{QName: dns.Fqdn(name), Final: ex, Exchanges: []dnsExchange{ex}}}}
}

type verdictSummary struct {
	Observed vocab.Observed
	Failure  vocab.Failure
	Reason   vocab.Reason
	Status   report.Status
}

// rcodeOK is NOERROR, the rcode of most replies below.
const rcodeOK = dns.RcodeSuccess

// judgeCases are lookups of one name judged together, and the verdicts.
var judgeCases = []struct {
	name  string
	ls    []*dnsLookup
	allow []netip.Prefix
	rw    rewriteSet
	want  []verdictSummary
}{
	{
		name: "A only: the empty AAAA passes",
		ls: []*dnsLookup{
			replied("zoomstatus.com", dns.TypeA, resA, rcodeOK, "zoomstatus.com. 60 IN A 18.160.10.1"),
			replied("zoomstatus.com", dns.TypeAAAA, resA, rcodeOK),
		},
		want: []verdictSummary{{vocab.DNSOK, "", "", report.StatusPass}, {vocab.DNSNoAnswer, "", vocab.ReasonOtherTypeAnswered, report.StatusPass}},
	},
	{
		name: "AAAA only: the empty A passes",
		ls: []*dnsLookup{
			replied("v6.example.com", dns.TypeA, resA, rcodeOK),
			replied("v6.example.com", dns.TypeAAAA, resA, rcodeOK, "v6.example.com. 60 IN AAAA 2001:4860::1"),
		},
		want: []verdictSummary{{vocab.DNSNoAnswer, "", vocab.ReasonOtherTypeAnswered, report.StatusPass}, {vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name: "no address of any type fails both",
		ls: []*dnsLookup{
			replied("empty.example.com", dns.TypeA, resA, rcodeOK),
			replied("empty.example.com", dns.TypeAAAA, resA, rcodeOK),
		},
		want: []verdictSummary{
			{vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer, vocab.ReasonNoAddressAtAll, report.StatusFail},
			{vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer, vocab.ReasonNoAddressAtAll, report.StatusFail},
		},
	},
	{
		name: "empty AAAA beside a timed-out A fails",
		ls: []*dnsLookup{
			failed("zoom.us", dns.TypeA, resA, context.DeadlineExceeded),
			replied("zoom.us", dns.TypeAAAA, resA, rcodeOK),
		},
		want: []verdictSummary{
			{vocab.DNSTimeout, vocab.FailureTimeout, "", report.StatusFail},
			{vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer, vocab.ReasonNoAddressAtAll, report.StatusFail},
		},
	},
	{
		name: "empty AAAA of another resolver does not count",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
			replied("zoom.us", dns.TypeAAAA, resA, rcodeOK),
		},
		want: []verdictSummary{
			{vocab.DNSOK, "", "", report.StatusPass},
			{vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer, vocab.ReasonNoAddressAtAll, report.StatusFail},
		},
	},
	{
		name: "mixed public and sinkhole answers are a bogon",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 170.114.52.2", "zoom.us. 60 IN A 100.64.1.1"),
		},
		want: []verdictSummary{{vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonCGNAT, report.StatusFail}},
	},
	{
		name: "private answer for a private name is fine",
		ls: []*dnsLookup{
			replied("room1.corp", dns.TypeA, resA, rcodeOK, "room1.corp. 60 IN A 10.10.5.23"),
		},
		want: []verdictSummary{{vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name:  "answer made of the NXDOMAIN rewrite is hijacked, not nxdomain",
		ls:    []*dnsLookup{replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 198.105.244.11")},
		rw:    rewriteSet{resA.Addr: {netip.MustParseAddr("198.105.244.11"): true}},
		want:  []verdictSummary{{vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite, report.StatusFail}},
		allow: nil,
	},
	{
		name: "a reference that fails leaves nothing to compare",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 52.1.2.3"),
			failed("zoom.us", dns.TypeA, resRef, context.DeadlineExceeded),
		},
		want: []verdictSummary{{vocab.DNSOK, "", "", report.StatusPass}, {vocab.DNSTimeout, vocab.FailureTimeout, "", report.StatusFail}},
	},
	{
		name: "one address in common is enough",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 52.1.2.3", "zoom.us. 60 IN A 170.114.52.2"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
		},
		want: []verdictSummary{{vocab.DNSOK, "", "", report.StatusPass}, {vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name: "SERVFAIL and REFUSED and NOTIMP",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, dns.RcodeServerFailure),
			replied("zoom.us", dns.TypeTXT, resA, dns.RcodeRefused),
			replied("zoom.us", dns.TypeMX, resA, dns.RcodeNotImplemented),
		},
		want: []verdictSummary{
			{vocab.DNSServfail, vocab.FailureDNSServfail, "", report.StatusFail},
			{vocab.DNSRefused, vocab.FailureDNSRefused, "", report.StatusFail},
			{vocab.DNSError, vocab.Unknown("dns rcode NOTIMP"), "", report.StatusFail},
		},
	},
}

func TestJudgeName(t *testing.T) {
	for _, tt := range judgeCases {
		t.Run(tt.name, func(t *testing.T) {
			vs := judgeName(tt.ls, tt.allow, tt.rw)
			var got []verdictSummary
			for _, v := range vs {
				got = append(got, verdictSummary{v.Observed, v.Failure, v.Reason, v.Status})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEveryResultHasAHintWhenNotPassing(t *testing.T) {
	p, _ := NewDNS(DNSConfig{Names: []string{"zoom.us"}, Servers: []Server{resA}})
	ls := []*dnsLookup{
		replied("zoom.us", dns.TypeA, resA, dns.RcodeNameError),
		replied("zoom.us", dns.TypeAAAA, resA, dns.RcodeSuccess, "zoom.us. 60 IN AAAA ::"),
	}
	for i, v := range judgeName(ls, nil, nil) {
		r := p.lookupResult(ls[i], v)
		if r.Hint == "" || r.Failure == nil || *r.Operation != vocab.OpDNSRoundTrip {
			t.Errorf("%s: hint %q, failure %v, operation %v", r.ID, r.Hint, r.Failure, r.Operation)
		}
	}
}
