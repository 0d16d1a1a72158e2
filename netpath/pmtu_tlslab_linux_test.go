//go:build linux

package netpath

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/roompath/roompath/netpath/nslab"
)

// TestLabPathMTUBlackHole: behind the TLS lab's 1280-byte link, whose
// routers drop fragmentation needed and packet too big, the full-sized
// datagram vanishes while the 1280-byte one reaches Far: the probe reports
// a possible black hole instead of the kernel's 1500. Near, off the small
// link, confirms 1500.
func TestLabPathMTUBlackHole(t *testing.T) {
	nslab.Need(t)
	l, err := nslab.NewTLSLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	hole := &PMTUBlackHole{Lost: l.LinkMTU, Reached: l.SmallMTU}
	tests := []struct {
		addr string
		want PathMTU
	}{
		{l.BigChain, PathMTU{Interface: l.LinkMTU, Probes: 1, BlackHole: hole}},
		{l.BigChainV6, PathMTU{Interface: l.LinkMTU, Probes: 1, BlackHole: hole}},
		{l.Clean, PathMTU{Interface: l.LinkMTU, Path: ptr(l.LinkMTU), Source: PMTUConfirmed, Probes: 1}},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		var got PathMTU
		if err := l.Client.Do(func() error { got = ProbePathMTU(ctx, netip.MustParseAddr(tt.addr), l.LinkMTU); return nil }); err != nil {
			t.Fatal(err)
		}
		cancel()
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(PathMTU{}, "Note")); diff != "" {
			t.Errorf("ProbePathMTU(%s) (-want +got)\n%s", tt.addr, diff)
		}
		if (got.BlackHole != nil) != (got.Note != "") {
			t.Errorf("ProbePathMTU(%s): black hole %v with note %q", tt.addr, got.BlackHole, got.Note)
		}
	}
}
