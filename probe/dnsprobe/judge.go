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
// not exist (its NXDOMAIN rewrite); absent when it rewrites nothing.
type rewriteSet map[netip.AddrPort]map[netip.Addr]bool

// judgeName judges every lookup of one name together: the empty type of a
// name that has the other one is normal, and answers are compared with the
// references' answers for the same name and type.
func judgeName(ls []*dnsLookup, allow []netip.Prefix, rw rewriteSet) []dnsVerdict {
	vs := make([]dnsVerdict, len(ls))
	for i, l := range ls {
		vs[i] = firstVerdict(l, allow)
		applyRewrite(&vs[i], rw[l.Server.Addr])
	}
	for i := range ls {
		applySibling(ls, vs, i)
		applyReference(ls, vs, i)
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

// applyRewrite marks an answer made only of the resolver's NXDOMAIN rewrite
// addresses as the NXDOMAIN it stands for.
func applyRewrite(v *dnsVerdict, rw map[netip.Addr]bool) {
	if v.Observed != vocab.DNSOK || !subsetOf(v.Addresses, rw) {
		return
	}
	v.Observed, v.Failure, v.Reason = vocab.DNSNXDOMAIN, vocab.FailureDNSNXDOMAIN, vocab.ReasonNXDOMAINRewrite
	for _, a := range v.Addresses {
		v.RewriteOf = append(v.RewriteOf, a.String())
	}
}

// applySibling settles an empty address type: normal when the other
// address type of the same name at the same resolver has addresses.
func applySibling(ls []*dnsLookup, vs []dnsVerdict, i int) {
	if vs[i].Observed != vocab.DNSNoAnswer || !isAddressType(ls[i].Type) {
		return
	}
	for j, l := range ls {
		if j != i && l.Server.Addr == ls[i].Server.Addr && isAddressType(l.Type) && vs[j].hasAddresses() && vs[j].Observed != vocab.DNSNXDOMAIN {
			vs[i].Failure, vs[i].Reason, vs[i].Status = "", vocab.ReasonOtherTypeAnswered, report.StatusPass
			return
		}
	}
	vs[i].Reason = vocab.ReasonNoAddressAtAll
}

// applyReference compares a resolver's addresses with those of the
// reference resolvers for the same name and type: none in common is a
// mismatch, a warning only when both answers went through the same CNAME
// (a CDN hands out different edges to different resolvers).
func applyReference(ls []*dnsLookup, vs []dnsVerdict, i int) {
	l, v := ls[i], &vs[i]
	if l.Server.Role == RoleReference || v.Observed != vocab.DNSOK || !v.hasAddresses() || len(v.Allowed) > 0 {
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
	v.Observed, v.Failure = vocab.DNSMismatch, vocab.FailureDNSMismatch
	if v.Compare.SameCNAME {
		v.Reason, v.Status = vocab.ReasonCDNEdgeDiffers, report.StatusWarn
	}
}

func compareWith(ls []*dnsLookup, vs []dnsVerdict, i int, refs []int) *Comparison {
	c := &Comparison{}
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
