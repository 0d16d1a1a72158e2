package pathprobe

import (
	"fmt"
	"strings"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// hint says, in one or two sentences, what the result means and what to do
// about it; empty for a plain pass.
func hint(e evidence, v verdict) string {
	switch v.observed {
	case vocab.PathReached:
		return reachedHint(e, v)
	case vocab.PathResetByMiddlebox:
		return forgedHint(e, v)
	case vocab.PathRejected, vocab.PathUnreachable:
		return rejectHint(e, v)
	case vocab.PathNeighborFailed:
		return neighborHint(e)
	case vocab.PathDropped:
		return dropHint(e)
	case vocab.PathNoRoute:
		return fmt.Sprintf("This host's routing table has no usable route to %s (route type %s): fix the local route, the VPN's split-tunnel list or the interface addressing before testing further.", e.target, e.route.Type)
	case vocab.PathMaxHops:
		return maxHopsHint(e)
	case vocab.PathLocalDenied:
		return fmt.Sprintf("A firewall on this host refused to send to %s TCP %d: check the local firewall (nftables/iptables, endpoint-security software).", e.target, e.port)
	}
	if v.status == report.StatusError {
		return "The path check could not be run: " + string(v.failure) + "."
	}
	return ""
}

func reachedHint(e evidence, v verdict) string {
	var parts []string
	if v.reason == vocab.ReasonConnRefused {
		parts = append(parts, resetHint(e, v))
	}
	if e.route.Tunnel {
		parts = append(parts, fmt.Sprintf("The route to %s goes through %s (%s), a tunnel or VPN: this test shows the tunnel's path, not the controller's network; run pathcheck from the controller's network with the VPN off or split-tunnelled.", e.target, e.route.Interface, e.route.InterfaceKind))
	}
	return strings.Join(parts, " ")
}

func resetHint(e evidence, v verdict) string {
	ttl := e.trace.Summary.Terminal.TTL
	if v.resetHop != nil {
		return fmt.Sprintf("The reset came from %s itself (hop %d by its IP TTL, the TTL the SYN needed): the path works but nothing listens on TCP %d; start the Zoom Rooms app or check the room's own firewall.", e.target, *v.resetHop, e.port)
	}
	return fmt.Sprintf("%s answered TCP %d with a reset at TTL %d: the path works but nothing listens there (the Zoom Rooms app is not running), unless a firewall forges resets in its name; its sender was not located: %s.", e.target, e.port, ttl, e.trace.ResetNote)
}

func forgedHint(e evidence, v verdict) string {
	r := e.trace.Reset
	who := fmt.Sprintf("hop %d", *v.resetHop)
	if v.reportedBy != "" {
		who += " (" + v.reportedBy + ")"
	}
	return fmt.Sprintf("A TCP reset in %s's name came from %s, judging by its IP TTL (%d, from an initial %d), while the room is at least %d hops away (SYNs with a lower TTL expired on the way): a firewall at %s denies TCP %d with a forged reset. Ask for a permit for TCP %d to %s on that device.",
		e.target, who, r.TTL, r.InitialTTL, e.trace.Summary.Terminal.TTL, who, e.port, e.port, e.target)
}

func rejectHint(e evidence, v verdict) string {
	t := e.trace.Summary.Terminal
	by := dash(v.reportedBy)
	if v.rejectHop != nil {
		by = fmt.Sprintf("%s (hop %d)", by, *v.rejectHop)
	}
	msg := ""
	if t.ICMP != nil {
		msg = " with " + t.ICMP.String()
	}
	switch v.reason {
	case vocab.ReasonAdminProhibited:
		return fmt.Sprintf("%s rejected TCP %d to %s%s (administratively prohibited): an ACL or firewall on that device refuses it; ask for a permit from %s to %s TCP %d there.", by, e.port, e.target, msg, source(e), e.target, e.port)
	case vocab.ReasonPortUnreach:
		return fmt.Sprintf("%s answered TCP %d to %s%s (port unreachable): a firewall rule that rejects refuses this port on that device.", by, e.port, e.target, msg)
	case vocab.ReasonNetUnreach:
		return fmt.Sprintf("%s reports network unreachable%s: it has no route to %s; add or redistribute the route to the room's subnet on that router.", by, paren(t.ICMP), e.target)
	case vocab.ReasonHostUnreach:
		return fmt.Sprintf("%s reports host unreachable%s: it has a route toward %s but the host does not answer ARP/ND there; the room is off, unplugged, on another VLAN, or has another address.", by, paren(t.ICMP), e.target)
	}
	return fmt.Sprintf("%s refused TCP %d to %s%s.", by, e.port, e.target, msg)
}

// neighborHint separates Wi-Fi client isolation (the room fails ARP while
// the gateway answers) from a dead room and from a dead link.
func neighborHint(e evidence) string {
	proto := "ARP"
	if e.target.Is6() {
		proto = "neighbour discovery"
	}
	iface := ifaceName(e.route)
	g := e.gateway
	switch {
	case !e.route.OnLink && g != nil:
		return fmt.Sprintf("The gateway %s on %s does not answer %s: this host's link is down, on the wrong VLAN, or the gateway is off.", g.Address, iface, proto)
	case g != nil && g.Reachable != nil && *g.Reachable:
		return fmt.Sprintf("%s is on this host's subnet (%s) but does not answer %s, while the gateway %s does: the signature of Wi-Fi client isolation (the AP does not hairpin traffic between its clients) or of the room on another VLAN with the same subnet. Allow client-to-client traffic for the controller and the room on that SSID, or check the room's VLAN.", e.target, iface, proto, g.Address)
	case g != nil && g.Reachable != nil:
		return fmt.Sprintf("Neither %s nor the gateway %s answers %s on %s: this host's link is down, isolated, or on the wrong VLAN.", e.target, g.Address, proto, iface)
	}
	return fmt.Sprintf("%s is on this host's subnet (%s) but does not answer %s: the room is off or unplugged, has another address, or sits on another VLAN (with no gateway to compare, client isolation cannot be told apart).", e.target, iface, proto)
}

// dropHint words a silent drop: toward an on-link room a router answers
// for (proxy ARP), after the last hop that answered (placed by the
// control trace where it can be), or with nothing answering.
func dropHint(e evidence) string {
	s := e.trace.Summary
	if e.proxyARP != nil {
		return proxyARPHint(e)
	}
	if s.LastHop != nil {
		return lastHopDropHint(e)
	}
	if e.route.OnLink && e.neighbor != nil && e.neighbor.Resolved() {
		return fmt.Sprintf("%s answers ARP/ND (%s) but nothing answers TCP %d: a firewall on the room itself drops it (or a filter on the switch port or AP between, which looks the same from here). Check the room's inbound firewall rules for Zoom Rooms (TCP %d).", e.target, e.neighbor.State, e.port, e.port)
	}
	if e.trace.Mode == netpath.TraceModeConnect {
		return fmt.Sprintf("No TTL reached %s on TCP %d within %s; this platform does not show which routers answered, so the point where it dies is unknown: a firewall on the path drops it.", e.target, e.port, e.timeout)
	}
	return fmt.Sprintf("Nothing answered, not even the first hop%s: the first router drops TCP %d or sends no ICMP time exceeded, or the link is down.", gatewaySuffix(e.gateway), e.port)
}

func maxHopsHint(e evidence) string {
	if e.trace.Summary.Loop {
		return fmt.Sprintf("TCP %d toward %s still expired in transit at hop %d and the hops repeat: a routing loop between those routers.", e.port, e.target, e.maxHops)
	}
	return fmt.Sprintf("TCP %d toward %s still expired in transit at hop %d: the path is longer than --max-hops %d, or loops; raise --max-hops.", e.port, e.target, e.maxHops, e.maxHops)
}

func paren(m *netpath.HopICMP) string {
	if m == nil {
		return ""
	}
	return " (" + m.String() + ")"
}

func gatewaySuffix(g *Gateway) string {
	if g == nil {
		return ""
	}
	return " (the gateway " + g.Address + ")"
}

// source names this host's side for permit requests.
func source(e evidence) string {
	if e.route.Source != "" {
		return e.route.Source
	}
	return "this subnet"
}

func ifaceName(r netpath.Route) string {
	if r.Interface == "" {
		return "its interface"
	}
	if r.InterfaceKind != "" {
		return r.Interface + ", " + r.InterfaceKind
	}
	return r.Interface
}

func dash(s string) string {
	if s == "" {
		return "a router"
	}
	return s
}
