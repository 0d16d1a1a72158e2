package pathcmd

import "github.com/roompath/roompath/netpath"

// Observed states of a path result (check "path").
const (
	// ObservedReached: the destination answered at some TTL (a SYN-ACK, or
	// a reset that was not shown to be forged).
	ObservedReached = "reached"
	// ObservedDropped: silence after Detail.LastHop, the last address that
	// answered.
	ObservedDropped = "dropped"
	// ObservedRejected: a router refused the SYN with an ICMP reject
	// (admin-prohibited, port unreachable); reported_by is its sender.
	ObservedRejected = "rejected"
	// ObservedUnreachable: a router said host or network unreachable: it
	// has no route to the room, or the room does not answer ARP/ND there.
	ObservedUnreachable = "unreachable"
	// ObservedResetByMiddlebox: a reset in the room's name came from fewer
	// hops away than the room (Detail.ResetHop): a firewall forged it.
	ObservedResetByMiddlebox = "reset_by_middlebox"
	// ObservedNoRoute: this host's table has no usable route
	// (Detail.Route.Type says which kind).
	ObservedNoRoute = "no_route"
	// ObservedNeighborFailed: this host's own ARP/ND resolution of the
	// on-link room (or of the gateway) failed.
	ObservedNeighborFailed = "neighbor_failed"
	// ObservedMaxHops: the SYN still expired in transit at --max-hops: a
	// routing loop or a longer path.
	ObservedMaxHops = "max_hops"
	// ObservedLocalDenied: a firewall on this host refused to send.
	ObservedLocalDenied = "local_denied"
	// ObservedNotRun: the check could not be run (status error).
	ObservedNotRun = "not_run"
	// ObservedUnresolved: the room's name did not resolve.
	ObservedUnresolved = "unresolved"
)

// Reasons beyond the TCP ones of DESIGN.md.
const (
	// ReasonForgedReset: the reset's IP TTL puts its sender before the
	// room.
	ReasonForgedReset = "forged_reset"
	// ReasonParameterProblem: a router answered ICMP parameter problem.
	ReasonParameterProblem = "parameter_problem"
)

// Detail is the evidence of a path result.
type Detail struct {
	Address string `json:"address"`
	Port    uint16 `json:"port"`
	Name    string `json:"name,omitempty"`
	// Mode is how the hops were read: recverr, raw (recverr plus a raw
	// socket for the reset's TTL) or connect (errno only).
	Mode string `json:"mode"`
	// Route is the route this host uses toward the room.
	Route netpath.Route `json:"route"`
	// Neighbor is the neighbour entry of the on-link room, or of the
	// gateway when the room is routed; nil when not probed.
	Neighbor *netpath.Neighbor `json:"neighbor"`
	// Gateway is the gateway of the route, or the gateway this host uses
	// on the room's interface when the room is on-link; nil when none.
	Gateway *Gateway `json:"gateway"`
	// MTU holds the interface MTU and the path MTU toward the room.
	MTU netpath.PathMTU `json:"mtu"`
	// Hops are the trace's hops up to the first terminal reply.
	Hops    []netpath.Hop `json:"hops"`
	MaxHops int           `json:"max_hops"`
	// ReachTTL is the TTL at which the room (or something in its name)
	// answered with a SYN-ACK or a reset.
	ReachTTL *int `json:"reach_ttl"`
	// LastHop and LastHopTTL are the last address that answered and its
	// TTL; nil when nothing answered.
	LastHop    *string `json:"last_hop"`
	LastHopTTL *int    `json:"last_hop_ttl"`
	// RejectHop is the hop of the router that rejected or reported
	// unreachable (the lowest TTL its address answered at).
	RejectHop *int `json:"reject_hop,omitempty"`
	// ResetHop is the hop distance of a reset's sender, from its IP TTL;
	// nil when no reset came or its TTL was not read (ResetNote says why).
	ResetHop  *int                   `json:"reset_hop"`
	Reset     *netpath.ResetEvidence `json:"reset,omitempty"`
	ResetNote string                 `json:"reset_note,omitempty"`
	// Loop is true when the hops repeat: a routing loop.
	Loop bool `json:"loop,omitempty"`
	// Probes is the number of SYNs the trace sent; TraceMS its wall time.
	Probes  int     `json:"probes"`
	TraceMS float64 `json:"trace_ms"`
	// NotMeasured lists what this platform or run could not measure.
	NotMeasured []string `json:"not_measured,omitempty"`
}

// Gateway is the next hop toward the room, or the on-link interface's
// gateway, and whether it answers.
type Gateway struct {
	Address string `json:"address"`
	// Reachable is true when the gateway answered (its neighbour entry
	// confirmed, a datagram answered, or a hop through it answered), false
	// when its ARP/ND failed, nil when unknown.
	Reachable *bool `json:"reachable"`
	// State is its neighbour state after provoking resolution.
	State string `json:"state,omitempty"`
	// Via says where it came from: "route" (the route's gateway) or
	// "interface" (the room is on-link; this is the gateway of that
	// interface).
	Via string `json:"via"`

	neighbor *netpath.Neighbor
}
