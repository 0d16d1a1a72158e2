package netpath

import "net/netip"

// Route types, as the kernel names them.
const (
	RouteUnicast     = "unicast"
	RouteLocal       = "local"
	RouteUnreachable = "unreachable"
	RouteProhibit    = "prohibit"
	RouteBlackhole   = "blackhole"
	RouteThrow       = "throw"
	// RouteNone means the table has no route at all for the destination.
	RouteNone = "none"
	// RouteUnknown means the platform could not tell.
	RouteUnknown = "unknown"
)

// Route is the route this host would use for one destination.
type Route struct {
	Destination string `json:"destination"`
	// Interface is the egress interface name; empty when there is none.
	Interface string `json:"interface,omitempty"`
	// InterfaceKind is ethernet, wifi, vlan, bridge, veth, tun, wireguard,
	// xfrm, loopback, … (empty when unknown).
	InterfaceKind string `json:"interface_kind,omitempty"`
	// VLANID is set for a vlan interface.
	VLANID int `json:"vlan_id,omitempty"`
	// Tunnel is true when the interface is a tunnel or VPN (tun, tap,
	// wireguard, xfrm, ipip, gre, ppp, …): traffic leaves encapsulated, so a
	// test through it does not show the local network's path.
	Tunnel bool `json:"tunnel,omitempty"`
	// Source is the preferred source address.
	Source string `json:"source,omitempty"`
	// Gateway is nil when the destination is on-link.
	Gateway *string `json:"gateway"`
	OnLink  bool    `json:"on_link"`
	// Type is one of the Route* constants.
	Type string `json:"type"`
	// Table is the routing table that matched (Linux policy routing).
	Table int `json:"table,omitempty"`
	// MTU is the route's path MTU when the kernel knows one, else the
	// interface MTU; 0 when unknown.
	MTU int `json:"mtu,omitempty"`
}

// Usable reports whether packets to the destination can leave this host.
func (r Route) Usable() bool {
	return r.Type == RouteUnicast || r.Type == RouteLocal || r.Type == RouteUnknown
}

// LookupRoute asks the local routing table which route it would use for dst
// (policy routing respected on Linux). A missing or non-forwarding route is
// not an error: it comes back as a Route whose Type says so. An error means
// the table could not be read.
func LookupRoute(dst netip.Addr) (Route, error) { return lookupRoute(dst.Unmap()) }

// tunnelKinds are the interface kinds that carry traffic through a tunnel
// or VPN.
var tunnelKinds = map[string]bool{
	"tun": true, "tap": true, "wireguard": true, "xfrm": true, "ipip": true, "gre": true, "gretap": true,
	"ip6gre": true, "ip6gretap": true, "sit": true, "vti": true, "vti6": true, "ip6tnl": true, "ppp": true,
	"ovpn": true, "tunnel": true,
}

// IsTunnelKind reports whether an interface kind (Route.InterfaceKind) is a
// tunnel or VPN.
func IsTunnelKind(kind string) bool { return tunnelKinds[kind] }
