package probe

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/report"
)

// DNS observed states (DESIGN.md).
const (
	DNSOK       = "ok"
	DNSNXDOMAIN = "nxdomain"
	DNSNoAnswer = "no_answer"
	DNSServfail = "servfail"
	DNSRefused  = "refused"
	DNSTimeout  = "timeout"
	DNSBogon    = "bogon"
	DNSMismatch = "mismatch"
	DNSError    = "error"
)

// DNS reasons: why a result has its status when the observed state alone
// does not say.
const (
	ReasonOtherTypeAnswered  = "other_type_answered"    // empty type, the other address type has addresses
	ReasonNoAddressAtAll     = "no_address_of_any_type" // no address type has addresses
	ReasonNXDOMAINRewrite    = "nxdomain_rewrite"       // the answer is the resolver's NXDOMAIN rewrite
	ReasonTCPFallbackFailed  = "tcp_fallback_failed"    // truncated over UDP, TCP retry failed
	ReasonWrongIDSeen        = "wrong_query_id_seen"    // a reply with a wrong id came first
	ReasonUnexpectedSource   = "unexpected_source_seen" // a reply came from another address
	ReasonMalformedSeen      = "malformed_reply_seen"   // a reply did not parse
	ReasonAllowedNet         = "allowed_net"            // private answers inside --allow-net
	ReasonCDNEdgeDiffers     = "cdn_edge_differs"       // no address in common, same CNAME target
	ReasonNotMeasurable      = "not_measurable"         // an interception check got no usable answer
	ReasonNoReferenceAnswers = "no_reference_answers"   // references gave nothing to compare
)

// dnsVerdict is the judgement of one lookup.
type dnsVerdict struct {
	Observed string
	Failure  string // "" when none
	Reason   string
	Status   report.Status
	// Addresses are the A/AAAA answers of the chosen try.
	Addresses []netip.Addr
	Bogons    []DNSBogonAnswer
	Allowed   []string
	Compare   *DNSComparison
	// RewriteOf is the rewrite answer matched (ReasonNXDOMAINRewrite).
	RewriteOf []string
}

// observe gives the observed state and failure of a try from its reply or
// its error, before any comparison with other lookups.
func observe(t dnsTry, qtype uint16) (observed, failure string) {
	r := t.Final.Reply
	switch {
	case r != nil && t.TCPErr != nil && len(answersOf(r, qtype)) == 0:
		return DNSError, Classify(t.TCPErr)
	case r != nil:
		return rcodeObservation(r, qtype)
	}
	return errorObservation(t)
}

func rcodeObservation(r *dns.Msg, qtype uint16) (string, string) {
	switch r.Rcode {
	case dns.RcodeSuccess:
		if len(answersOf(r, qtype)) > 0 {
			return DNSOK, ""
		}
		return DNSNoAnswer, FailureDNSNoAnswer
	case dns.RcodeNameError:
		return DNSNXDOMAIN, FailureDNSNXDOMAIN
	case dns.RcodeServerFailure:
		return DNSServfail, FailureDNSServfail
	case dns.RcodeRefused:
		return DNSRefused, FailureDNSRefused
	}
	return DNSError, FailureUnknownPrefix + "dns rcode " + rcodeString(r.Rcode)
}

// errorObservation judges a try without a reply. A timeout during which
// the resolver's address sent a reply with the wrong id, or another address
// sent one, is named for that evidence: silence is not what happened.
func errorObservation(t dnsTry) (string, string) {
	f := Classify(t.Final.Err)
	if f != FailureTimeout {
		return DNSError, f
	}
	ev := evidence(t)
	switch {
	case len(ev.WrongIDs) > 0:
		return DNSError, FailureDNSWrongQueryID
	case len(ev.Strays) > 0:
		return DNSError, FailureDNSUnexpectedSource
	case ev.Malformed > 0 || ev.WrongQuestion > 0:
		return DNSError, FailureDNSMalformedReply
	}
	return DNSTimeout, FailureTimeout
}

// evidence sums the refused replies of every exchange of a try.
func evidence(t dnsTry) dnsExchange {
	var sum dnsExchange
	for _, ex := range t.Exchanges {
		sum.WrongIDs = append(sum.WrongIDs, ex.WrongIDs...)
		sum.Strays = append(sum.Strays, ex.Strays...)
		sum.Malformed += ex.Malformed
		sum.WrongQuestion += ex.WrongQuestion
	}
	return sum
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
	if v.Observed != DNSOK || !publicName(name) {
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
		v.Bogons = append(v.Bogons, DNSBogonAnswer{Address: a.String(), Kind: kind})
	}
	switch {
	case len(v.Bogons) > 0:
		v.Observed, v.Failure, v.Reason = DNSBogon, FailureDNSBogon, v.Bogons[0].Kind
	case len(v.Allowed) > 0:
		v.Reason = ReasonAllowedNet
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
