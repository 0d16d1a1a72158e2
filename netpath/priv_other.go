//go:build !linux

package netpath

import (
	"os"
	"runtime"
)

// HasRawSocket reports whether raw sockets are likely usable: root on Unix,
// never assumed on Windows.
func HasRawSocket() bool { return runtime.GOOS != "windows" && os.Geteuid() == 0 }

// PlatformLimits lists what this build cannot measure.
func PlatformLimits() []string {
	l := []string{
		runtime.GOOS + ": ICMP errors are not read from a socket error queue (no IP_RECVERR); an ICMP reject, a host-unreachable and a silent drop are told apart only as far as the errno allows, without the reporting router's address",
		runtime.GOOS + ": route type (unreachable/prohibit/blackhole) and neighbour state are not read",
	}
	return l
}
