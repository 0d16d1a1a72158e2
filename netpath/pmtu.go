package netpath

import "time"

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
	// Probes is the number of datagrams sent.
	Probes int `json:"probes,omitempty"`
	// Note says why Path is nil.
	Note string `json:"note,omitempty"`
}
