package nslab

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// maxIfName is the longest interface name Linux accepts (IFNAMSIZ-1).
const maxIfName = 15

// Link connects a and b with a veth pair: interface aIf in a, bIf in b, both
// created directly inside their namespaces. Each side gets its addresses in
// CIDR form ("10.99.1.2/24", "fd00:99:1::2/64"; IPv6 ones with IFA_F_NODAD,
// usable at once) and is brought up. Interface names must be 1–15 bytes and
// free in their namespace. a and b may be the same namespace.
//
// Like a real wire, the pair delivers each packet after the sending
// syscall has returned (GRO and threaded NAPI on, TSO off), so an ICMP error
// provoked by a SYN reaches the connecting socket as a hard error at once,
// with or without IP_RECVERR; and each end queues up to 10,000 packets in a
// pfifo, so a sweep's bursts are queued rather than dropped. Link returns
// once both ends are ready (see WaitReady).
func (l *Lab) Link(a *NS, aIf string, aAddrs []string, b *NS, bIf string, bAddrs []string) error {
	for _, name := range []string{aIf, bIf} {
		if len(name) == 0 || len(name) > maxIfName {
			return fmt.Errorf("nslab: interface name %q must be 1-%d bytes", name, maxIfName)
		}
	}
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: aIf},
		PeerName:      bIf,
		PeerNamespace: netlink.NsFd(int(b.handle)),
	}
	if err := a.nl.LinkAdd(veth); err != nil {
		return fmt.Errorf("nslab: veth %s/%s <-> %s/%s: %w", a.Name, aIf, b.Name, bIf, err)
	}
	if err := a.upWithAddrs(aIf, aAddrs); err != nil {
		return err
	}
	if err := b.upWithAddrs(bIf, bAddrs); err != nil {
		return err
	}
	if err := a.asyncRx(aIf); err != nil {
		return err
	}
	if err := b.asyncRx(bIf); err != nil {
		return err
	}
	if err := a.WaitReady(aIf); err != nil {
		return err
	}
	return b.WaitReady(bIf)
}

// readyTimeout bounds WaitReady: carrier and IPv6 address setup take a few
// milliseconds, but run from kernel work queues, so they are not done when
// the netlink calls return.
const readyTimeout = 5 * time.Second

// readyPoll is how often WaitReady looks again.
const readyPoll = 2 * time.Millisecond

// WaitReady waits until interface ifName is operationally up and IPv6 on it
// is usable: a link-local address exists and no IPv6 address is still
// tentative. Until then the kernel drops neighbour solicitations for the
// interface's addresses, and the first IPv6 packet through it is lost for a
// second. Link calls it for both ends; call it after building a bridge and
// attaching its ports. It gives up after 5 s.
func (n *NS) WaitReady(ifName string) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		ready, err := n.ready(ifName)
		if err != nil || ready {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nslab: %s in %s not ready after %v", ifName, n.Name, readyTimeout)
		}
		time.Sleep(readyPoll)
	}
}

// ready reports whether ifName is up with settled IPv6 addresses.
func (n *NS) ready(ifName string) (bool, error) {
	lk, err := n.link(ifName)
	if err != nil {
		return false, err
	}
	if lk.Attrs().OperState != netlink.OperUp {
		return false, nil
	}
	if _, err := os.Stat("/proc/sys/net/ipv6"); err != nil {
		return true, nil // no IPv6 in this kernel
	}
	addrs, err := n.nl.AddrList(lk, netlink.FAMILY_V6)
	if err != nil {
		return false, fmt.Errorf("nslab: addresses of %s in %s: %w", ifName, n.Name, err)
	}
	linkLocal := false
	for _, a := range addrs {
		if a.Flags&unix.IFA_F_TENTATIVE != 0 {
			return false, nil
		}
		linkLocal = linkLocal || a.IP.IsLinkLocalUnicast()
	}
	return linkLocal, nil
}

// upWithAddrs adds addrs to ifName and brings it up.
func (n *NS) upWithAddrs(ifName string, addrs []string) error {
	for _, a := range addrs {
		if err := n.AddAddr(ifName, a); err != nil {
			return err
		}
	}
	return n.SetUp(ifName)
}

// link looks ifName up in the namespace.
func (n *NS) link(ifName string) (netlink.Link, error) {
	lk, err := n.nl.LinkByName(ifName)
	if err != nil {
		return nil, fmt.Errorf("nslab: %s in %s: %w", ifName, n.Name, err)
	}
	return lk, nil
}

// SetUp brings interface ifName up.
func (n *NS) SetUp(ifName string) error {
	lk, err := n.link(ifName)
	if err != nil {
		return err
	}
	if err := n.nl.LinkSetUp(lk); err != nil {
		return fmt.Errorf("nslab: %s up in %s: %w", ifName, n.Name, err)
	}
	return nil
}

