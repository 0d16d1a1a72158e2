package triage

import (
	"fmt"
	"sort"
	"strings"

	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func (e evidence) cloud(f report.Result) (string, []string) {
	what, comps := "an outage", ""
	if d := statusDetail(f); d != nil {
		if d.Description != "" {
			what = d.Description
		}
		comps = componentList(d.Components)
	}
	return fmt.Sprintf("Zoom's status page reports %s%s: the room's error may be Zoom's, not this network's.", what, comps),
		[]string{"Follow the incident on Zoom's status page before changing the network.", "Run triage again once Zoom reports all systems operational."}
}

func componentList(cs []status.ComponentState) string {
	var names []string
	for _, c := range cs {
		if c.Name != "" {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("%d more", len(names)-3))
	}
	return " (" + strings.Join(names, ", ") + ")"
}

func (e evidence) local(f report.Result) (string, []string) {
	switch f.Observed {
	case vocab.PathNeighborFailed:
		return e.neighborFailed(f)
	case vocab.TCPLocalDenied: // also vocab.PathLocalDenied: the same word
		return fmt.Sprintf("A firewall on this host refuses to send to %s TCP %d.", e.room, e.port),
			[]string{"Check the local firewall or endpoint-security software on this host."}
	}
	rt := ""
	if d := pathDetail(f); d != nil {
		rt = d.Route.Type
	} else if d := tcpDetail(f); d != nil {
		rt = d.RouteType
	}
	return fmt.Sprintf("This host has no usable route to %s (route type %s): the test cannot even leave this machine.", e.room, dashIfEmpty(rt)),
		[]string{"Fix this host's routing (a VPN's split-tunnel list, a stale static route, the interface's addressing) and run triage again."}
}

func (e evidence) neighborFailed(f report.Result) (string, []string) {
	gw, answers := "the gateway", false
	if d := pathDetail(f); d != nil && d.Gateway != nil {
		if d.Gateway.Address != "" {
			gw = "the gateway " + d.Gateway.Address
		}
		answers = d.Gateway.Reachable != nil && *d.Gateway.Reachable
	}
	if answers {
		return fmt.Sprintf("%s is on this subnet but does not answer ARP while %s does: Wi-Fi client isolation (AP hairpinning) or a wrong VLAN.", e.room, gw),
			[]string{"Allow client-to-client traffic (turn off client/peer isolation, or enable hairpinning) on the controller's SSID, or route controller and room through the gateway.",
				"Check the room's switch-port VLAN and IP address."}
	}
	return fmt.Sprintf("%s is on this subnet but does not answer ARP: the room is off or unplugged, on another VLAN, or has another address.", e.room),
		[]string{"Check that the room is powered and connected, and its IP address and VLAN."}
}

func (e evidence) transport(f report.Result) (string, []string) {
	port, _ := portOf(f)
	return fmt.Sprintf("%s is up but refuses TCP %d with a reset from the room itself: nothing listens there.", e.room, port),
		[]string{"Check that the Zoom Rooms app is running on the room computer and not stuck before sign-in.",
			"Check the room computer's own firewall for an inbound rule on that port."}
}

func (e evidence) dns(failed []report.Result) (string, []string) {
	first := failed[0]
	if first.Observed == vocab.TCPUnresolved && (first.Check == vocab.CheckTCP || first.Check == vocab.CheckPath) {
		return e.roomUnresolved(first)
	}
	groups := map[string][]string{}
	var order []string
	for _, f := range failed {
		key := string(f.Observed) + "@" + f.ReportedBy
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = appendUnique(groups[key], f.Target)
	}
	names := groups[string(first.Observed)+"@"+first.ReportedBy]
	sort.Strings(names)
	msg, steps := dnsStory(dashIfEmpty(first.ReportedBy), first.Observed, joinMax(names, 3))
	if len(order) > 1 {
		msg += fmt.Sprintf(" (%d more resolver or failure kinds in the results.)", len(order)-1)
	}
	return msg, steps
}

// roomUnresolved: the room's own name did not resolve.
func (e evidence) roomUnresolved(first report.Result) (string, []string) {
	name := strings.TrimSuffix(first.Target, fmt.Sprintf(":%d", e.port))
	why := ""
	if f := deref(first.Failure); f != "" {
		why = " (" + f + ")"
	}
	return fmt.Sprintf("The room's name %s does not resolve from here%s: the controller cannot find the room either.", name, why),
		[]string{"Check the name, the DNS search domain of this network, and the room's DNS record.", "Run dnscheck " + name + " to compare the resolvers."}
}

// dnsStory words one DNS failure kind and what to do about it.
func dnsStory(res string, observed vocab.Observed, names string) (string, []string) {
	policy := []string{"Check the DNS filtering policy (security category, blocklist, RPZ) and the forwarders of " + res + " for the Zoom domains.",
		"Compare with dnscheck --reference against a resolver you trust."}
	switch observed {
	case vocab.DNSBogon:
		return fmt.Sprintf("Resolver %s answers %s with a sinkhole or private address: DNS filtering blocks Zoom.", res, names), policy
	case vocab.DNSNXDOMAIN:
		return fmt.Sprintf("Resolver %s says %s does not exist (NXDOMAIN).", res, names), append(policy, "If every resolver says NXDOMAIN, the name itself is down: check www.zoomstatus.com.")
	case vocab.DNSMismatch:
		return fmt.Sprintf("Resolver %s answers %s with addresses no reference resolver gives: a rewriting or split-horizon resolver.", res, names), policy
	case vocab.DNSHijacked:
		return fmt.Sprintf("Resolver %s answers %s with the address it gives names that do not exist: captive-portal DNS, a walled garden or NXDOMAIN rewriting; the real answer cannot be known through it.", res, names),
			[]string{"Sign the room and controller in to the portal or exempt them from it (MAC bypass), or turn the DNS redirection off for the room VLAN.",
				"Hand out a resolver that answers the Zoom names truthfully (DHCP option 6)."}
	case vocab.DNSTimeout:
		return fmt.Sprintf("Resolver %s does not answer queries for %s.", res, names),
			[]string{"Check that UDP and TCP 53 to " + res + " are allowed from this network and that the resolver is up.", "Give the controller network a resolver it can reach (DHCP option 6)."}
	case vocab.DNSRefused:
		return fmt.Sprintf("Resolver %s refuses queries for %s from this network.", res, names),
			[]string{"Allow this subnet in the resolver's ACL (allow-query / recursion clients), or hand out a resolver that serves it."}
	}
	return fmt.Sprintf("Resolver %s fails to resolve %s (%s).", res, names, observed), policy
}

func (e evidence) proxy(f report.Result) (string, []string) {
	switch f.Check {
	case vocab.CheckCaptive:
		return fmt.Sprintf("A captive portal answers %s: this network needs a sign-in before anything reaches Zoom.", f.Target),
			[]string{"Sign the device in, or exempt the room and controller from the portal (MAC bypass)."}
	case vocab.CheckHTTP:
		return fmt.Sprintf("A transparent proxy rewrites HTTP on the way to %s.", f.Target),
			[]string{"Exempt the Zoom domains and ports from the web proxy."}
	}
	switch f.Observed {
	case vocab.ProxyDenied:
		code := "?"
		if d := proxyDetail(f); d != nil && d.Status != 0 {
			code = fmt.Sprint(d.Status)
		}
		return fmt.Sprintf("The proxy refuses CONNECT to %s (HTTP %s).", f.Target, code),
			[]string{"Allow CONNECT to the Zoom ports (443, 8801, 8802) on the proxy, or let the room reach them directly."}
	case vocab.ProxyAuthRequired:
		return fmt.Sprintf("The proxy demands authentication for %s: rooms and controllers cannot answer proxy authentication.", f.Target),
			[]string{"Exempt the room and controller from proxy authentication for the Zoom domains."}
	}
	return fmt.Sprintf("%s is blocked: neither a direct connection nor the proxy reaches it.", f.Target),
		[]string{"Permit TCP 443, 8801 and 8802 to the Zoom ranges on the firewall, or through the proxy."}
}

func (e evidence) tls(f report.Result) (string, []string) {
	d := tlsDetail(f)
	switch {
	case f.Observed == vocab.TLSIntercepted:
		who := ""
		if d != nil {
			who = d.Issuer
			if d.Vendor != nil && *d.Vendor != "" {
				who += " (" + *d.Vendor + ")"
			}
		}
		return fmt.Sprintf("TLS to %s is intercepted: the certificate is issued by %s, not by the roots Zoom chains to.", f.Target, dashIfEmpty(who)),
			[]string{"Add the Zoom domains to the TLS-inspection bypass list; Zoom clients pin their certificate roots."}
	case f.Observed == vocab.TLSBlocked:
		return e.tlsBlocked(f, d)
	}
	return fmt.Sprintf("The TLS handshake with %s fails (%s).", f.Target, dashIfEmpty(deref(f.Failure))),
		[]string{"Check the certificate the server presents (expiry, name, chain) and the clock of this host."}
}

// tlsBlocked words a handshake that was stopped, with the control that
// proved why: a small MSS that completes (an MTU black hole), another name
// to the same address that completes (an SNI filter), or neither.
func (e evidence) tlsBlocked(f report.Result, d *proxyprobe.TLSDetail) (string, []string) {
	switch f.Reason {
	case vocab.ReasonMTUBlackHole:
		size := ""
		if d != nil && d.MTUProbe != nil && d.MTUProbe.PacketBytes > 0 {
			size = fmt.Sprintf(" in packets of %d bytes (MSS %d)", d.MTUProbe.PacketBytes, d.MTUProbe.MSSTried)
		}
		return fmt.Sprintf("TLS to %s stalls after the TCP handshake but completes%s: an MTU black hole, a link with a smaller MTU whose ICMP fragmentation-needed messages are filtered%s.", f.Target, size, e.pathMTUText()),
			[]string{"Permit ICMP type 3 code 4 (ICMPv6 type 2, packet too big) through the firewalls on the path, or clamp the TCP MSS on the router in front of the small link.",
				"Check the MTU of tunnels and VPNs on the path (GRE, IPsec, PPPoE)."}
	case vocab.ReasonSNIFiltered:
		ctl := "another name"
		if d != nil && d.Control != nil && d.Control.Name != "" {
			ctl = d.Control.Name
		}
		return fmt.Sprintf("TLS to %s is stopped right after the ClientHello, while a handshake naming %s to the same address and port completes: a filter blocks the Zoom name (SNI filtering by a URL-category or application policy).", f.Target, ctl),
			[]string{"Allow the Zoom domains in the web filter's URL categories or application rules."}
	}
	how := "resets"
	if f.Reason == vocab.ReasonHandshakeTimeout {
		how = "drops"
	}
	return fmt.Sprintf("A device %s the TLS handshake with %s after the TCP connection opened (%s), whatever the name; no control handshake completed.", how, f.Target, dashIfEmpty(deref(f.Failure))),
		[]string{"Find the firewall or IPS that stops TLS to the Zoom addresses and permit TCP 443, 8801 and 8802 to the Zoom ranges."}
}

// pathMTUText names what the path check measured of the path MTU.
func (e evidence) pathMTUText() string {
	for _, r := range e.all {
		if d := pathDetail(r); d != nil && d.MTU.BlackHole != nil {
			return fmt.Sprintf(" (toward the room too, %d-byte datagrams vanish while %d-byte ones arrive)", d.MTU.BlackHole.Lost, d.MTU.BlackHole.Reached)
		}
	}
	return ""
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func joinMax(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
	}
	return strings.Join(s, ", ")
}
