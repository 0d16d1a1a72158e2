package nslab

import (
	"fmt"
	"sync"
)

// PathLab is the multi-hop topology pathcheck is tested against. Tools run
// in Client. Two routers stand between Client and Room; a bridge
// emulates a Wi-Fi SSID with client isolation; a user-space tunnel carries
// one room's traffic as a VPN would.
//
//	Client 10.98.1.2 ── 10.98.1.1 R1 10.98.2.1 ══ 10.98.2.2 R2 10.98.3.1 ── Room 10.98.3.10–.20
//	 │  fd00:98:1::2    fd00:98:1::1   (MTU 1400)   fd00:98:2::2  fd00:98:3::1   fd00:98:3::10–::13
//	 │ to-wifi 10.98.20.2 ─ [Wifi bridge: isolated ports] ─ WifiRoom 10.98.20.3 (isolated)
//	 │                                                    ─ WifiPeer 10.98.20.4 (not isolated)
//	 │                                                    ─ R1 10.98.20.1 (gateway, not isolated)
//	 └ tun0 10.98.40.2 ⇄ user-space relay ⇄ tun0 10.98.40.1 R1
//
// Client routes 10.98.0.0/16 and fd00:98::/32 via R1, has its default
// routes via WifiGateway (so the Wi-Fi interface has a gateway), routes
// TunnelRoom through tun0, and holds an "unreachable" route. R1 and R2
// forward with ICMP rate limits off; the R1–R2 link has an MTU of PathMTU,
// so the path MTU toward Room is lower than Client's interface MTU. R2
// holds the nftables rules for Dropped, Rejected and ForgedReset (and the
// IPv6 ones), has no route for NetUnreach, and fails ARP for NoNeighbor in
// 200 ms. Client's Wi-Fi-facing interface fails ARP/ND in 200 ms too
// (mcast_solicit 1, retrans_time_ms 200).
//
// Zero PathLab is not useful; build one with NewPathLab and Close it.
type PathLab struct {
	// Lab owns the namespaces; PathLab.Close closes it.
	Lab *Lab
	// Client is the controller-side vantage point.
	Client *NS
	// R1 is hop 1 from Client (and the Wi-Fi gateway and tunnel end).
	R1 *NS
	// R2 is hop 2: the firewall with the per-address faults.
	R2 *NS
	// Room hosts the routed targets, hop 3.
	Room *NS
	// Wifi holds the bridge br0 whose Client and WifiRoom ports are
	// isolated.
	Wifi *NS
	// WifiRoom is a room on the Wi-Fi bridge behind an isolated port.
	WifiRoom *NS
	// WifiPeer is a room on the Wi-Fi bridge behind a port that is not
	// isolated.
	WifiPeer *NS

	// ClientAddr and ClientAddrV6 are Client's addresses toward R1.
	ClientAddr, ClientAddrV6 string
	// ClientIf is Client's interface toward R1; ClientWifiIf the one on the
	// Wi-Fi bridge; TunnelIf the tunnel.
	ClientIf, ClientWifiIf, TunnelIf string
	// Hop1 and Hop1V6 are R1's Client-facing addresses: the sender of
	// every ICMP error from hop 1 (time exceeded at TTL 1, fragmentation
	// needed).
	Hop1, Hop1V6 string
	// Hop2 and Hop2V6 are R2's R1-facing addresses: the sender of time
	// exceeded at TTL 2 and of R2's ICMP rejects.
	Hop2, Hop2V6 string
	// TunnelHop1 is R1's tunnel address: hop 1 through the tunnel.
	TunnelHop1 string
	// RoomHops is Room's distance from Client in hops: 3.
	RoomHops int

	// Open listens on Port: reached at TTL 3 with a SYN-ACK.
	Open, OpenV6 string
	// Closed has no listener on Port: Room itself answers with a reset.
	Closed string
	// Dropped: R2 silently drops TCP to Port; last hop answering is Hop2.
	Dropped, DroppedV6 string
	// Rejected: R2 answers TCP to Port with ICMP admin-prohibited (3/13,
	// ICMPv6 1/1) from Hop2.
	Rejected, RejectedV6 string
	// ForgedReset: R2 answers TCP to Port with a reset forged in the
	// room's name (from hop 2), although Room listens there.
	ForgedReset, ForgedResetV6 string
	// NoNeighbor is unowned on Room's subnet: R2's ARP fails and it sends
	// ICMP host unreachable.
	NoNeighbor string
	// NetUnreach is routed by R1 to R2, which has no route for it and
	// sends ICMP net unreachable (rate-limited per sender by the host-wide
	// net.ipv4.route.error_cost/error_burst: a burst of 5, then one a
	// second).
	NetUnreach string
	// Unreachable is covered by an "unreachable" route in Client's table:
	// nothing leaves Client.
	Unreachable string
	// TunnelRoom is a Room address that Client routes through tun0.
	TunnelRoom string

	// Isolated is WifiRoom: on-link to Client, but its bridge port and
	// Client's are both isolated, so ARP/ND fails while WifiGateway
	// answers.
	Isolated, IsolatedV6 string
	// WifiPeerAddr is WifiPeer: on-link and reachable.
	WifiPeerAddr string
	// WifiGateway and WifiGatewayV6 are R1's addresses on the bridge:
	// Client's default gateways.
	WifiGateway, WifiGatewayV6 string

	// Port is the probed port, 9090; OtherPort, 443, is open at every Room
	// address (the control that shows a host is up).
	Port, OtherPort int
	// PathMTU is the MTU of the R1–R2 link; LinkMTU that of Client's
	// interfaces.
	PathMTU, LinkMTU int

	servers sync.WaitGroup
}

