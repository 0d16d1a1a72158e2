package pathprobe

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/roompath/roompath/netpath"
)

// proxyARPOf gathers the evidence that a router answers for the on-link
// room: the room's neighbour entry holds the gateway's MAC, or a router
// expired a SYN meant for the room. nil when the room is routed or neither
// holds, and on a tunnel, which has no ARP and whose far end is a router.
func proxyARPOf(target netip.Addr, r netpath.Route, room *netpath.Neighbor, g *Gateway, tr netpath.Trace) *ProxyARP {
	if !r.OnLink || r.Tunnel {
		return nil
	}
	pa := &ProxyARP{Hairpin: hairpinOf(tr.Hops, target)}
	if room != nil && room.Resolved() {
		pa.RoomMAC = room.MAC
	}
	if g != nil && g.Address != target.String() {
		pa.Gateway, pa.GatewayMAC = g.Address, g.MAC
	}
	pa.SameMAC = pa.RoomMAC != "" && pa.RoomMAC == pa.GatewayMAC
	if !pa.SameMAC && pa.Hairpin == nil {
		return nil
	}
	return pa
}

// hairpinOf is the first hop that answered time exceeded for a SYN to the
// on-link target: on one link nothing should decrement its TTL, so the
// sender is a router that took the room's traffic.
func hairpinOf(hops []netpath.Hop, target netip.Addr) *netpath.Hop {
	for _, h := range hops {
		if h.Reply == netpath.ReplyTimeExceeded && h.Address != nil && !h.Local && h.Addr() != target.String() {
			return &h
		}
	}
	return nil
}

// proxyARPHint words a silent drop toward an on-link room that a router
// answers for: client isolation by proxy ARP.
func proxyARPHint(e evidence) string {
	pa := e.proxyARP
	proto, entry := "ARP", "ARP entry"
	if e.target.Is6() {
		proto, entry = "neighbour discovery", "neighbour (ND) entry"
	}
	var saw []string
	if pa.SameMAC {
		saw = append(saw, fmt.Sprintf("its %s holds %s, the MAC of the gateway %s", entry, pa.RoomMAC, pa.Gateway))
	}
	router := pa.Gateway
	if h := pa.Hairpin; h != nil {
		saw = append(saw, fmt.Sprintf("the SYN with TTL %d came back as ICMP time exceeded from %s", h.TTL, h.Addr()))
		if !pa.SameMAC {
			router = h.Addr()
		}
	}
	who := router
	if router == pa.Gateway {
		who = "the gateway " + router
	}
	head := fmt.Sprintf("%s is on this host's subnet (%s), but %s: %s answers %s for the room with its own MAC (proxy ARP), so TCP %d goes to it and dies there, the signature of Wi-Fi client isolation by proxy ARP on the AP or gateway.",
		e.target, ifaceName(e.route), strings.Join(saw, ", and "), who, proto, e.port)
	if e.neighbor != nil && e.neighbor.Answered {
		return head + fmt.Sprintf(" The room still answers a datagram through it, so %s filters TCP %d itself: ask for a permit for TCP %d from the controller to %s there.", router, e.port, e.port, e.target)
	}
	return head + " Allow client-to-client traffic between the controller and the room on that SSID or VLAN (or exempt the room from isolation), or put the controller where it reaches the room without isolation."
}
