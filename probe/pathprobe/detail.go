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
	// SilentHops lists the TTLs below the last answer that got none:
	// routers that send no time exceeded or rate-limit it; their
	// addresses are unknown and no fault is laid on them.
	SilentHops []int `json:"silent_hops,omitempty"`
	// HandshakeCheck says how a terminal SYN-ACK was judged
	// (HandshakeCheckPost, HandshakeCheckRawTTL); empty when none came or
	// the platform cannot tell (connect mode).
	HandshakeCheck string `json:"handshake_check,omitempty"`
	// AfterHandshake is what followed the terminal SYN-ACK
	// (netpath.AfterHandshake*: acked, reset, silent, unconfirmed).
	AfterHandshake string `json:"after_handshake,omitempty"`
	// SynAck is the IP TTL evidence of the terminal SYN-ACK (raw mode):
	// a hop below reach_ttl means a device short of the room answered.
	SynAck *netpath.ResetEvidence `json:"syn_ack,omitempty"`
	// HandshakeNote says what the handshake check could not tell.
	HandshakeNote string `json:"handshake_note,omitempty"`
	// Probes is the number of SYNs the trace sent.
	Probes int `json:"probes"`
	// TraceMS is the trace's wall time in milliseconds.
	TraceMS float64 `json:"trace_ms"`
	// NotMeasured lists what this platform or run could not measure.
	NotMeasured []string `json:"not_measured,omitempty"`
	// ProxyARP is the evidence that a router answers ARP for the on-link
	// room with its own MAC (client isolation by proxy ARP); nil when the
	// room is routed or nothing points to it.
	ProxyARP *ProxyARP `json:"proxy_arp,omitempty"`
	// LastHopIsRoomGateway says whether LastHop is the room's last router
	// (the route's last hop before the room), as the control trace shows
	// it: true when the room answered Control.Port one hop beyond
	// LastHop, so the traced port died between that router and the room;
	// false when a router beyond LastHop answered the control trace
	// (Control.NextRouter), so the traced port died before the room's
	// last router; nil when it is not known: no control trace ran, the
	// room did not answer it, the hops in between stayed silent, or the
	// two ports took different paths. One port's trace cannot know it: a
	// room that drops the port looks like one more silent hop.
	LastHopIsRoomGateway *bool `json:"last_hop_is_room_gateway,omitempty"`
	// Control is the trace toward the room's control port, run only when
	// the traced port died silently after a router that answered, on a
	// routed path; nil when it did not run.
	Control *Control `json:"control,omitempty"`
}

// ProxyARP is the evidence that an on-link room's address is answered by a
// router: its neighbour entry holds the gateway's MAC, or a router sent
// ICMP time exceeded for a SYN to it. Either way this host's traffic to the
// room goes to that router instead of straight to the room, as with an AP
// or gateway that isolates Wi-Fi clients by proxy ARP.
type ProxyARP struct {
	// RoomMAC is the MAC this host's neighbour entry holds for the room;
	// empty when it was not resolved or not read.
	RoomMAC string `json:"room_mac,omitempty"`
	// Gateway is the gateway compared (Detail.Gateway.Address); empty
	// when there is none.
	Gateway string `json:"gateway,omitempty"`
	// GatewayMAC is the MAC this host's neighbour entry holds for
	// Gateway; empty when it was not resolved or not read.
	GatewayMAC string `json:"gateway_mac,omitempty"`
	// SameMAC is true when RoomMAC and GatewayMAC are both known and
	// equal: the gateway answered ARP/ND for the room.
	SameMAC bool `json:"same_mac"`
	// Hairpin is the trace's first time-exceeded hop toward the on-link
	// room: a router forwarded a packet for an address on this host's own
	// subnet; nil when none came.
	Hairpin *netpath.Hop `json:"hairpin,omitempty"`
}

// Control is the control trace: the same TCP trace toward another port of
// the room (DefaultControlPort), which places a silent drop of the traced
// port.
type Control struct {
	// Port is the TCP port traced as the control.
	Port uint16 `json:"port"`
	// Hops are its hops, as Detail.Hops.
	Hops []netpath.Hop `json:"hops"`
	// ReachTTL is the TTL at which the room answered the control port (a
	// SYN-ACK, or a reset not shown to be forged); nil when it did not.
	ReachTTL *int `json:"reach_ttl"`
	// NextRouter is the first hop beyond Detail.LastHopTTL that answered
	// the control trace with time exceeded: a router the traced port's
	// SYNs never reached; nil when none did.
	NextRouter *netpath.Hop `json:"next_router,omitempty"`
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
	// MAC is the MAC its neighbour entry holds; empty when it was not
	// resolved or not read.
	MAC string `json:"mac,omitempty"`

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
