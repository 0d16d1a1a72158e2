//go:build !windows

package probetest

import (
	"net/netip"
	"syscall"
)

// silentListener listens on 127.0.0.1 with a backlog of zero.
func silentListener() (func(), netip.AddrPort, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	closeFD := func() { syscall.Close(fd) }
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		closeFD()
		return nil, netip.AddrPort{}, err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		closeFD()
		return nil, netip.AddrPort{}, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		closeFD()
		return nil, netip.AddrPort{}, err
	}
	return closeFD, netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(sa.(*syscall.SockaddrInet4).Port)), nil
}
