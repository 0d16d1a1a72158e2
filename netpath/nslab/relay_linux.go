package nslab

import (
	"encoding/binary"
	"net"

	"golang.org/x/sys/unix"
)

// enableTOS asks the kernel to report each datagram's TOS (IPv6 traffic
// class) on c, so the relay can carry the mark on.
func enableTOS(c *net.UDPConn) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_RECVTOS, 1)
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_RECVTCLASS, 1)
	})
}

// tosOf reads the TOS or traffic class from a datagram's control
// messages; -1 when absent.
func tosOf(oob []byte) int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1
	}
	for _, m := range msgs {
		switch {
		case m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_TOS && len(m.Data) >= 1:
			return int(m.Data[0])
		case m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_TCLASS && len(m.Data) >= 4:
			return int(binary.NativeEndian.Uint32(m.Data) & 0xff) // an int in host order
		}
	}
	return -1
}

// setTOS sets the TOS (and traffic class) of the datagrams c sends.
func setTOS(c net.Conn, tos int) {
	uc, ok := c.(*net.UDPConn)
	if !ok {
		return
	}
	rc, err := uc.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_TOS, tos)
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_TCLASS, tos)
	})
}

// forceBuffers sets c's receive and send buffers to n bytes with
// SO_RCVBUFFORCE and SO_SNDBUFFORCE (root: the lab runs as root), past the
// host's rmem_max; false when c is no UDP socket or the kernel refused.
func forceBuffers(c any, n int) bool {
	uc, ok := c.(*net.UDPConn)
	if !ok {
		return false
	}
	rc, err := uc.SyscallConn()
	if err != nil {
		return false
	}
	done := false
	_ = rc.Control(func(fd uintptr) {
		done = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n) == nil &&
			unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, n) == nil
	})
	return done
}
