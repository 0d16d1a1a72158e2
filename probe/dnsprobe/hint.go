package dnsprobe

import (
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

// dnsHint is the sentence a network engineer can act on for a lookup that
// is not a plain pass; "" otherwise.
func dnsHint(l *dnsLookup, v dnsVerdict, cfg DNSConfig) string {
	res := l.Server.Addr.Addr().String()
	name := l.Name
	if h := evidenceHint(l, v, res); h != "" {
		return h
	}
	switch v.Observed {
	case vocab.DNSNXDOMAIN:
		return nxdomainHint(res, name)
	case vocab.DNSHijacked:
		return fmt.Sprintf("%s answers %s with %s, the same address it gives names that do not exist: captive-portal DNS (guest Wi-Fi), a walled garden or NXDOMAIN rewriting, and the real answer cannot be known through it. Sign in to the portal or exempt the room from it (MAC bypass), or turn the redirection off for the room VLAN; then compare with a reference resolver (--reference).", res, name, strings.Join(v.RewriteOf, ", "))
	case vocab.DNSNoAnswer:
		switch v.Reason {
		case vocab.ReasonOtherTypeAnswered:
			return ""
		case vocab.ReasonNXDOMAINRewrite:
			return fmt.Sprintf("%s has no %s record for %s, and its %s answer (%s) is the address it gives names that do not exist (captive-portal DNS, a walled garden, NXDOMAIN rewriting): the real answer cannot be known through this resolver.", res, typeString(l.Type), name, otherAddressType(l.Type), strings.Join(v.RewriteOf, ", "))
		}
		return fmt.Sprintf("%s has no %s record for %s and no other address either: the name exists but has no address here; compare with a reference resolver (--reference), and check split-horizon zones for %s on %s.", res, typeString(l.Type), name, zoneOf(name), res)
	case vocab.DNSServfail:
		return fmt.Sprintf("%s could not resolve %s (SERVFAIL): usually DNSSEC validation failing or the authoritative servers unreachable from the resolver; check its forwarders and its own outbound UDP and TCP 53.", res, name)
	case vocab.DNSRefused:
		return fmt.Sprintf("%s refused to resolve for this host (REFUSED): its ACL (allow-recursion/allow-query) does not cover this network; add this VLAN's subnet or hand out another resolver by DHCP.", res)
	case vocab.DNSTimeout:
		return fmt.Sprintf("No reply from %s in %d attempt(s) of %s: check that %s 53 to %s is allowed from this network and that the resolver is up; when every name times out on it, the path is at fault, not the names.", res, cfg.Attempts, cfg.Timeout.Round(time.Millisecond), transportName(cfg.TCP), res)
	case vocab.DNSBogon:
		return bogonHint(v, res, name)
	case vocab.DNSMismatch:
		return mismatchHint(v, res, name)
	case vocab.DNSError:
		return errorHint(v, res)
	}
	return ""
}

func nxdomainHint(res, name string) string {
	return fmt.Sprintf("%s says %s does not exist (NXDOMAIN). If a reference resolver resolves it, look at %s's policy: a blocklist, an RPZ or filter category, or a split-horizon zone for %s; if every resolver says NXDOMAIN, the name itself is down (zoom.us went NXDOMAIN on 2025-04-16: check www.zoomstatus.com).", res, name, res, zoneOf(name))
}

func bogonHint(v dnsVerdict, res, name string) string {
	addrs := make([]string, 0, len(v.Bogons))
	for _, b := range v.Bogons {
		addrs = append(addrs, b.Address+" ("+string(b.Kind)+")")
	}
	what := "a DNS filter sinkhole or a stale split-horizon record"
	if v.Bogons[0].Kind == vocab.ReasonBogonUnspecified {
		what = "the signature of a DNS filter sinkholing the name"
	}
	return fmt.Sprintf("%s answers the public name %s with %s: %s. Look at the resolver's blocklist, RPZ or DNS-security category for %s and allow the Zoom domains; if the address is an on-premises connector, pass --allow-net for its network.", res, name, strings.Join(addrs, ", "), what, zoneOf(name))
}

func mismatchHint(v dnsVerdict, res, name string) string {
	if v.Reason == vocab.ReasonAllowedNet {
		return fmt.Sprintf("%s's addresses for %s (%s) lie inside --allow-net but share none with the reference resolvers (%s: %s): split horizon is the likely cause; check that the internal view of %s is meant for this VLAN and is current.", res, name, joinAddrs(v.Addresses), strings.Join(v.Compare.References, ", "), strings.Join(v.Compare.Addresses, ", "), zoneOf(name))
	}
	if v.Reason == vocab.ReasonCDNEdgeDiffers {
		return fmt.Sprintf("%s and the reference resolvers (%s) give %s different addresses through the same CNAME: a CDN choosing edges by resolver location, usually harmless.", res, strings.Join(v.Compare.References, ", "), name)
	}
	return fmt.Sprintf("%s's addresses for %s share none with the reference resolvers (%s: %s): a split-horizon view, a redirect or a stale record; compare with Zoom's published ranges (assets.zoom.us/docs/ipranges) and the resolver's zones for %s.", res, name, strings.Join(v.Compare.References, ", "), strings.Join(v.Compare.Addresses, ", "), zoneOf(name))
}

// evidenceHint explains replies refused on the way, which matter more than
// the final state.
func evidenceHint(l *dnsLookup, v dnsVerdict, res string) string {
	t := l.chosen()
	ev := evidence(t)
	switch {
	case v.Failure == vocab.FailureDNSWrongQueryID:
		return fmt.Sprintf("%s sent replies with the wrong query id (%d seen): a middlebox rewriting DNS (a NAT or DNS ALG) or an off-path spoofing attempt; capture on the uplink and look for a DNS inspection feature.", res, ev.WrongIDCount)
	case v.Failure == vocab.FailureDNSUnexpectedSource:
		return fmt.Sprintf("Replies to queries sent to %s came from %s: a transparent DNS interceptor or a multi-homed resolver answering from another address; look for DNS redirection on the firewall (DNAT of port 53) or the resolver's listen/source settings.", res, strayList(ev))
	case v.Reason == vocab.ReasonTCPFallbackFailed:
		return fmt.Sprintf("The reply from %s was truncated and the retry over TCP failed (%s): allow TCP 53 to the resolver; large answers (DNSSEC, many records) need it.", res, probe.Classify(t.TCPErr))
	case v.Failure == vocab.FailureDNSMalformedReply:
		return fmt.Sprintf("%s sent replies that did not parse, were cut short or answered another question (detail.reply_note): a broken middlebox or resolver; capture the exchange on port 53.", res)
	}
	return ""
}

func errorHint(v dnsVerdict, res string) string {
	switch v.Failure {
	case vocab.FailureConnectionRefused:
		return fmt.Sprintf("%s rejected the query (port unreachable or TCP reset): nothing serves DNS at this address; it may not be a resolver, or its service is down.", res)
	case vocab.FailureHostUnreachable, vocab.FailureNetworkUnreachable:
		return fmt.Sprintf("%s is unreachable from here (%s): a routing gap or a firewall rejecting traffic to it; run pathcheck toward %s.", res, v.Failure, res)
	}
	return fmt.Sprintf("The query to %s failed (%s).", res, v.Failure)
}

// transportName names the transport of the queries in a hint.
func transportName(tcp bool) string {
	if tcp {
		return "TCP"
	}
	return "UDP"
}

// otherAddressType names the address type that is not t.
func otherAddressType(t uint16) string {
	if t == dns.TypeA {
		return "AAAA"
	}
	return "A"
}

func strayList(ev dnsExchange) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ev.Strays {
		if k := s.String(); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}

// zoneOf is the registrable-looking part of a name (its last two labels),
// good enough to name the policy to look at.
func zoneOf(name string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) <= 2 {
		return strings.Join(labels, ".")
	}
	return strings.Join(labels[len(labels)-2:], ".")
}
