//go:build !linux && !windows

package netpath

import "syscall"

// setTTL sets the unicast TTL (hop limit) of a socket.
func setTTL(fd uintptr, v4 bool, ttl int) error {
	if v4 {
		return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_TTL, ttl)
	}
	return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_UNICAST_HOPS, ttl)
}