// The path lab's address plan; everything lives only inside lab
// namespaces.
const (
	plNet4, plNet6 = "10.98.0.0/16", "fd00:98::/32"

	plClient, plClient6   = "10.98.1.2", "fd00:98:1::2"
	plR1Client, plR1Cl6   = "10.98.1.1", "fd00:98:1::1"
	plR1R2, plR1R26       = "10.98.2.1", "fd00:98:2::1"
	plR2R1, plR2R16       = "10.98.2.2", "fd00:98:2::2"
	plR2Room, plR2Room6   = "10.98.3.1", "fd00:98:3::1"
	plOpen, plOpen6       = "10.98.3.10", "fd00:98:3::10"
	plDropped, plDropped6 = "10.98.3.11", "fd00:98:3::11"
	plReject, plReject6   = "10.98.3.12", "fd00:98:3::12"
	plForged, plForged6   = "10.98.3.13", "fd00:98:3::13"
	plClosed              = "10.98.3.14"
	plTunnelRoom          = "10.98.3.20"
	plNoNeighbor          = "10.98.3.99"
	plNetUnreach          = "10.98.200.1"
	plNetUnreachNet       = "10.98.200.0/24"
	plUnreachNet          = "10.98.250.0/24"
	plUnreach             = "10.98.250.1"

	plWifiGW, plWifiGW6     = "10.98.20.1", "fd00:98:20::1"
	plWifiCl, plWifiCl6     = "10.98.20.2", "fd00:98:20::2"
	plWifiRoom, plWifiRoom6 = "10.98.20.3", "fd00:98:20::3"
	plWifiPeer              = "10.98.20.4"

	plTunR1, plTunClient = "10.98.40.1", "10.98.40.2"

	plPathMTU, plLinkMTU = 1400, 1500
)

// Interface names in the path lab.
const (
	plIfClientR1   = "to-r1"
	plIfClientWifi = "to-wifi"
	plIfTunnel     = "tun0"
	plIfR1Client   = "to-client"
	plIfR1R2       = "to-r2"
	plIfR1Wifi     = "to-wifi"
	plIfR2R1       = "to-r1"
	plIfR2Room     = "to-room"
	plIfRoomR2     = "to-r2"
	plIfHost       = "eth0"
)

// pathRuleset is R2's nftables forward ruleset: the per-address faults.
func pathRuleset() string {
	return fmt.Sprintf(`table inet roompath_pathlab {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[2]s tcp dport %[1]d drop
		ip6 daddr %[3]s tcp dport %[1]d drop
		ip daddr %[4]s tcp dport %[1]d reject with icmp type admin-prohibited
		ip6 daddr %[5]s tcp dport %[1]d reject with icmpv6 type admin-prohibited
		ip daddr %[6]s tcp dport %[1]d reject with tcp reset
		ip6 daddr %[7]s tcp dport %[1]d reject with tcp reset
	}
}
`, labPort, plDropped, plDropped6, plReject, plReject6, plForged, plForged6)
}

// Close stops the listeners and the tunnel relay and removes every
// namespace of the lab. It is idempotent and safe on a partly built
// PathLab.
func (p *PathLab) Close() error {
	if p == nil || p.Lab == nil {
		return nil
	}
	err := p.Lab.Close()
	p.servers.Wait()
	return err
}
