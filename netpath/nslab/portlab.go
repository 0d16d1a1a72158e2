package nslab

import (
	"fmt"
	"net/netip"
	"sync"
)

// PortLab is the fault topology the TCP probe is tested against. Tools run
// in Client; every fault address is reached from Client through Router
// (10.99.0.0/16 and fd00:99::/32 are routed via Router; Client has no default
// route), except the Local* ones, which die in Client's own routing table.
//
//	Client 10.99.1.2 ── 10.99.1.1 Router 10.99.2.1 ── Room 10.99.2.2–.6
//	  fd00:99:1::2      fd00:99:1::1   fd00:99:2::1      fd00:99:2::2–::5
//	                           10.99.3.1 ── Farm 10.99.3.2, local 10.99.16.0/20
//
// Router forwards, has no default route, sends every ICMP error (rate limits
// off) from RouterAddr/RouterAddrV6, and holds the nftables forward rules for
// Dropped, Rejected and ForgedReset. Room listens on Port at Open, Dropped,
// Rejected and ForgedReset (and the IPv6 ones), so only the Router stands in
// the way, and on OtherPort at every Room address, so each host "answers
// other traffic" (ICMP echo works too).
//
// Zero PortLab is not useful; build one with NewPortLab and Close it.
type PortLab struct {
	// Lab owns the namespaces; PortLab.Close closes it.
	Lab *Lab
	// Client is the controller-side vantage point: tools run here (with
	// Client.Command, Client.Do or Client.Dial).
	Client *NS
	// Router forwards between Client, Room and Farm and applies the faults.
	Router *NS
	// Room hosts the targets.
	Room *NS
	// Farm answers every address of SweepCIDR.
	Farm *NS

	// ClientAddr and ClientAddrV6 are Client's own addresses.
	ClientAddr, ClientAddrV6 string
	// RouterAddr and RouterAddrV6 are Router's Client-facing addresses: the
	// sender of every ICMP error Client receives from the lab.
	RouterAddr, RouterAddrV6 string

	// Open accepts on Port: the handshake completes.
	Open string
	// Closed has no listener on Port: Room answers the SYN with a RST
	// (ECONNREFUSED).
	Closed string
	// Dropped: Router silently drops TCP to Port (the dial times out), while
	// ICMP echo and OtherPort on the same address are answered.
	Dropped string
	// Rejected: Router answers TCP to Port with ICMP 3/13 (communication
	// administratively prohibited) from RouterAddr; connect fails with
	// EHOSTUNREACH.
	Rejected string
	// ForgedReset: Router answers TCP to Port with a RST forged in the
	// room's name (nft "reject with tcp reset"), although Room listens there.
	ForgedReset string
	// NoNeighbor is an unowned address on the Router–Room subnet: Router's
	// ARP gets no answer and it sends ICMP 3/1 (host unreachable); connect
	// fails with EHOSTUNREACH after about 200 ms (one ARP probe, 200 ms
	// retransmit time, on Router's Room-facing interface).
	NoNeighbor string
	// NetUnreach is routed by Client via Router, which has no route (and no
	// default route) for it and sends ICMP 3/0 (net unreachable) from
	// RouterAddr; connect fails with ENETUNREACH at once. The kernel limits
	// these no-route errors per source address with the host-wide
	// net.ipv4.route.error_cost/error_burst (default: a burst of 5, then one
	// a second), which the lab leaves alone: beyond that rate some SYNs to
	// NetUnreach go unanswered. Over IPv6 there is no such limit.
	NetUnreach string

	// LocalUnreachable is covered by an "unreachable" route in Client's own
	// table: connect fails with EHOSTUNREACH and nothing is sent.
	LocalUnreachable string
	// LocalProhibit is covered by a "prohibit" route in Client's table:
	// connect fails with EACCES and nothing is sent.
	LocalProhibit string
	// LocalBlackhole is covered by a "blackhole" route in Client's table:
	// connect fails with EINVAL and nothing is sent.
	LocalBlackhole string

	// OpenV6 accepts on Port over IPv6.
	OpenV6 string
	// ClosedV6 answers a RST over IPv6 (ECONNREFUSED).
	ClosedV6 string
	// DroppedV6 is silently dropped by Router over IPv6 on Port only.
	DroppedV6 string
	// RejectedV6: Router answers ICMPv6 1/1 (administratively prohibited)
	// from RouterAddrV6; connect fails with EACCES.
	RejectedV6 string
	// NoNeighborV6: Router's neighbour discovery fails (about 200 ms) and it
	// sends ICMPv6 1/3 (address unreachable); connect fails with EHOSTUNREACH.
	NoNeighborV6 string
	// NetUnreachV6: Router has no route and sends ICMPv6 1/0 (no route to
	// destination); connect fails with ENETUNREACH.
	NetUnreachV6 string

	// Port is the probed port, 9090.
	Port int
	// OtherPort, 443, is open at every Room address, unfiltered: the control
	// that shows a host is up.
	OtherPort int

	// SweepCIDR is a /20 (4,096 addresses, network and broadcast addresses
	// included) routed from Client via Router to Farm, where a local route
	// makes every address local and a wildcard listener on Port answers.
	// By the last two bits of the address: 00 and 01 open, 10 closed (Farm's
	// nftables answers a RST), 11 silently dropped by Farm's nftables.
	SweepCIDR string
	// SweepOpen, SweepClosed and SweepDropped are the expected counts over
	// SweepCIDR on Port, computed from the rules by SweepExpected.
	SweepOpen, SweepClosed, SweepDropped int

	// FarmCIDRs are four /16s (10.100.0.0/16 to 10.103.0.0/16) routed like
	// SweepCIDR to Farm and answered under the same last-two-bits rule on
	// every port from FarmPortFirst to FarmPortLast (9090-9105): campus-size
	// sweeps. There are several so that two tools are never compared over
	// the same address pairs within a TIME_WAIT period, and 16 ports x a /16
	// is a 1,048,576-probe sweep. Farm's listen backlogs (somaxconn,
	// tcp_max_syn_backlog and each listener's) are 65535, so a burst of
	// SYNs cannot overflow them and turn open hosts into "filtered".
	FarmCIDRs []string
	// FarmPortFirst and FarmPortLast bound the ports Farm answers on over
	// FarmCIDRs.
	FarmPortFirst, FarmPortLast int
	// FarmOpen, FarmClosed and FarmDropped are the expected counts over one
	// of FarmCIDRs on one port.
	FarmOpen, FarmClosed, FarmDropped int

	acceptors sync.WaitGroup
}

