package netpath

import (
	"fmt"
	"net/netip"
	"time"
)

// How a path MTU was learned (PathMTU.Source).
const (
	// PMTUFragNeeded: a router on the path reported a smaller MTU (ICMP
	// fragmentation needed, ICMPv6 packet too big); ReportedBy names it.
	// The destination did not confirm the final size.
	PMTUFragNeeded = "frag_needed"
	// PMTUConfirmed: a datagram of Path bytes with DF set reached the
	// destination, which answered.
	PMTUConfirmed = "confirmed"
	// PMTUKernel: the kernel's current value for the route; nothing on the
	// path confirmed or lowered it (the probes went unanswered).
	PMTUKernel = "kernel"
)

// pmtuStep bounds the wait for an answer to one path-MTU probe: a LAN or a
// WAN answers in well under a second, and an unanswered probe ends the
// measurement.
const pmtuStep = time.Second

// pmtuMaxProbes bounds the probes: each frag-needed lowers the size, and a
// path has few distinct link MTUs.
const pmtuMaxProbes = 8

// PathMTU is what this host knows about the MTU toward a destination.
type PathMTU struct {
	// Interface is the egress interface's MTU; 0 when unknown.
	Interface int `json:"interface"`
	// Path is the path MTU the kernel holds for the destination after the
	// probe; nil when it was not measured.
	Path *int `json:"path"`
	// Source is one of the PMTU* constants; empty when Path is nil.
	Source string `json:"source,omitempty"`
	// ReportedBy is the router that reported a smaller MTU.
	ReportedBy string `json:"reported_by,omitempty"`
	// Probes is the number of full-sized datagrams sent (the pmtuLadder
	// datagrams beside the first are not counted).
	Probes int `json:"probes,omitempty"`
	// BlackHole is set when the last full-sized datagram went unanswered
	// and no fragmentation needed came back, while a smaller one reached
	// the destination: an MTU black hole is possible, and Path is nil.
	BlackHole *PMTUBlackHole `json:"black_hole,omitempty"`
	// Note says why Path is nil, or why a PMTUKernel value is unconfirmed.
	Note string `json:"note,omitempty"`
}

// PMTUBlackHole brackets the path MTU of a path that drops large
// datagrams without saying so: at least Reached, less than Lost.
type PMTUBlackHole struct {
	// Lost is the size in bytes (IP header included) of the datagram that
	// vanished without an answer or a fragmentation needed.
	Lost int `json:"lost"`
	// Reached is the largest smaller size the destination answered.
	Reached int `json:"reached"`
}

// pmtuLadder are the smaller sizes sent beside the first full-sized
// datagram, each once, from its own socket, so that a path which drops the
// full size silently can be told from a destination that answers nothing:
// the PPPoE MTU, a common VPN MTU, IPv6's minimum and IPv4's minimum
// datagram size. Only sizes below the first datagram's are sent; 576 only
// over IPv4.
var pmtuLadder = []int{1492, 1400, 1280, 576}

// judgeSilence completes out once the probes end: lost is the size of a
// datagram nothing answered (0: every one was answered), reached the
// largest smaller ladder size dst answered (0: none).
func judgeSilence(out *PathMTU, dst netip.Addr, lost, reached int) {
	switch {
	case lost == 0:
	case reached > 0:
		out.Path, out.Source = nil, ""
		out.BlackHole = &PMTUBlackHole{Lost: lost, Reached: reached}
		out.Note = fmt.Sprintf("no fragmentation needed came back: a %d-byte datagram to %s vanished while a %d-byte one reached it, "+
			"so a link on the path may take less than %d bytes while the ICMP that would say so is filtered: an MTU black hole is possible "+
			"(the path MTU is at least %d)", lost, dst, reached, lost, reached)
	case out.Source == PMTUKernel:
		out.Note = fmt.Sprintf("unconfirmed: nothing answered the %d-byte datagram or the smaller ones, so %s may not answer UDP at all; "+
			"whether the path takes this size, or is an MTU black hole, could not be told", lost, dst)
	}
}
