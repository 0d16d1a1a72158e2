//go:build !windows

package probetest

import (
	"net/netip"
	"syscall"
)

// silentListener listens on 127.0.0.1 with a backlog of zero.
func silentListener() (func(), netip.AddrPort, error) {
	closeFD, ap, fd, err := bind()
	if err != nil {
		return nil, ap, err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		closeFD()
		return nil, netip.AddrPort{}, err
	}
	return closeFD, ap, nil
}

// boundSocket holds a TCP port on 127.0.0.1 without listening on it.
func boundSocket() (func(), netip.AddrPort, error) {
	closeFD, ap, _, err := bind()
	return closeFD, ap, err
}

// bind makes a TCP socket bound to a free port of 127.0.0.1.
func bind() (func(), netip.AddrPort, int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, netip.AddrPort{}, 0, err
	}
	closeFD := func() { syscall.Close(fd) }
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		closeFD()
		return nil, netip.AddrPort{}, 0, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		closeFD()
		return nil, netip.AddrPort{}, 0, err
	}
	return closeFD, netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(sa.(*syscall.SockaddrInet4).Port)), fd, nil
}
