package nslab

import (
	"fmt"
	"sync"
)

// ProxyARPLab is the topology of two faults a controller's network shows
// the same way from far off: Wi-Fi client isolation done by proxy ARP, and
// a silent drop right in front of the room (the room's own firewall, or an
// ACL on its last router). Tools run in Client.
//
//	Client 10.96.1.2 ─ [AP bridge: Client and WifiRoom ports isolated] ─ WifiRoom 10.96.1.3 (isolated)
//	                                                                ─ WifiPeer 10.96.1.4 (not isolated)
//	                                                                ─ Gateway 10.96.1.1 (not isolated, proxy ARP)
//	Gateway 10.96.2.1 ── 10.96.2.2 R2 10.96.3.1 ── Room 10.96.3.10–.12
//
// Gateway is Client's default gateway and hop 1 toward Room; R2 is hop 2,
// the Room addresses' last router; Room is hop 3. On the AP bridge,
// Gateway's port is not isolated and its interface has proxy_arp and
// proxy_arp_pvlan on (proxy_delay 0, ICMP redirects off, as on an AP): it
// answers Client's ARP for WifiRoom with its own MAC, and then its
// nftables forward chain drops everything it would send back out that
// interface (client-to-client traffic). An ARP-family nftables rule keeps
// it from answering for WifiPeer, which answers ARP itself, as an AP proxies
// only for its associated clients. So from Client: WifiRoom's neighbour
// entry holds GatewayMAC, a SYN with TTL 1 to WifiRoom comes back as time
// exceeded from Gateway, and TCP is silent; WifiPeer is reached at TTL 1.
//
// On the routed side, Room listens on Port and OtherPort at every address;
// only the filters stand in the way: Room's own nftables input chain drops
// TCP Port to RoomFirewall, R2's forward chain drops it to LastRouterDrop,
// and Gateway's forward chain drops it to EarlyDrop. Every router forwards
// with ICMP rate limits off. IPv4 only: Linux has no proxy-ND counterpart
// of proxy_arp_pvlan.
//
// Zero ProxyARPLab is not useful; build one with NewProxyARPLab and Close
// it.
type ProxyARPLab struct {
	// Lab owns the namespaces; ProxyARPLab.Close closes it.
	Lab *Lab
	// Client is the controller-side vantage point, on an isolated port.
	Client *NS
	// AP holds the bridge br0 that stands for the SSID.
	AP *NS
	// Gateway is the Wi-Fi's gateway (proxy ARP) and hop 1 toward Room.
	Gateway *NS
	// WifiRoom is a room behind an isolated port of the AP.
	WifiRoom *NS
	// WifiPeer is a room behind a port that is not isolated.
	WifiPeer *NS
	// R2 is hop 2: the last router before Room.
	R2 *NS
	// Room hosts the routed rooms, hop 3.
	Room *NS

	// ClientAddr is Client's address; ClientIf its interface on the AP.
	ClientAddr, ClientIf string
	// GatewayAddr is Gateway's address on the AP: Client's default
	// gateway and the sender of time exceeded at TTL 1.
	GatewayAddr string
	// GatewayMAC is the MAC of Gateway's interface on the AP: the one its
	// proxy ARP answers with.
	GatewayMAC string
	// R2Addr is R2's Gateway-facing address: the sender of time exceeded
	// at TTL 2, the routed rooms' last router.
	R2Addr string
	// RoomHops is Room's distance from Client in hops: 3.
	RoomHops int

	// Isolated is WifiRoom's address: on-link to Client, answered for by
	// Gateway's proxy ARP; Gateway drops what Client sends it.
	Isolated string
	// IsolatedMAC is WifiRoom's own MAC, which Client never learns.
	IsolatedMAC string
	// Peer is WifiPeer's address: on-link and reached at TTL 1.
	Peer string
	// PeerMAC is WifiPeer's MAC, the one Client learns for Peer.
	PeerMAC string

	// RoomFirewall: Room's own nftables input chain drops TCP Port to it;
	// OtherPort is open. The last hop answering is R2Addr, at TTL 2.
	RoomFirewall string
	// LastRouterDrop: R2, the last router, drops TCP Port to it in its
	// forward chain; OtherPort passes. Seen from Client exactly as
	// RoomFirewall.
	LastRouterDrop string
	// EarlyDrop: Gateway (hop 1) drops TCP Port to it in its forward
	// chain, before the last router; OtherPort passes.
	EarlyDrop string

	// Port is the probed port, 9090; OtherPort, 443, is open at every
	// room address (WifiRoom's included) and passes every filter but the
	// Wi-Fi's client-to-client drop.
	Port, OtherPort int

	servers sync.WaitGroup
}

// The proxy-ARP lab's address plan; everything lives only inside lab
// namespaces.
const (
	alGateway, alClient  = "10.96.1.1", "10.96.1.2"
	alWifiRoom, alPeer   = "10.96.1.3", "10.96.1.4"
	alGwR2, alR2Gw       = "10.96.2.1", "10.96.2.2"
	alR2Room, alRoomNet  = "10.96.3.1", "10.96.3.0/24"
	alFirewall, alLastRt = "10.96.3.10", "10.96.3.11"
	alEarly              = "10.96.3.12"
)

// Interface names in the proxy-ARP lab.
const (
	alIfWifi   = "to-ap"   // Client's, Gateway's, WifiRoom's and WifiPeer's
	alIfGwR2   = "to-r2"   // Gateway's toward R2
	alIfR2Gw   = "to-gw"   // R2's toward Gateway
	alIfR2Room = "to-room" // R2's toward Room
	alIfRoomR2 = "to-r2"   // Room's toward R2
	alBridge   = "br0"
)

// alGatewayRuleset is Gateway's nftables ruleset: client-to-client
// traffic dropped, TCP Port to EarlyDrop dropped, and no proxy ARP for
// WifiPeer.
func alGatewayRuleset() string {
	return fmt.Sprintf(`table inet roompath_arplab {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname %[1]q oifname %[1]q drop
		ip daddr %[2]s tcp dport %[3]d drop
	}
}
table arp roompath_arplab {
	chain input {
		type filter hook input priority filter; policy accept;
		arp operation request arp daddr ip %[4]s drop
	}
}
`, alIfWifi, alEarly, labPort, alPeer)
}

// alR2Ruleset is R2's forward ruleset: TCP Port to LastRouterDrop dropped.
func alR2Ruleset() string {
	return fmt.Sprintf(`table inet roompath_arplab {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %s tcp dport %d drop
	}
}
`, alLastRt, labPort)
}

// alRoomRuleset is Room's own input ruleset: the room's firewall drops TCP
// Port to RoomFirewall.
func alRoomRuleset() string {
	return fmt.Sprintf(`table inet roompath_arplab {
	chain input {
		type filter hook input priority filter; policy accept;
		ip daddr %s tcp dport %d drop
	}
}
`, alFirewall, labPort)
}

// Close stops the listeners and removes every namespace of the lab. It is
// idempotent and safe on a partly built ProxyARPLab.
func (p *ProxyARPLab) Close() error {
	if p == nil || p.Lab == nil {
		return nil
	}
	err := p.Lab.Close()
	p.servers.Wait()
	return err
}
