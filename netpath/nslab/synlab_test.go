//go:build linux

package nslab

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSynproxyLab checks the staged faults with plain connects: the
// synproxy completes every handshake to Port on the room network (even to
// an address nobody owns), OtherPort is not proxied, and S answers no TTL
// while rejecting behind it.
func TestSynproxyLab(t *testing.T) {
	Need(t)
	p, err := NewSynproxyLab()
	if errors.Is(err, ErrNoSynproxy) {
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatalf("NewSynproxyLab: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("SynproxyLab.Close: %v", err)
		}
		if left := labNamespaces(t, p.Lab.Prefix()); len(left) != 0 {
			t.Errorf("namespaces left after Close: %v", left)
		}
	})
	const wait = 1500 * time.Millisecond
	established := map[string]bool{"": true, "ECONNRESET": true} // the room's reset may beat connect's return
	tests := []struct {
		name      string
		addr      string
		port, ttl int
		want      ttlOutcome
	}{
		{"ttl 1 expires at R", p.BehindSilent, p.Port, 1, ttlOutcome{"EHOSTUNREACH", 11, 0, p.Hop1}},
		{"S sends no time exceeded", p.BehindSilent, p.Port, 2, ttlOutcome{Errno: "timeout"}},
		{"Far at ttl 3", p.BehindSilent, p.Port, p.FarHops, ttlOutcome{}},
		{"S rejects behind its silence", p.RejectedBehindSilent, p.Port, 3, ttlOutcome{"EHOSTUNREACH", 3, 13, p.Hop2}},
		{"the proxy answers for nobody", p.NoHost, p.Port, 64, ttlOutcome{}},
		{"the proxy answers for nobody v6", p.NoHostV6, p.Port, 64, ttlOutcome{}},
		{"the proxy answers for the room", p.Proxied, p.Port, 64, ttlOutcome{}},
		{"OtherPort is not proxied", p.Refused, p.OtherPort, 64, ttlOutcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := connectTTL(p.Client, tt.addr, tt.port, tt.ttl, wait)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s:%d ttl %d (-want +got)\n%s", tt.addr, tt.port, tt.ttl, diff)
			}
		})
	}
	got, err := connectTTL(p.Client, p.Refused, p.Port, 64, wait)
	if err != nil || !established[got.Errno] {
		t.Errorf("refused behind the proxy: %+v (%v), want the handshake to complete (it is the proxy's)", got, err)
	}
}
