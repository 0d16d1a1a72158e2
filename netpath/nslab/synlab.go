package nslab

import (
	"errors"
	"fmt"
	"sync"
)

// SynproxyLab is the topology of a middlebox that answers the TCP
// handshake in the room's name, and of a router that sends no ICMP time
// exceeded. Tools run in Client.
//
//	Client 10.97.1.2 ── 10.97.1.1 R 10.97.2.1 ── Room 10.97.2.10 (Refused), .11 (Proxied); .99 (NoHost): nobody
//	  fd00:97:1::2     fd00:97:1::1  fd00:97:2::1     fd00:97:2::10, ::11; ::99 nobody
//	                            R 10.97.3.1 ── 10.97.3.2 S 10.97.4.1 ── Far 10.97.4.10 (BehindSilent), .12 (RejectedBehindSilent)
//	                          fd00:97:3::1     fd00:97:3::2  fd00:97:4::1     fd00:97:4::10
//
// R is hop 1 and the room network's firewall: nftables synproxy (the
// nftables wiki's "Synproxy" recipe: SYNs untracked in raw prerouting,
// then `synproxy mss 1460 wscale 7 timestamp sack-perm` for ct state
// invalid,untracked in the filter forward chain, with
// nf_conntrack_tcp_loose off) answers every SYN to TCP Port on the room
// network (10.97.2.0/24, fd00:97:2::/64) itself, with a SYN cookie, and
// opens the connection to the room only once the client's ACK comes back.
// So Client's handshake to Port completes at any address there, whatever
// is behind: Refused is up with Port closed (its reset comes back through
// the proxy right after the handshake), NoHost is owned by nobody (the
// proxy's SYN to it gets no answer; R's ARP/ND fails, and the ICMP error it
// sends falls outside Client's window), and Proxied listens on Port (the
// proxy is transparent: the room answers behind it). Every Room address
// also listens on OtherPort, which R does not proxy.
//
// S is hop 2 toward Far and a silent router: its nftables output chain
// drops the ICMP (and ICMPv6) time exceeded it would send, so TTL 2 toward
// Far gets no answer, and it rejects TCP Port to RejectedBehindSilent with
// ICMP admin-prohibited from Hop2. Far, hop 3, listens on Port at
// BehindSilent. R and S forward with ICMP rate limits off.
//
// Building it needs the kernel's nftables synproxy (nf_synproxy and
// nft_synproxy); without it NewSynproxyLab returns an error wrapping
// ErrNoSynproxy, and tests skip with it. Zero SynproxyLab is not useful;
// build one with NewSynproxyLab and Close it.
type SynproxyLab struct {
	// Lab owns the namespaces; SynproxyLab.Close closes it.
	Lab *Lab
	// Client is the controller-side vantage point.
	Client *NS
	// R is hop 1: the router with the synproxy.
	R *NS
	// Room hosts Refused and Proxied, hop 2.
	Room *NS
	// S is hop 2 toward Far: the router that sends no time exceeded.
	S *NS
	// Far hosts BehindSilent and RejectedBehindSilent, hop 3.
	Far *NS

	// ClientAddr and ClientAddrV6 are Client's addresses.
	ClientAddr, ClientAddrV6 string
	// Hop1 and Hop1V6 are R's Client-facing addresses: the sender of
	// time exceeded at TTL 1.
	Hop1, Hop1V6 string
	// Hop2 and Hop2V6 are S's R-facing addresses: the sender of S's
	// rejects (never of a time exceeded).
	Hop2, Hop2V6 string
	// RoomHops is Room's distance from Client in hops: 2. The synproxy
	// answers at the same TTL (it sits in R's forward path, after the TTL
	// is decremented), but its SYN-ACK leaves R with a full TTL: one hop by
	// its IP TTL.
	RoomHops int
	// FarHops is Far's distance from Client in hops: 3.
	FarHops int

	// Refused is up behind the synproxy with Port closed: the handshake
	// completes (with R), then Room's reset comes back.
	Refused, RefusedV6 string
	// NoHost is an address behind the synproxy that nobody owns: the
	// handshake completes (with R), then nothing answers.
	NoHost, NoHostV6 string
	// Proxied listens on Port behind the synproxy: the handshake completes
	// with R, and the room answers everything after it.
	Proxied, ProxiedV6 string
	// BehindSilent listens on Port behind the silent router S.
	BehindSilent, BehindSilentV6 string
	// RejectedBehindSilent: S rejects TCP Port to it with ICMP
	// admin-prohibited (3/13) from Hop2; S answered no lower TTL.
	RejectedBehindSilent string

	// Port is the probed port, 9090, synproxied by R on the room network;
	// OtherPort, 443, is open at every Room and Far address and not
	// proxied.
	Port, OtherPort int

	servers sync.WaitGroup
}

