package nslab

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// setMTU sets the MTU of interface ifName.
func (n *NS) setMTU(ifName string, mtu int) error {
	lk, err := n.link(ifName)
	if err != nil {
		return err
	}
	if err := n.nl.LinkSetMTU(lk, mtu); err != nil {
		return fmt.Errorf("nslab: mtu %d on %s in %s: %w", mtu, ifName, n.Name, err)
	}
	return nil
}

// routeDev adds a route to dst (a CIDR) through interface ifName, without
// a gateway.
func (n *NS) routeDev(dst, ifName string) error {
	lk, err := n.link(ifName)
	if err != nil {
		return err
	}
	_, ipnet, err := net.ParseCIDR(dst)
	if err != nil {
		return fmt.Errorf("nslab: route: bad destination %q: %w", dst, err)
	}
	r := &netlink.Route{Dst: ipnet, LinkIndex: lk.Attrs().Index, Scope: netlink.SCOPE_LINK}
	if err := n.nl.RouteAdd(r); err != nil {
		return fmt.Errorf("nslab: route %s dev %s in %s: %w", dst, ifName, n.Name, err)
	}
	return nil
}

// openTun creates the tun device ifName (layer 3, no packet information
// header) inside the namespace and returns its queue, pollable. The lab
// closes it on Close, which removes the device.
func (n *NS) openTun(ifName string) (*os.File, error) {
	var f *os.File
	err := n.Do(func() error {
		fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != nil {
			return err
		}
		ifr, err := unix.NewIfreq(ifName)
		if err == nil {
			ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
			err = unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr)
		}
		if err != nil {
			unix.Close(fd)
			return err
		}
		f = os.NewFile(uintptr(fd), "/dev/net/tun:"+ifName)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nslab: tun %s in %s: %w", ifName, n.Name, err)
	}
	n.lab.track(f)
	return f, nil
}

// tunnel creates tun0 in Client and in R1 and relays packets between them
// in this process, as a user-space VPN does.
func (p *PathLab) tunnel() error {
	a, err := p.Client.openTun(plIfTunnel)
	if err != nil {
		return err
	}
	b, err := p.R1.openTun(plIfTunnel)
	if err != nil {
		return err
	}
	for _, end := range []struct {
		ns   *NS
		addr string
	}{{p.Client, plTunClient + "/30"}, {p.R1, plTunR1 + "/30"}} {
		if err := end.ns.upWithAddrs(plIfTunnel, []string{end.addr}); err != nil {
			return err
		}
	}
	p.servers.Go(func() { relay(a, b) })
	p.servers.Go(func() { relay(b, a) })
	return nil
}

// relay copies packets from src to dst, one read per packet, until src
// fails (the lab closed it) or dst is closed. A packet dst refuses is
// dropped, as on a wire.
func relay(src, dst *os.File) {
	buf := make([]byte, 65536)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		if _, err := dst.Write(buf[:n]); errors.Is(err, os.ErrClosed) {
			return
		}
	}
}
