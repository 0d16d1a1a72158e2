//go:build !linux

package media

import (
	"net"
	"syscall"
)

// reachMode: this platform's build has no socket error queue; a connected
// socket's errno says port unreachable at most, without who sent it, and
// other ICMP errors (admin prohibited, host unreachable) read as filtered.
const reachMode = "errno"

func setRecvErr(syscall.RawConn, bool) {}

func queuedICMP(*net.UDPConn) (icmpError, bool) { return icmpError{}, false }
