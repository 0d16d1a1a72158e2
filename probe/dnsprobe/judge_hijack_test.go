package dnsprobe

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

var (
	portal   = netip.MustParseAddr("10.99.0.1")
	portal6  = netip.MustParseAddr("fd00::99:1")
	rewriter = netip.MustParseAddr("198.105.244.11")
	allow10  = []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}
)

// hijackCases are the hijack and --allow-net rules: a name answered with
// the address every nonexistent name gets is hijacked (never nxdomain, never
// bogon), and --allow-net exempts from bogon only, never from the
// comparison with the references.
var hijackCases = []struct {
	name  string
	ls    []*dnsLookup
	allow []netip.Prefix
	rw    rewriteSet
	want  []verdictSummary
}{
	{
		name: "hijacker: a private portal address is hijacked, not bogon; the empty AAAA beside it fails for the rewrite",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 10 IN A 10.99.0.1"),
			replied("zoom.us", dns.TypeAAAA, resA, rcodeOK),
		},
		rw: rewriteSet{resA.Addr: {portal: true}},
		want: []verdictSummary{
			{vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite, report.StatusFail},
			{vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer, vocab.ReasonNXDOMAINRewrite, report.StatusFail},
		},
	},
	{
		name: "hijacker with IPv6: both types hijacked",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 10 IN A 10.99.0.1"),
			replied("zoom.us", dns.TypeAAAA, resA, rcodeOK, "zoom.us. 10 IN AAAA fd00::99:1"),
		},
		rw: rewriteSet{resA.Addr: {portal: true, portal6: true}},
		want: []verdictSummary{
			{vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite, report.StatusFail},
			{vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite, report.StatusFail},
		},
	},
	{
		name:  "hijacked inside --allow-net is still hijacked",
		ls:    []*dnsLookup{replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 10 IN A 10.20.0.1")},
		allow: allow10,
		rw:    rewriteSet{resA.Addr: {netip.MustParseAddr("10.20.0.1"): true}},
		want:  []verdictSummary{{vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite, report.StatusFail}},
	},
	{
		name: "rewriter: a real name with its real answer is ok",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 300 IN A 170.114.52.2"),
			replied("zoom.us", dns.TypeAAAA, resA, rcodeOK),
		},
		rw: rewriteSet{resA.Addr: {rewriter: true}},
		want: []verdictSummary{
			{vocab.DNSOK, "", "", report.StatusPass},
			{vocab.DNSNoAnswer, "", vocab.ReasonOtherTypeAnswered, report.StatusPass},
		},
	},
	{
		name: "rewriter: an NXDOMAIN it does say is nxdomain",
		ls:   []*dnsLookup{replied("gone.zoom.us", dns.TypeA, resA, dns.RcodeNameError)},
		rw:   rewriteSet{resA.Addr: {rewriter: true}},
		want: []verdictSummary{{vocab.DNSNXDOMAIN, vocab.FailureDNSNXDOMAIN, "", report.StatusFail}},
	},
	{
		name: "another resolver's rewrite address does not count",
		ls:   []*dnsLookup{replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 198.105.244.11")},
		rw:   rewriteSet{resRef.Addr: {rewriter: true}},
		want: []verdictSummary{{vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name: "a hijacked reference leaves nothing to compare",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 10 IN A 10.99.0.1"),
		},
		rw: rewriteSet{resRef.Addr: {portal: true}},
		want: []verdictSummary{
			{vocab.DNSOK, "", "", report.StatusPass},
			{vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite, report.StatusFail},
		},
	},
	{
		name: "allowed answer the references share passes",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 10.20.30.40"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 10.20.30.40"),
		},
		allow: allow10,
		want:  []verdictSummary{{vocab.DNSOK, "", vocab.ReasonAllowedNet, report.StatusPass}, {vocab.DNSOK, "", vocab.ReasonAllowedNet, report.StatusPass}},
	},
	{
		name: "allowed answer sharing nothing with the references is a mismatch (warn: split horizon)",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 10.20.30.40"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
		},
		allow: allow10,
		want:  []verdictSummary{{vocab.DNSMismatch, vocab.FailureDNSMismatch, vocab.ReasonAllowedNet, report.StatusWarn}, {vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name: "a public answer inside an allowed network is compared the same way",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 52.1.2.3"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
		},
		allow: []netip.Prefix{netip.MustParsePrefix("52.1.0.0/16")},
		want:  []verdictSummary{{vocab.DNSMismatch, vocab.FailureDNSMismatch, vocab.ReasonAllowedNet, report.StatusWarn}, {vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name: "an allowed and a public answer sharing nothing is a mismatch (fail)",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 10.20.30.40", "zoom.us. 60 IN A 52.1.2.3"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
		},
		allow: allow10,
		want:  []verdictSummary{{vocab.DNSMismatch, vocab.FailureDNSMismatch, "", report.StatusFail}, {vocab.DNSOK, "", "", report.StatusPass}},
	},
	{
		name: "without --allow-net a public mismatch fails",
		ls: []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 52.1.2.3"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
		},
		want: []verdictSummary{{vocab.DNSMismatch, vocab.FailureDNSMismatch, "", report.StatusFail}, {vocab.DNSOK, "", "", report.StatusPass}},
	},
}

func TestJudgeHijackAndAllowNet(t *testing.T) {
	for _, tt := range hijackCases {
		t.Run(tt.name, func(t *testing.T) {
			var got []verdictSummary
			for _, v := range judgeName(tt.ls, tt.allow, tt.rw) {
				got = append(got, verdictSummary{v.Observed, v.Failure, v.Reason, v.Status})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHijackHints: the hints say what is known (a portal, a walled
// garden, split horizon) and never that the name does not exist.
func TestHijackHints(t *testing.T) {
	p, _ := NewDNS(DNSConfig{Names: []string{"zoom.us"}, Servers: []Server{resA, resRef}})
	tests := []struct {
		name  string
		ls    []*dnsLookup
		allow []netip.Prefix
		rw    rewriteSet
		want  []string
	}{
		{"hijacked", []*dnsLookup{replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 10 IN A 10.99.0.1")}, nil,
			rewriteSet{resA.Addr: {portal: true}}, []string{"10.99.0.1", "captive-portal", "walled garden", "cannot be known"}},
		{"empty beside hijacked", []*dnsLookup{
			replied("zoom.us", dns.TypeAAAA, resA, rcodeOK),
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 10 IN A 10.99.0.1"),
		}, nil, rewriteSet{resA.Addr: {portal: true}}, []string{"no AAAA", "10.99.0.1", "cannot be known"}},
		{"mismatch inside --allow-net", []*dnsLookup{
			replied("zoom.us", dns.TypeA, resA, rcodeOK, "zoom.us. 60 IN A 10.20.30.40"),
			replied("zoom.us", dns.TypeA, resRef, rcodeOK, "zoom.us. 60 IN A 170.114.52.2"),
		}, allow10, nil, []string{"10.20.30.40", "--allow-net", "split horizon", "170.114.52.2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := p.lookupResult(tt.ls[0], judgeName(tt.ls, tt.allow, tt.rw)[0])
			for _, w := range tt.want {
				if !strings.Contains(r.Hint, w) {
					t.Errorf("hint %q lacks %q", r.Hint, w)
				}
			}
			if strings.Contains(r.Hint, "does not exist for it") || strings.Contains(r.Hint, "the name exists") {
				t.Errorf("hint %q claims what nobody can know", r.Hint)
			}
		})
	}
}
