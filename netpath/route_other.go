//go:build !linux

package netpath

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// lookupRoute uses the connected-UDP-socket trick: connecting a UDP socket
// sends nothing but makes the kernel pick a route and source address. The
// gateway, the route type and the table cannot be read this way.
func lookupRoute(dst netip.Addr) (Route, error) {
	r := Route{Destination: dst.String(), Type: RouteUnknown}
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(dst, 9)))
	if err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) {
			r.Type = RouteNone
			return r, nil
		}
		return r, err
	}
	defer c.Close()
	src := c.LocalAddr().(*net.UDPAddr)
	r.Source = src.IP.String()
	r.Interface, r.MTU = interfaceOf(src.IP)
	if kindByName(r.Interface) != "" {
		r.InterfaceKind, r.Tunnel = kindByName(r.Interface), true
	}
	return r, nil
}

func interfaceOf(ip net.IP) (string, int) {
	ifs, _ := net.Interfaces()
	for _, ifc := range ifs {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return ifc.Name, ifc.MTU
			}
		}
	}
	return "", 0
}

// tunnelNamePrefixes are interface names that are tunnels by convention on
// macOS and the BSDs (utun: system and third-party VPNs; ipsec; ppp; gif;
// wg: WireGuard) and common VPN clients elsewhere. Without a kernel kind to
// read, the name is the only evidence.
var tunnelNamePrefixes = []string{"utun", "tun", "tap", "wg", "ppp", "ipsec", "gif", "tailscale", "zt"}

// kindByName returns "tunnel" for an interface named like a tunnel, else
// "".
func kindByName(name string) string {
	lower := strings.ToLower(name)
	for _, p := range tunnelNamePrefixes {
		if strings.HasPrefix(lower, p) {
			return "tunnel"
		}
	}
	return ""
}
