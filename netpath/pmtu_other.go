//go:build !linux

package netpath

import (
	"context"
	"net/netip"
	"runtime"
)

// ProbePathMTU does not measure the path MTU on this platform (no socket
// error queue to read fragmentation-needed messages from); it reports the
// interface MTU and says so.
func ProbePathMTU(ctx context.Context, dst netip.Addr, ifMTU int) PathMTU {
	return PathMTU{Interface: ifMTU, Note: runtime.GOOS + ": path MTU not measured (no socket error queue)"}
}
