package pathprobe

import "github.com/roompath/roompath/netpath"

// Detail is the evidence of a path result (report.Result.Detail). Its
// observed states are vocab's Path* constants; its reasons the TCP ones
// plus vocab.ReasonForgedReset and vocab.ReasonParameterProblem.
type Detail struct {
	// Address is the room's address as traced.
	Address string `json:"address"`
	// Port is the TCP port traced.
	Port uint16 `json:"port"`
	// Name is the name the room was given by; empty for an address.
	Name string `json:"name,omitempty"`
	// Mode is how the hops were read: recverr, raw (recverr plus a raw
	// socket for the reset's TTL), connect (errno only), or none when no
	// trace ran (no usable route, or interrupted before it).
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
	// Hops are the trace's hops up to the first terminal reply; empty,
	// never nil, when no trace ran.
	Hops []netpath.Hop `json:"hops"`
	// MaxHops is the highest TTL probed.
	MaxHops int `json:"max_hops"`
	// ReachTTL is the TTL at which the room (or something in its name)
	// answered with a SYN-ACK or a reset; nil when nothing did.
	ReachTTL *int `json:"reach_ttl"`
	// LastHop is the last address that answered; nil when nothing
	// answered.
	LastHop *string `json:"last_hop"`
	// LastHopTTL is the TTL LastHop answered at; nil with LastHop.
	LastHopTTL *int `json:"last_hop_ttl"`
	// RejectHop is the hop of the router that rejected or reported
	// unreachable (the lowest TTL its address answered at); nil otherwise
	// and when the platform does not tell the sender.
	RejectHop *int `json:"reject_hop,omitempty"`
	// ResetHop is the hop distance of a reset's sender, from its IP TTL;
	// nil when no reset came or its TTL was not read (ResetNote says why).
	ResetHop *int `json:"reset_hop"`
	// Reset is the IP TTL evidence of the reset; nil when none was read.
	Reset *netpath.ResetEvidence `json:"reset,omitempty"`
	// ResetNote says why a reset's TTL was not read (netpath's
	// ResetNote* texts); empty when it was or no reset came.
	ResetNote string `json:"reset_note,omitempty"`
	// Loop is true when the hops repeat: a routing loop.
	Loop bool `json:"loop,omitempty"`
	// Probes is the number of SYNs the trace sent.
	Probes int `json:"probes"`
	// TraceMS is the trace's wall time in milliseconds.
	TraceMS float64 `json:"trace_ms"`
	// NotMeasured lists what this platform or run could not measure.
	NotMeasured []string `json:"not_measured,omitempty"`
}

// Gateway is the next hop toward the room, or the on-link interface's
// gateway, and whether it answers.
type Gateway struct {
	// Address is the gateway's address.
	Address string `json:"address"`
	// Reachable is true when the gateway answered (its neighbour entry
	// confirmed, a datagram answered, or a hop through it answered), false
	// when its ARP/ND failed, nil when unknown.
	Reachable *bool `json:"reachable"`
	// State is its neighbour state after provoking resolution; empty when
	// it was not probed.
	State string `json:"state,omitempty"`
	// Via says where it came from: GatewayViaRoute or
	// GatewayViaInterface.
	Via string `json:"via"`

	neighbor *netpath.Neighbor
}

// Where a Gateway came from (Gateway.Via).
const (
	// GatewayViaRoute: the route's gateway.
	GatewayViaRoute = "route"
	// GatewayViaInterface: the room is on-link; this is the gateway this
	// host uses on that interface.
	GatewayViaInterface = "interface"
)
