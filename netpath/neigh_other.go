//go:build !linux

package netpath

import (
	"context"
	"net/netip"
	"runtime"
	"syscall"
)

// ProbeNeighbor cannot read the neighbour table on this platform: it sends
// the nudge and reports only whether addr answered, with State
// NeighUnknown.
func ProbeNeighbor(ctx context.Context, addr netip.Addr, ifName string) (Neighbor, error) {
	n := Neighbor{Address: addr.Unmap().String(), Interface: ifName, State: NeighUnknown}
	select {
	case n.Answered = <-nudge(ctx, addr.Unmap()):
	case <-ctx.Done():
	}
	return n, nil
}

// InterfaceGateway is not known on this platform: the routing table is
// not read.
func InterfaceGateway(ifName string, like netip.Addr) (netip.Addr, bool) { return netip.Addr{}, false }

// refusedErrno reports whether errno means ICMP port unreachable: Windows
// reports it on a connected UDP socket as a reset.
func refusedErrno(e syscall.Errno) bool {
	if runtime.GOOS == "windows" {
		return e == 10054 // WSAECONNRESET
	}
	return e == syscall.ECONNREFUSED
}
