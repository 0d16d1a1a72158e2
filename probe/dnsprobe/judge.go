package dnsprobe

import (
	"net/netip"
	"sort"
	"strconv"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// rewriteSet maps a resolver to the addresses it gave for a name that does
// not exist (its NXDOMAIN rewrite, or the one address of a resolver that
// hijacks every name); absent when it rewrites nothing.
type rewriteSet map[netip.AddrPort]map[netip.Addr]bool

// judgeName judges every lookup of one name together: an answer made of
// what the resolver gives names that do not exist is hijacked, the empty
// type of a name that has the other one is normal, and answers are
// compared with the references' answers for the same name and type.
func judgeName(ls []*dnsLookup, allow []netip.Prefix, rw rewriteSet) []dnsVerdict {
	vs := make([]dnsVerdict, len(ls))
	for i, l := range ls {
		vs[i] = firstVerdict(l, allow)
		applyRewrite(&vs[i], rw[l.Server.Addr])
	}
	for i := range ls {
		applySibling(ls, vs, i)
		applyReference(ls, vs, i, allow)
		finishStatus(ls[i], &vs[i])
	}
	return vs
}

// firstVerdict judges one lookup alone: rcode or error, then bogons.
func firstVerdict(l *dnsLookup, allow []netip.Prefix) dnsVerdict {
	t := l.chosen()
	var v dnsVerdict
	v.Observed, v.Failure = observe(t, l.Type)
	if v.Observed == vocab.DNSError && t.TCPErr != nil {
		v.Reason = vocab.ReasonTCPFallbackFailed
	}
	if v.Observed == vocab.DNSOK && isAddressType(l.Type) {
		v.Addresses = addressesOf(t.Final.Reply)
		judgeBogons(&v, l.Name, allow)
	}
	return v
}

// applyRewrite marks an answer made only of the addresses the resolver
// gives names that do not exist as hijacked: the resolver said no
// NXDOMAIN, and the name's real answer cannot be known through it. It
// outranks the bogon judgement, since a captive portal's private address
// is neither a sinkhole nor a connector.
func applyRewrite(v *dnsVerdict, rw map[netip.Addr]bool) {
	if (v.Observed != vocab.DNSOK && v.Observed != vocab.DNSBogon) || !subsetOf(v.Addresses, rw) {
		return
	}
	v.Observed, v.Failure, v.Reason = vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite
	v.RewriteOf = addrStrings(v.Addresses)
}

// applySibling settles an empty address type: normal when the other
// address type of the same name at the same resolver has addresses; a
// failure, for the rewrite, when those addresses are hijacked.
func applySibling(ls []*dnsLookup, vs []dnsVerdict, i int) {
	if vs[i].Observed != vocab.DNSNoAnswer || !isAddressType(ls[i].Type) {
		return
	}
	for j, l := range ls {
		if j == i || l.Server.Addr != ls[i].Server.Addr || !isAddressType(l.Type) || !vs[j].hasAddresses() {
			continue
		}
		if vs[j].Observed == vocab.DNSHijacked {
			vs[i].Reason, vs[i].RewriteOf = vocab.ReasonNXDOMAINRewrite, vs[j].RewriteOf
			return
		}
		vs[i].Failure, vs[i].Reason, vs[i].Status = "", vocab.ReasonOtherTypeAnswered, report.StatusPass
		return
	}
	vs[i].Reason = vocab.ReasonNoAddressAtAll
}

// applyReference compares a resolver's addresses with those of the
// reference resolvers for the same name and type: none in common is a
// mismatch, a warning only when every address lies inside an --allow-net
// network (split horizon is the likely cause) or when both answers went
// through the same CNAME (a CDN hands out different edges to different
// resolvers). --allow-net exempts answers from bogon, not from this.
func applyReference(ls []*dnsLookup, vs []dnsVerdict, i int, allow []netip.Prefix) {
	l, v := ls[i], &vs[i]
	if l.Server.Role == RoleReference || v.Observed != vocab.DNSOK || !v.hasAddresses() {
		return
	}
	var refs []int
	for j, r := range ls {
		if r.Server.Role == RoleReference && r.Type == l.Type && vs[j].Observed == vocab.DNSOK && vs[j].hasAddresses() {
			refs = append(refs, j)
		}
	}
	if len(refs) == 0 {
		return
	}
	v.Compare = compareWith(ls, vs, i, refs)
	if len(v.Compare.Common) > 0 {
		return
	}
	v.Observed, v.Failure, v.Reason = vocab.DNSMismatch, vocab.FailureDNSMismatch, ""
	switch {
	case allInside(v.Addresses, allow):
		v.Reason, v.Status = vocab.ReasonAllowedNet, report.StatusWarn
	case v.Compare.SameCNAME:
		v.Reason, v.Status = vocab.ReasonCDNEdgeDiffers, report.StatusWarn
	}
}

// allInside reports whether as is non-empty and every address lies inside
// an --allow-net network.
func allInside(as []netip.Addr, allow []netip.Prefix) bool {
	for _, a := range as {
		if _, ok := allowedBy(a, allow); !ok {
			return false
		}
	}
	return len(as) > 0
}

func compareWith(ls []*dnsLookup, vs []dnsVerdict, i int, refs []int) *Comparison {
	c := &Comparison{Common: []string{}}
	mine := map[netip.Addr]bool{}
	for _, a := range vs[i].Addresses {
		mine[a] = true
	}
	myCNAMEs := cnameTargets(ls[i].chosen().Final.Reply)
	seen := map[netip.Addr]bool{}
	for _, j := range refs {
		c.References = append(c.References, serverLabel(ls[j].Server.Addr))
		for _, a := range vs[j].Addresses {
			if !seen[a] {
				seen[a] = true
				c.Addresses = append(c.Addresses, a.String())
				if mine[a] {
					c.Common = append(c.Common, a.String())
				}
			}
		}
		for n := range cnameTargets(ls[j].chosen().Final.Reply) {
			c.SameCNAME = c.SameCNAME || myCNAMEs[n]
		}
	}
	sort.Strings(c.Addresses)
	sort.Strings(c.Common)
	return c
}

// finishStatus gives the status the observed state implies, where the
// group rules left it open.
func finishStatus(l *dnsLookup, v *dnsVerdict) {
	if v.Status != "" {
		return
	}
	switch v.Observed {
	case vocab.DNSOK:
		v.Status = report.StatusPass
		warnOnEvidence(l.chosen(), v)
	default:
		v.Status = report.StatusFail
	}
}

// warnOnEvidence downgrades a good answer that came with signs of
// interference: a reply with a wrong id or from another address first, a
// malformed one, or a TCP retry that failed.
func warnOnEvidence(t dnsTry, v *dnsVerdict) {
	ev := evidence(t)
	switch {
	case t.TCPErr != nil:
		v.Failure, v.Reason = probe.Classify(t.TCPErr), vocab.ReasonTCPFallbackFailed
	case len(ev.WrongIDs) > 0:
		v.Failure, v.Reason = vocab.FailureDNSWrongQueryID, vocab.ReasonWrongIDSeen
	case len(ev.Strays) > 0:
		v.Failure, v.Reason = vocab.FailureDNSUnexpectedSource, vocab.ReasonUnexpectedSource
	case ev.Malformed > 0 || ev.WrongQuestion > 0:
		v.Failure, v.Reason = vocab.FailureDNSMalformedReply, vocab.ReasonMalformedSeen
	default:
		return
	}
	v.Status = report.StatusWarn
}

// serverLabel names a resolver in ids and text: the bare address on port
// 53, address and port otherwise.
func serverLabel(a netip.AddrPort) string {
	if a.Port() == DefaultPort {
		return a.Addr().String()
	}
	return a.String()
}

// typeString names a query type.
func typeString(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}
