//go:build linux

package netpath

import (
	"context"
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// neighPoll is how often the neighbour table is read while resolution is
// under way: ARP answers in well under a millisecond on a LAN, a failure
// takes 200 ms to 3 s.
const neighPoll = 20 * time.Millisecond

var neighStates = []struct {
	bit  int
	name string
}{
	{netlink.NUD_PERMANENT, NeighPermanent}, {netlink.NUD_NOARP, NeighNoARP},
	{netlink.NUD_REACHABLE, NeighReachable}, {netlink.NUD_FAILED, NeighFailed},
	{netlink.NUD_INCOMPLETE, NeighIncomplete}, {netlink.NUD_PROBE, NeighProbe},
	{netlink.NUD_DELAY, NeighDelay}, {netlink.NUD_STALE, NeighStale},
}

// neighStateName names a NUD_* bit set.
func neighStateName(state int) string {
	for _, s := range neighStates {
		if state&s.bit != 0 {
			return s.name
		}
	}
	return NeighNone
}

// ProbeNeighbor provokes resolution of the on-link address addr on
// interface ifName (a datagram to its discard port) and reads the
// neighbour table until the kernel settles (reachable or failed), addr
// answers, or ctx ends. The error is set only when the table cannot be
// read.
func ProbeNeighbor(ctx context.Context, addr netip.Addr, ifName string) (Neighbor, error) {
	addr = addr.Unmap()
	n := Neighbor{Address: addr.String(), Interface: ifName, State: NeighNone}
	link, err := netlink.LinkByName(ifName)
	if err != nil {
		return n, err
	}
	answered := nudge(ctx, withZone(addr, ifName))
	tick := time.NewTicker(neighPoll)
	defer tick.Stop()
	for {
		readNeighbor(&n, link.Attrs().Index, addr)
		select {
		case ok := <-answered:
			n.Answered, answered = ok, nil
		case <-tick.C:
		case <-ctx.Done():
			return n, nil
		}
		if n.settled() {
			readNeighbor(&n, link.Attrs().Index, addr)
			return n, nil
		}
	}
}

// readNeighbor fills n from the kernel's entry for addr on link: its state
// and its MAC, which the kernel reports only while the entry is valid (an
// entry that went to failed loses the MAC it had).
func readNeighbor(n *Neighbor, link int, addr netip.Addr) {
	fam := netlink.FAMILY_V4
	if addr.Is6() {
		fam = netlink.FAMILY_V6
	}
	list, err := netlink.NeighList(link, fam)
	if err != nil {
		return
	}
	for _, e := range list {
		if a, ok := netip.AddrFromSlice(e.IP); ok && a.Unmap() == addr.WithZone("") {
			n.State, n.MAC = neighStateName(e.State), ""
			if len(e.HardwareAddr) > 0 {
				n.MAC = e.HardwareAddr.String()
			}
			return
		}
	}
	n.State, n.MAC = NeighNone, ""
}

// withZone gives an IPv6 link-local address its interface.
func withZone(a netip.Addr, ifName string) netip.Addr {
	if a.Is6() && a.IsLinkLocalUnicast() && a.Zone() == "" {
		return a.WithZone(ifName)
	}
	return a
}

// InterfaceGateway returns the gateway this host routes through on
// interface ifName, for the family of like: the default route's gateway on
// that interface first, else any gateway a route names there.
func InterfaceGateway(ifName string, like netip.Addr) (netip.Addr, bool) {
	link, err := netlink.LinkByName(ifName)
	if err != nil {
		return netip.Addr{}, false
	}
	fam := netlink.FAMILY_V4
	if like.Unmap().Is6() {
		fam = netlink.FAMILY_V6
	}
	routes, err := netlink.RouteListFiltered(fam, &netlink.Route{LinkIndex: link.Attrs().Index, Table: unix.RT_TABLE_UNSPEC},
		netlink.RT_FILTER_OIF|netlink.RT_FILTER_TABLE)
	if err != nil {
		return netip.Addr{}, false
	}
	return pickGateway(routes)
}

// pickGateway prefers a default route's gateway, then the first gateway.
func pickGateway(routes []netlink.Route) (netip.Addr, bool) {
	var first netip.Addr
	for _, r := range routes {
		gw, ok := netip.AddrFromSlice(r.Gw)
		if !ok || r.Gw == nil {
			continue
		}
		if isDefault(r.Dst) {
			return gw.Unmap(), true
		}
		if !first.IsValid() {
			first = gw.Unmap()
		}
	}
	return first, first.IsValid()
}

func isDefault(dst *net.IPNet) bool {
	if dst == nil {
		return true
	}
	ones, _ := dst.Mask.Size()
	return ones == 0
}

// refusedErrno reports whether errno means ICMP port unreachable.
func refusedErrno(e syscall.Errno) bool { return e == unix.ECONNREFUSED }
