//go:build linux

package netpath

import (
	"context"
	"net/netip"
	"testing"
	"time"
)

// TestPathMTULoopback: a datagram of lo's MTU reaches 127.0.0.1, which
// answers port unreachable: the path MTU is confirmed (IP_MTU caps lo at
// 65535, the largest IPv4 packet).
func TestPathMTULoopback(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	got := ProbePathMTU(ctx, netip.MustParseAddr("127.0.0.1"), 65536)
	if got.Path == nil || *got.Path < 65535 || got.Source != PMTUConfirmed || got.Probes != 1 {
		t.Errorf("ProbePathMTU(127.0.0.1) = %+v (path %v)", got, deref(got.Path))
	}
}

func deref(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}
