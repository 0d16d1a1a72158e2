//go:build linux

package netpath

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// RoutingTables lists every route of every table, one line each in the
// spirit of `ip route show table all`, for evidence bundles.
func RoutingTables() ([]string, error) {
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return nil, fmt.Errorf("listing routes: %w", err)
	}
	names := map[int]string{}
	if links, err := netlink.LinkList(); err == nil {
		for _, l := range links {
			names[l.Attrs().Index] = l.Attrs().Name
		}
	}
	out := make([]string, 0, len(routes))
	for _, r := range routes {
		out = append(out, routeLine(r, names))
	}
	return out, nil
}

func routeLine(r netlink.Route, names map[int]string) string {
	dst := "default"
	if r.Dst != nil {
		dst = r.Dst.String()
	}
	typ := routeTypeNames[r.Type]
	if typ == "" {
		typ = fmt.Sprint(r.Type)
	}
	s := fmt.Sprintf("%s %s", typ, dst)
	if r.Gw != nil {
		s += " via " + r.Gw.String()
	}
	if n := names[r.LinkIndex]; n != "" {
		s += " dev " + n
	}
	if r.Src != nil && !r.Src.Equal(net.IP{}) {
		s += " src " + r.Src.String()
	}
	return s + fmt.Sprintf(" table %d metric %d", r.Table, r.Priority)
}
