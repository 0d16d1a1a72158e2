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
	// NX asks a random label under NXZone: an address back means the
	// resolver rewrites NXDOMAIN. Nil when the check is off.
	NX *dnsLookup
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
		ic.NX = &dnsLookup{Name: p.random() + "." + strings.TrimSuffix(p.cfg.NXZone, "."), Type: dns.TypeA, Server: s}
	}
	if p.cfg.Whoami != "" {
		ic.Whoami = &dnsLookup{Name: strings.TrimSuffix(p.cfg.Whoami, "."), Type: p.cfg.WhoamiType, Server: s}
	}
	return ic
}

// rewrites gathers, per resolver, the addresses it gave for a name that
// does not exist.
func rewrites(ics []*dnsInterception) rewriteSet {
	rw := rewriteSet{}
	for _, ic := range ics {
		if ic.NX == nil || ic.NX.Cut {
			continue
		}
		if obs, _ := observe(ic.NX.chosen(), dns.TypeA); obs != vocab.DNSOK {
			continue
		}
		set := map[netip.Addr]bool{}
		for _, a := range addressesOf(ic.NX.chosen().Final.Reply) {
			set[a] = true
		}
		rw[ic.NX.Server.Addr] = set
	}
	return rw
}

// nxResult reports the NXDOMAIN rewrite check of one resolver.
func (p *DNS) nxResult(l *dnsLookup) report.Result {
	v := dnsVerdict{}
	v.Observed, v.Failure = observe(l.chosen(), l.Type)
	switch v.Observed {
	case vocab.DNSNXDOMAIN, vocab.DNSNoAnswer:
		v.Status, v.Failure = report.StatusPass, ""
	case vocab.DNSOK:
		v.Status, v.Failure, v.Reason = report.StatusWarn, vocab.FailureDNSNXDOMAINRewrite, vocab.ReasonNXDOMAINRewrite
		v.Addresses = addressesOf(l.chosen().Final.Reply)
	default:
		v.Status, v.Failure, v.Reason = report.StatusSkip, "", vocab.ReasonNotMeasurable
	}
	r := p.lookupResult(l, v)
	r.ID, r.Expect = "dns/nxdomain-rewrite@"+serverLabel(l.Server.Addr), string(vocab.DNSNXDOMAIN)
	r.Hint = ""
	if v.Status == report.StatusWarn {
		r.Hint = fmt.Sprintf("%s answers a name that does not exist (%s) with %s: it rewrites NXDOMAIN (ISP 'search assist' or a filter's block page). A Zoom name that goes NXDOMAIN, as zoom.us did on 2025-04-16, then looks like a connection failure to that address; turn the redirection off for the room VLAN.", l.Server.Addr.Addr(), l.Name, joinAddrs(v.Addresses))
	}
	return r
}

// whoamiResult reports which address really resolves for one resolver.
func (p *DNS) whoamiResult(l *dnsLookup) report.Result {
	v := dnsVerdict{}
	v.Observed, v.Failure = observe(l.chosen(), l.Type)
	egress := whoamiEgress(l.chosen().Final.Reply, l.Type)
	switch {
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

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
