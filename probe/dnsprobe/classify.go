package dnsprobe

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// dnsVerdict is the judgement of one lookup.
type dnsVerdict struct {
	Observed vocab.Observed
	Failure  vocab.Failure // "" when none
	Reason   vocab.Reason
	Status   report.Status
	// Addresses are the A/AAAA answers of the chosen try.
	Addresses []netip.Addr
	Bogons    []BogonAnswer
	Allowed   []string
	Compare   *Comparison
	// RewriteOf is the rewrite answer matched (vocab.ReasonNXDOMAINRewrite):
	// this answer's, or the other address type's for an empty type.
	RewriteOf []string
}

// observe gives the observed state and failure of a try from its reply or
// its error, before any comparison with other lookups.
func observe(t dnsTry, qtype uint16) (observed vocab.Observed, failure vocab.Failure) {
	r := t.Final.Reply
	switch {
	case r != nil && t.TCPErr != nil && len(answersOf(r, qtype)) == 0:
		return vocab.DNSError, probe.Classify(t.TCPErr)
	case r != nil:
		return rcodeObservation(r, qtype)
	}
	return errorObservation(t)
}

func rcodeObservation(r *dns.Msg, qtype uint16) (vocab.Observed, vocab.Failure) {
	switch r.Rcode {
	case dns.RcodeSuccess:
		if len(answersOf(r, qtype)) > 0 {
			return vocab.DNSOK, ""
		}
		return vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer
	case dns.RcodeNameError:
		return vocab.DNSNXDOMAIN, vocab.FailureDNSNXDOMAIN
	case dns.RcodeServerFailure:
		return vocab.DNSServfail, vocab.FailureDNSServfail
	case dns.RcodeRefused:
		return vocab.DNSRefused, vocab.FailureDNSRefused
	}
	return vocab.DNSError, vocab.Unknown("dns rcode " + rcodeString(r.Rcode))
}

// errorObservation judges a try without a reply. A timeout during which
// the resolver's address sent a reply with the wrong id, or another address
// sent one, is named for that evidence: silence is not what happened.
func errorObservation(t dnsTry) (vocab.Observed, vocab.Failure) {
	f := probe.Classify(t.Final.Err)
	if f != vocab.FailureTimeout {
		return vocab.DNSError, f
	}
	ev := evidence(t)
	switch {
	case len(ev.WrongIDs) > 0:
		return vocab.DNSError, vocab.FailureDNSWrongQueryID
	case len(ev.Strays) > 0:
		return vocab.DNSError, vocab.FailureDNSUnexpectedSource
	case ev.Malformed > 0 || ev.WrongQuestion > 0:
		return vocab.DNSError, vocab.FailureDNSMalformedReply
	}
	return vocab.DNSTimeout, vocab.FailureTimeout
}

func rcodeString(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rc)
}

// addressesOf returns the A and AAAA answers of r.
func addressesOf(r *dns.Msg) []netip.Addr {
	var out []netip.Addr
	if r == nil {
		return nil
	}
	for _, rr := range r.Answer {
		switch v := rr.(type) {
		case *dns.A:
			if a, ok := netip.AddrFromSlice(v.A.To4()); ok {
				out = append(out, a)
			}
		case *dns.AAAA:
			if a, ok := netip.AddrFromSlice(v.AAAA.To16()); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// judgeBogons turns an ok answer with bogon addresses into a bogon
// verdict, unless every bogon lies inside an --allow-net network.
func judgeBogons(v *dnsVerdict, name string, allow []netip.Prefix) {
	if v.Observed != vocab.DNSOK || !publicName(name) {
		return
	}
	for _, a := range v.Addresses {
		kind := BogonKind(a)
		if kind == "" {
			continue
		}
		if p, ok := allowedBy(a, allow); ok {
			v.Allowed = append(v.Allowed, a.String()+" in "+p.String())
			continue
		}
		v.Bogons = append(v.Bogons, BogonAnswer{Address: a.String(), Kind: kind})
	}
	switch {
	case len(v.Bogons) > 0:
		v.Observed, v.Failure, v.Reason = vocab.DNSBogon, vocab.FailureDNSBogon, v.Bogons[0].Kind
	case len(v.Allowed) > 0:
		v.Reason = vocab.ReasonAllowedNet
	}
}

// isAddressType reports whether t is A or AAAA.
func isAddressType(t uint16) bool { return t == dns.TypeA || t == dns.TypeAAAA }

// hasAddresses is true for a verdict whose lookup got addresses, whatever
// was then thought of them.
func (v *dnsVerdict) hasAddresses() bool { return len(v.Addresses) > 0 }

// subsetOf reports whether a is non-empty and every address of a is in set.
func subsetOf(a []netip.Addr, set map[netip.Addr]bool) bool {
	if len(a) == 0 {
		return false
	}
	for _, x := range a {
		if !set[x] {
			return false
		}
	}
	return true
}

// cnameTargets returns the lower-cased owner names of the CNAME chain and
// its final target.
func cnameTargets(r *dns.Msg) map[string]bool {
	out := map[string]bool{}
	if r == nil {
		return out
	}
	for _, rr := range r.Answer {
		if c, ok := rr.(*dns.CNAME); ok {
			out[strings.ToLower(c.Target)] = true
		}
	}
	return out
}