// The lab's address plan. Everything lives only inside lab namespaces.
const (
	labNet4, labNet6 = "10.99.0.0/16", "fd00:99::/32"

	clientAddr, clientAddr6 = "10.99.1.2", "fd00:99:1::2"
	routerAddr, routerAddr6 = "10.99.1.1", "fd00:99:1::1"
	routerRoom, routerRoom6 = "10.99.2.1", "fd00:99:2::1"
	routerFarm, farmAddr    = "10.99.3.1", "10.99.3.2"

	roomOpen, roomOpen6         = "10.99.2.2", "fd00:99:2::2"
	roomClosed, roomClosed6     = "10.99.2.3", "fd00:99:2::3"
	roomDropped, roomDropped6   = "10.99.2.4", "fd00:99:2::4"
	roomRejected, roomRejected6 = "10.99.2.5", "fd00:99:2::5"
	roomForgedReset             = "10.99.2.6"
	noNeighbor, noNeighbor6     = "10.99.2.99", "fd00:99:2::99"
	netUnreach, netUnreach6     = "10.99.200.1", "fd00:99:200::1"

	localUnreachNet, localUnreach     = "10.99.250.0/24", "10.99.250.1"
	localProhibitNet, localProhibit   = "10.99.251.0/24", "10.99.251.1"
	localBlackholeNet, localBlackhole = "10.99.252.0/24", "10.99.252.1"

	sweepCIDR = "10.99.16.0/20"

	// farmNet covers the campus /16s; farmBacklog is Farm's listen backlog.
	farmNet, farmBacklog        = "10.100.0.0/14", 65535
	farmPortFirst, farmPortLast = 9090, 9105

	labPort, labOtherPort = 9090, 443

	// Neighbour resolution on Router's Room-facing interface: one multicast
	// probe, failed after neighRetransMS, so NoNeighbor answers quickly.
	neighRetransMS = 200
)

