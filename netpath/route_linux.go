//go:build linux

package netpath

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// routeTypeFromErrno maps the errno of a failed route lookup to the route
// type that caused it (the kernel's fib_props table).
func routeTypeFromErrno(err error) (string, bool) {
	switch {
	case errors.Is(err, unix.ENETUNREACH):
		return RouteNone, true
	case errors.Is(err, unix.EHOSTUNREACH):
		return RouteUnreachable, true
	case errors.Is(err, unix.EACCES):
		return RouteProhibit, true
	case errors.Is(err, unix.EINVAL):
		return RouteBlackhole, true
	case errors.Is(err, unix.EAGAIN):
		return RouteThrow, true
	}
	return "", false
}

var routeTypeNames = map[int]string{
	unix.RTN_UNICAST: RouteUnicast, unix.RTN_LOCAL: RouteLocal, unix.RTN_UNREACHABLE: RouteUnreachable,
	unix.RTN_PROHIBIT: RouteProhibit, unix.RTN_BLACKHOLE: RouteBlackhole, unix.RTN_THROW: RouteThrow,
}

func lookupRoute(dst netip.Addr) (Route, error) {
	r := Route{Destination: dst.String()}
	routes, err := netlink.RouteGet(net.IP(dst.AsSlice()))
	if err != nil {
		if typ, ok := routeTypeFromErrno(err); ok {
			r.Type = typ
			return r, nil
		}
		return r, fmt.Errorf("route lookup for %s: %w", dst, err)
	}
	if len(routes) == 0 {
		r.Type = RouteNone
		return r, nil
	}
	fillRoute(&r, routes[0])
	return r, nil
}

func fillRoute(r *Route, nr netlink.Route) {
	r.Type = RouteUnicast
	if name, ok := routeTypeNames[nr.Type]; ok {
		r.Type = name
	}
	r.Table = nr.Table
	if nr.Src != nil {
		r.Source = nr.Src.String()
	}
	if nr.Gw != nil {
		gw := nr.Gw.String()
		r.Gateway = &gw
	} else if r.Type == RouteUnicast {
		r.OnLink = true
	}
	r.MTU = nr.MTU
	if link, err := netlink.LinkByIndex(nr.LinkIndex); err == nil {
		attrs := link.Attrs()
		r.Interface = attrs.Name
		r.InterfaceKind = linkKind(link)
		r.Tunnel = IsTunnelKind(r.InterfaceKind)
		if v, ok := link.(*netlink.Vlan); ok {
			r.VLANID = v.VlanId
		}
		if r.MTU == 0 {
			r.MTU = attrs.MTU
		}
	}
}

// linkKind names the kind of an interface as a network engineer would:
// wifi is told from ethernet by sysfs (a wireless directory or a phy80211
// link).
func linkKind(link netlink.Link) string {
	attrs := link.Attrs()
	if attrs.Flags&net.FlagLoopback != 0 {
		return "loopback"
	}
	switch t := link.Type(); t {
	case "device":
		if isWireless(attrs.Name) {
			return "wifi"
		}
		if attrs.EncapType == "none" || attrs.EncapType == "ppp" {
			return "tun"
		}
		return "ethernet"
	case "tuntap":
		if tt, ok := link.(*netlink.Tuntap); ok && tt.Mode == netlink.TUNTAP_MODE_TAP {
			return "tap"
		}
		return "tun"
	case "vlan", "bridge", "veth", "wireguard", "xfrm", "ipip", "gre", "gretap", "sit", "vxlan", "macvlan", "ipvlan", "bond", "dummy", "vti", "ip6tnl":
		return t
	default:
		return t
	}
}

func isWireless(name string) bool {
	for _, p := range []string{"wireless", "phy80211"} {
		if _, err := os.Stat(filepath.Join("/sys/class/net", name, p)); err == nil {
			return true
		}
	}
	return false
}
