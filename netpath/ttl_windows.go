//go:build windows

package netpath

import "syscall"

// Winsock option numbers (ws2ipdef.h).
const (
	wsIPTTL          = 4
	wsIPv6UnicastHop = 4
)

// setTTL sets the unicast TTL (hop limit) of a socket.
func setTTL(fd uintptr, v4 bool, ttl int) error {
	if v4 {
		return syscall.SetsockoptInt(syscall.Handle(fd), syscall.IPPROTO_IP, wsIPTTL, ttl)
	}
	return syscall.SetsockoptInt(syscall.Handle(fd), syscall.IPPROTO_IPV6, wsIPv6UnicastHop, ttl)
}
