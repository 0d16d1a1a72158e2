//go:build linux

package media

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/netpath/sockerr"
)

// reachMode says how ICMP errors are read: the socket error queue
// (IP_RECVERR), unprivileged.
const reachMode = "recverr"

func setRecvErr(rc syscall.RawConn, v6 bool) {
	_ = rc.Control(func(fd uintptr) {
		if v6 {
			_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVERR, 1)
			return
		}
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVERR, 1)
	})
}

// queuedICMP drains c's error queue and returns its last ICMP error.
func queuedICMP(c *net.UDPConn) (icmpError, bool) {
	rc, err := c.SyscallConn()
	if err != nil {
		return icmpError{}, false
	}
	e, ok := sockerr.LastICMP(sockerr.Read(rc))
	if !ok {
		return icmpError{}, false
	}
	return icmpError{v6: e.V6(), typ: e.Type, code: e.Code, from: e.From}, true
}
