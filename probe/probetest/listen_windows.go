//go:build windows

package probetest

import (
	"net/netip"
	"syscall"
	"testing"
)

func silentListener(tb testing.TB) (syscall.Handle, netip.AddrPort) {
	tb.Skip("a silent listener needs Linux accept-queue behaviour")
	return 0, netip.AddrPort{}
}
