//go:build linux

package proxyprobe

import (
	"context"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// mssSupported says whether this platform sets the MSS a SYN advertises:
// Linux takes TCP_MAXSEG set before connect as the MSS option's ceiling.
const mssSupported = true

// dialWithMSS connects to addr with a SYN advertising at most mss, so the
// peer sends segments of at most mss bytes. It needs no privilege.
func dialWithMSS(ctx context.Context, addr string, mss int) (net.Conn, error) {
	d := net.Dialer{Control: mssControl(mss)}
	return d.DialContext(ctx, "tcp", addr)
}

// mssControl sets TCP_MAXSEG on a socket before it connects.
func mssControl(mss int) func(network, address string, c syscall.RawConn) error {
	return func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_MAXSEG, mss) }); err != nil {
			return err
		}
		return serr
	}
}