// AddAddr adds cidr ("10.99.2.2/24", "fd00:99:2::2/64") to interface ifName;
// IPv6 addresses get IFA_F_NODAD so they are usable at once.
func (n *NS) AddAddr(ifName, cidr string) error {
	lk, err := n.link(ifName)
	if err != nil {
		return err
	}
	addr, err := netlink.ParseAddr(cidr)
	if err != nil {
		return fmt.Errorf("nslab: address %q: %w", cidr, err)
	}
	if addr.IP.To4() == nil {
		addr.Flags |= unix.IFA_F_NODAD
	}
	if err := n.nl.AddrAdd(lk, addr); err != nil {
		return fmt.Errorf("nslab: add %s to %s in %s: %w", cidr, ifName, n.Name, err)
	}
	return nil
}

// Route adds a route to dst (a CIDR, or "default") via the gateway address
// via. The address family follows via for "default".
func (n *NS) Route(dst string, via string) error {
	gw := net.ParseIP(via)
	if gw == nil {
		return fmt.Errorf("nslab: route %s: bad gateway %q", dst, via)
	}
	r := &netlink.Route{Gw: gw}
	if dst != "default" {
		_, ipnet, err := net.ParseCIDR(dst)
		if err != nil {
			return fmt.Errorf("nslab: route: bad destination %q: %w", dst, err)
		}
		r.Dst = ipnet
	}
	if err := n.nl.RouteAdd(r); err != nil {
		return fmt.Errorf("nslab: route %s via %s in %s: %w", dst, via, n.Name, err)
	}
	return nil
}

// routeTypes maps RouteType's names to kernel route types.
var routeTypes = map[string]int{
	"unreachable": unix.RTN_UNREACHABLE, // connect fails with EHOSTUNREACH
	"prohibit":    unix.RTN_PROHIBIT,    // connect fails with EACCES
	"blackhole":   unix.RTN_BLACKHOLE,   // connect fails with EINVAL
	"local":       unix.RTN_LOCAL,       // every address in dst is local
}

// RouteType adds a route of type typ covering dst (a CIDR): "unreachable",
// "prohibit" or "blackhole" in the main table, or "local", which, like
// `ip route add local dst dev lo`, makes every address in dst a local one
// that a wildcard listener answers.
func (n *NS) RouteType(dst string, typ string) error {
	rt, ok := routeTypes[typ]
	if !ok {
		return fmt.Errorf("nslab: unknown route type %q", typ)
	}
	_, ipnet, err := net.ParseCIDR(dst)
	if err != nil {
		return fmt.Errorf("nslab: route %s: bad destination %q: %w", typ, dst, err)
	}
	r := &netlink.Route{Dst: ipnet, Type: rt}
	if typ == "local" {
		lo, err := n.link("lo")
		if err != nil {
			return err
		}
		r.LinkIndex, r.Table, r.Scope = lo.Attrs().Index, unix.RT_TABLE_LOCAL, netlink.SCOPE_HOST
	}
	if err := n.nl.RouteAdd(r); err != nil {
		return fmt.Errorf("nslab: route %s %s in %s: %w", typ, dst, n.Name, err)
	}
	return nil
}

// AddBridge creates a bridge named name in the namespace, with addrs (CIDR
// form) on it, and brings it up. Attach ports with SetMaster, then call
// WaitReady for the bridge before relying on its IPv6 addresses.
func (n *NS) AddBridge(name string, addrs []string) error {
	if len(name) == 0 || len(name) > maxIfName {
		return fmt.Errorf("nslab: bridge name %q must be 1-%d bytes", name, maxIfName)
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name}}
	if err := n.nl.LinkAdd(br); err != nil {
		return fmt.Errorf("nslab: bridge %s in %s: %w", name, n.Name, err)
	}
	return n.upWithAddrs(name, addrs)
}

// SetMaster makes interface ifName a port of bridge.
func (n *NS) SetMaster(ifName, bridge string) error {
	port, err := n.link(ifName)
	if err != nil {
		return err
	}
	br, err := n.link(bridge)
	if err != nil {
		return err
	}
	if err := n.nl.LinkSetMaster(port, br); err != nil {
		return fmt.Errorf("nslab: %s master %s in %s: %w", ifName, bridge, n.Name, err)
	}
	return nil
}

// SetIsolated turns bridge port isolation on or off for bridge port ifName
// (`bridge link set dev ifName isolated on`): isolated ports can talk to
// non-isolated ports only, never to each other, like client isolation on a
// Wi-Fi SSID.
func (n *NS) SetIsolated(ifName string, on bool) error {
	port, err := n.link(ifName)
	if err != nil {
		return err
	}
	if err := n.nl.LinkSetIsolated(port, on); err != nil {
		return fmt.Errorf("nslab: isolate %s in %s: %w", ifName, n.Name, err)
	}
	return nil
}

// veth is one veth pair of a lab's plan: a's end aIf with aAddrs and b's
// end bIf with bAddrs (CIDRs).
type veth struct {
	a      *NS
	aIf    string
	aAddrs []string
	b      *NS
	bIf    string
	bAddrs []string
}

// linkAll creates every pair of a plan, in order.
func (l *Lab) linkAll(pairs []veth) error {
	for _, v := range pairs {
		if err := l.Link(v.a, v.aIf, v.aAddrs, v.b, v.bIf, v.bAddrs); err != nil {
			return err
		}
	}
	return nil
}