// The sweep rule: the address's last two bits select its fate.
const (
	sweepMask        = 0x3
	sweepClosedBits  = 0x2
	sweepDroppedBits = 0x3
)

// Sweep outcomes, in the TCP "observed" vocabulary of DESIGN.md.
const (
	SweepStateOpen     = "open"
	SweepStateClosed   = "closed"
	SweepStateFiltered = "filtered"
)

// farmCIDRs are the /16s of farmNet.
func farmCIDRs() []string {
	return []string{"10.100.0.0/16", "10.101.0.0/16", "10.102.0.0/16", "10.103.0.0/16"}
}

// SweepExpected returns what a TCP connect to addr:Port from Client should
// observe: SweepStateOpen, SweepStateClosed or SweepStateFiltered, or ""
// when addr is not an IPv4 address inside SweepCIDR or FarmCIDRs (where
// the same holds on every port from FarmPortFirst to FarmPortLast).
func SweepExpected(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || !netip.MustParsePrefix(sweepCIDR).Contains(a) && !netip.MustParsePrefix(farmNet).Contains(a) {
		return ""
	}
	switch a.As4()[3] & sweepMask {
	case sweepClosedBits:
		return SweepStateClosed
	case sweepDroppedBits:
		return SweepStateFiltered
	default:
		return SweepStateOpen
	}
}

// sweepCounts counts the expected outcomes over every address of SweepCIDR.
func sweepCounts() (open, closed, dropped int) { return sweepCountsOf(sweepCIDR) }

// sweepCountsOf counts the expected outcomes over every address of cidr.
func sweepCountsOf(cidr string) (open, closed, dropped int) {
	p := netip.MustParsePrefix(cidr)
	for a := p.Addr(); p.Contains(a); a = a.Next() {
		switch SweepExpected(a.String()) {
		case SweepStateOpen:
			open++
		case SweepStateClosed:
			closed++
		case SweepStateFiltered:
			dropped++
		}
	}
	return open, closed, dropped
}

// farmRuleset is Farm's nftables input ruleset implementing SweepExpected.
func farmRuleset() string {
	match := fmt.Sprintf("ip daddr %s tcp dport %d ip daddr & 0.0.0.%d ==", sweepCIDR, labPort, sweepMask)
	campus := fmt.Sprintf("ip daddr %s tcp dport %d-%d ip daddr & 0.0.0.%d ==", farmNet, farmPortFirst, farmPortLast, sweepMask)
	return fmt.Sprintf(`table inet roompath_lab {
	chain input {
		type filter hook input priority filter; policy accept;
		%[1]s 0.0.0.%[3]d reject with tcp reset
		%[1]s 0.0.0.%[4]d drop
		%[2]s 0.0.0.%[3]d reject with tcp reset
		%[2]s 0.0.0.%[4]d drop
	}
}
`, match, campus, sweepClosedBits, sweepDroppedBits)
}

// routerRuleset is Router's nftables forward ruleset: the per-address faults.
func routerRuleset() string {
	return fmt.Sprintf(`table inet roompath_lab {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[2]s tcp dport %[1]d drop
		ip6 daddr %[3]s tcp dport %[1]d drop
		ip daddr %[4]s tcp dport %[1]d reject with icmp type admin-prohibited
		ip6 daddr %[5]s tcp dport %[1]d reject with icmpv6 type admin-prohibited
		ip daddr %[6]s tcp dport %[1]d reject with tcp reset
	}
}
`, labPort, roomDropped, roomDropped6, roomRejected, roomRejected6, roomForgedReset)
}

// Close stops the listeners and removes every namespace of the lab. It is
// idempotent and safe on a partly built PortLab.
func (p *PortLab) Close() error {
	if p == nil || p.Lab == nil {
		return nil
	}
	err := p.Lab.Close()
	p.acceptors.Wait()
	return err
}