// ErrNoSynproxy is wrapped by NewSynproxyLab's error when this kernel has
// no nftables synproxy (nf_synproxy, nft_synproxy); tests skip on it.
var ErrNoSynproxy = errors.New("nslab: this kernel has no nftables synproxy (nf_synproxy and nft_synproxy, CONFIG_NFT_SYNPROXY)")

// The synproxy lab's address plan; everything lives only inside lab
// namespaces.
const (
	slNet4, slNet6 = "10.97.0.0/16", "fd00:97::/32"

	slClient, slClient6       = "10.97.1.2", "fd00:97:1::2"
	slRClient, slRClient6     = "10.97.1.1", "fd00:97:1::1"
	slRRoom, slRRoom6         = "10.97.2.1", "fd00:97:2::1"
	slRoomNet, slRoomNet6     = "10.97.2.0/24", "fd00:97:2::/64"
	slRefused, slRefused6     = "10.97.2.10", "fd00:97:2::10"
	slProxied, slProxied6     = "10.97.2.11", "fd00:97:2::11"
	slNoHost, slNoHost6       = "10.97.2.99", "fd00:97:2::99"
	slRS, slRS6               = "10.97.3.1", "fd00:97:3::1"
	slSR, slSR6               = "10.97.3.2", "fd00:97:3::2"
	slSFar, slSFar6           = "10.97.4.1", "fd00:97:4::1"
	slFarNet, slFarNet6       = "10.97.4.0/24", "fd00:97:4::/64"
	slBehindSilent, slBehind6 = "10.97.4.10", "fd00:97:4::10"
	slRejectedSilent          = "10.97.4.12"
)

// Interface names in the synproxy lab.
const (
	slIfClientR = "to-r"
	slIfRClient = "to-client"
	slIfRRoom   = "to-room"
	slIfRS      = "to-s"
	slIfSR      = "to-r"
	slIfSFar    = "to-far"
	slIfUp      = "to-router"
)

// synproxyProbeRuleset is a throw-away table with one synproxy rule: nft
// refuses it when the kernel has no synproxy expression.
const synproxyProbeRuleset = `table inet roompath_synprobe {
	chain forward {
		type filter hook forward priority filter; policy accept;
		tcp dport 9 ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
	}
}
delete table inet roompath_synprobe
`

// synproxyRuleset is R's ruleset: the nftables wiki's synproxy recipe for
// TCP Port on the room network.
func synproxyRuleset() string {
	return fmt.Sprintf(`table inet roompath_synlab {
	chain prerouting {
		type filter hook prerouting priority raw; policy accept;
		ip daddr %[2]s tcp dport %[1]d tcp flags & (fin|syn|rst|ack) == syn notrack
		ip6 daddr %[3]s tcp dport %[1]d tcp flags & (fin|syn|rst|ack) == syn notrack
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[2]s tcp dport %[1]d ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
		ip6 daddr %[3]s tcp dport %[1]d ct state invalid,untracked synproxy mss 1440 wscale 7 timestamp sack-perm
		ip daddr %[2]s tcp dport %[1]d ct state invalid drop
		ip6 daddr %[3]s tcp dport %[1]d ct state invalid drop
	}
}
`, labPort, slRoomNet, slRoomNet6)
}

// silentRuleset is S's ruleset: no time exceeded leaves it, and TCP Port
// to RejectedBehindSilent is rejected.
func silentRuleset() string {
	return fmt.Sprintf(`table inet roompath_silent {
	chain output {
		type filter hook output priority filter; policy accept;
		icmp type time-exceeded drop
		icmpv6 type time-exceeded drop
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[2]s tcp dport %[1]d reject with icmp type admin-prohibited
	}
}
`, labPort, slRejectedSilent)
}

// Close stops the listeners and removes every namespace of the lab. It is
// idempotent and safe on a partly built SynproxyLab.
func (p *SynproxyLab) Close() error {
	if p == nil || p.Lab == nil {
		return nil
	}
	err := p.Lab.Close()
	p.servers.Wait()
	return err
}
