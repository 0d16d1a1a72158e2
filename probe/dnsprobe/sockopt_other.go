//go:build !linux

package dnsprobe

import "net"

// setRecvErr does nothing here: an unconnected UDP socket gets no ICMP
// errors on this platform, so a closed resolver port reads as a timeout
// (see netpath.PlatformLimits).
func setRecvErr(*net.UDPConn, bool) {}
