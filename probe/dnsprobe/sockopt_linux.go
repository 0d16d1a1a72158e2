//go:build linux

package dnsprobe

import (
	"net"

	"golang.org/x/sys/unix"
)

// setRecvErr asks the kernel to report ICMP errors (port unreachable, admin
// prohibited) on the unconnected query socket, so a dead resolver port reads
// as connection_refused at once instead of a timeout. Best effort: without
// it the query only times out.
func setRecvErr(c *net.UDPConn, v6 bool) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		if v6 {
			_ = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_RECVERR, 1)
			return
		}
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_RECVERR, 1)
	})
}
