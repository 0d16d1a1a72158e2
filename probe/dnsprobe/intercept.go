package dnsprobe

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// dnsInterception is the pair of interception checks of one resolver.
type dnsInterception struct {
	// NX asks a random label under NXZone for A: an address back means
	// the resolver rewrites NXDOMAIN, or answers every name (a captive
	// portal). Nil when the check is off.
	NX *dnsLookup
	// NX6 asks the same name for AAAA, so that a hijacking resolver's
	// IPv6 answer is known too; it is folded into NX's result, never
	// reported alone. Nil when the check is off.
	NX6 *dnsLookup
	// Whoami asks the configured whoami name: the answer is the address
	// the authoritative servers saw asking. Nil when the check is off.
	Whoami *dnsLookup
}

// randomLabel returns a label no zone has: "rp-nx-" and 12 random
// characters.
func randomLabel() string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte("rp-nx-")
	for i := 0; i < 12; i++ {
		b = append(b, chars[rand.IntN(len(chars))])
	}
	return string(b)
}

// planInterception builds the checks of one resolver; names are asked as
// absolute names, whatever the search list.
func (p *DNS) planInterception(s Server) *dnsInterception {
	s.Search = nil
	ic := &dnsInterception{}
	if p.cfg.NXZone != "" {
		name := p.random() + "." + strings.TrimSuffix(p.cfg.NXZone, ".")
		ic.NX = &dnsLookup{Name: name, Type: dns.TypeA, Server: s}
		ic.NX6 = &dnsLookup{Name: name, Type: dns.TypeAAAA, Server: s}
	}
	if p.cfg.Whoami != "" {
		ic.Whoami = &dnsLookup{Name: strings.TrimSuffix(p.cfg.Whoami, "."), Type: p.cfg.WhoamiType, Server: s}
	}
	return ic
}

// lookups lists the checks of ic that are on.
func (ic *dnsInterception) lookups() []*dnsLookup {
	var out []*dnsLookup
	for _, l := range []*dnsLookup{ic.NX, ic.NX6, ic.Whoami} {
		if l != nil {
			out = append(out, l)
		}
	}
	return out
}

// nxAddresses returns the addresses the random name got, A then AAAA;
// lookups cut short or without addresses add none.
func (ic *dnsInterception) nxAddresses() []netip.Addr {
	var out []netip.Addr
	for _, l := range []*dnsLookup{ic.NX, ic.NX6} {
		if l == nil || l.Cut {
			continue
		}
		if obs, _ := observe(l.chosen(), l.Type); obs == vocab.DNSOK {
			out = append(out, addressesOf(l.chosen().Final.Reply)...)
		}
	}
	return out
}

// rewrites gathers, per resolver, the addresses it gave for a name that
// does not exist.
func rewrites(ics []*dnsInterception) rewriteSet {
	rw := rewriteSet{}
	for _, ic := range ics {
		as := ic.nxAddresses()
		if len(as) == 0 {
			continue
		}
		set := map[netip.Addr]bool{}
		for _, a := range as {
			set[a] = true
		}
		rw[ic.NX.Server.Addr] = set
	}
	return rw
}

// nxResult reports the NXDOMAIN rewrite check of one resolver. The A
// lookup of the random name stands for it, unless only the AAAA one got
// addresses; every address the name got is listed.
func (p *DNS) nxResult(ic *dnsInterception) report.Result {
	l := ic.NX
	as := ic.nxAddresses()
	if len(addressesOf(l.chosen().Final.Reply)) == 0 && len(as) > 0 {
		l = ic.NX6
	}
	v := dnsVerdict{}
	v.Observed, v.Failure = observe(l.chosen(), l.Type)
	switch {
	case len(as) > 0:
		v.Status, v.Failure, v.Reason = report.StatusWarn, vocab.FailureDNSNXDOMAINRewrite, vocab.ReasonNXDOMAINRewrite
		v.Addresses = as
		v.RewriteOf = addrStrings(as)
	case v.Observed == vocab.DNSNXDOMAIN, v.Observed == vocab.DNSNoAnswer:
		v.Status, v.Failure = report.StatusPass, ""
	default:
		v.Status, v.Failure, v.Reason = report.StatusSkip, "", vocab.ReasonNotMeasurable
	}
	r := p.lookupResult(l, v)
	r.ID, r.Expect = "dns/nxdomain-rewrite@"+serverLabel(l.Server.Addr), string(vocab.DNSNXDOMAIN)
	r.Hint = ""
	if v.Status == report.StatusWarn {
		r.Hint = fmt.Sprintf("%s answers a name that does not exist (%s) with %s: it rewrites NXDOMAIN (ISP 'search assist', a filter's block page) or answers every name itself (captive-portal DNS on guest Wi-Fi, a walled garden). Names answered with that address are reported as hijacked: their real answer cannot be known through this resolver. Sign in to or bypass the portal, or turn the redirection off for the room VLAN.", l.Server.Addr.Addr(), l.Name, joinAddrs(v.Addresses))
	}
	return r
}

// whoamiResult reports which address really resolves for one resolver;
// rw is the resolver's answer for a name that does not exist, and a whoami
// answer made of it says nothing about the egress.
func (p *DNS) whoamiResult(l *dnsLookup, rw map[netip.Addr]bool) report.Result {
	v := dnsVerdict{}
	v.Observed, v.Failure = observe(l.chosen(), l.Type)
	egress := whoamiEgress(l.chosen().Final.Reply, l.Type)
	hijacked := isAddressType(l.Type) && subsetOf(addressesOf(l.chosen().Final.Reply), rw)
	switch {
	case v.Observed == vocab.DNSOK && hijacked:
		v.Observed, v.Status, v.Failure, v.Reason = vocab.DNSHijacked, report.StatusSkip, "", vocab.ReasonNotMeasurable
		v.RewriteOf = egress
	case v.Observed == vocab.DNSOK && len(egress) > 0:
		v.Status, v.Reason = report.StatusPass, vocab.ReasonEgressDiffers
		if len(egress) == 1 && egress[0] == l.Server.Addr.Addr().String() {
			v.Reason = vocab.ReasonEgressSame
		}
	default:
		v.Status, v.Failure, v.Reason = report.StatusSkip, "", vocab.ReasonNotMeasurable
	}
	r := p.lookupResult(l, v)
	r.ID, r.Hint = "dns/whoami@"+serverLabel(l.Server.Addr), ""
	if hijacked && v.Observed == vocab.DNSHijacked {
		r.Hint = fmt.Sprintf("%s answers %s with %s, the address it gives names that do not exist: the egress cannot be known through it.", l.Server.Addr.Addr(), l.Name, strings.Join(egress, ", "))
	}
	r.Detail = &WhoamiDetail{Detail: r.Detail.(*Detail), Egress: egress}
	return r
}

// whoamiEgress reads the egress address from a whoami answer: the
// addresses of an A/AAAA answer, or the strings of a TXT one.
func whoamiEgress(r *dns.Msg, qtype uint16) []string {
	out := []string{}
	if r == nil {
		return out
	}
	if isAddressType(qtype) {
		for _, a := range addressesOf(r) {
			out = append(out, a.String())
		}
		return out
	}
	for _, rr := range answersOf(r, qtype) {
		if t, ok := rr.(*dns.TXT); ok {
			out = append(out, strings.Join(t.Txt, ""))
		}
	}
	return out
}

func joinAddrs(as []netip.Addr) string { return strings.Join(addrStrings(as), ", ") }

func addrStrings(as []netip.Addr) []string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return s
}
