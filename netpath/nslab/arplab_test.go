//go:build linux

package nslab

import (
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
)

// newProxyARPLab builds a ProxyARPLab for one test and closes it
// afterwards.
func newProxyARPLab(t *testing.T) *ProxyARPLab {
	t.Helper()
	Need(t)
	start := time.Now()
	p, err := NewProxyARPLab()
	if err != nil {
		t.Fatalf("NewProxyARPLab: %v", err)
	}
	t.Logf("proxy-ARP lab built in %v", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("ProxyARPLab.Close: %v", err)
		}
		if left := labNamespaces(t, p.Lab.Prefix()); len(left) != 0 {
			t.Errorf("namespaces left after Close: %v", left)
		}
	})
	return p
}

func TestProxyARPLab(t *testing.T) {
	p := newProxyARPLab(t)
	t.Run("hops", func(t *testing.T) { testProxyARPHops(t, p) })
	t.Run("neighbours", func(t *testing.T) { testProxyARPNeighbours(t, p) })
}

// testProxyARPHops checks who answers each TTL and port: the proxy-ARP
// gateway expires TTL 1 for the isolated room and drops the rest; the
// filters in front of the routed rooms drop Port only.
func testProxyARPHops(t *testing.T, p *ProxyARPLab) {
	const wait = 1500 * time.Millisecond
	te := func(from string) ttlOutcome { return ttlOutcome{"EHOSTUNREACH", 11, 0, from} }
	timeout := ttlOutcome{Errno: "timeout"}
	tests := []struct {
		name      string
		addr      string
		port, ttl int
		want      ttlOutcome
	}{
		{"isolated room: ttl 1 expires at the gateway", p.Isolated, p.Port, 1, te(p.GatewayAddr)},
		{"isolated room: the gateway drops ttl 2", p.Isolated, p.Port, 2, timeout},
		{"isolated room: the gateway drops 443 too", p.Isolated, p.OtherPort, 64, timeout},
		{"peer reached at ttl 1", p.Peer, p.Port, 1, ttlOutcome{}},
		{"room firewall: ttl 2 expires at R2", p.RoomFirewall, p.Port, 2, te(p.R2Addr)},
		{"room firewall drops 9090", p.RoomFirewall, p.Port, 64, timeout},
		{"room firewall: 443 reached at ttl 3", p.RoomFirewall, p.OtherPort, p.RoomHops, ttlOutcome{}},
		{"last router: ttl 2 expires at R2", p.LastRouterDrop, p.Port, 2, te(p.R2Addr)},
		{"last router drops 9090", p.LastRouterDrop, p.Port, 64, timeout},
		{"last router: 443 reached at ttl 3", p.LastRouterDrop, p.OtherPort, p.RoomHops, ttlOutcome{}},
		{"early drop: ttl 1 expires at the gateway", p.EarlyDrop, p.Port, 1, te(p.GatewayAddr)},
		{"early drop: ttl 2 dropped by the gateway", p.EarlyDrop, p.Port, 2, timeout},
		{"early drop: 443 at ttl 2 expires at R2", p.EarlyDrop, p.OtherPort, 2, te(p.R2Addr)},
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
}

// testProxyARPNeighbours checks Client's neighbour table: the isolated
// room resolves to the gateway's MAC, the peer to its own.
func testProxyARPNeighbours(t *testing.T, p *ProxyARPLab) {
	if p.GatewayMAC == p.IsolatedMAC || p.GatewayMAC == p.PeerMAC {
		t.Fatalf("MACs not distinct: gateway %s, room %s, peer %s", p.GatewayMAC, p.IsolatedMAC, p.PeerMAC)
	}
	for _, a := range []string{p.Isolated, p.Peer, p.GatewayAddr} {
		if _, err := connectTTL(p.Client, a, p.Port, 1, 500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	lk, err := p.Client.link(p.ClientIf)
	if err != nil {
		t.Fatal(err)
	}
	list, err := p.Client.nl.NeighList(lk.Attrs().Index, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, n := range list {
		got[n.IP.String()] = net.HardwareAddr(n.HardwareAddr).String()
	}
	want := map[string]string{p.Isolated: p.GatewayMAC, p.Peer: p.PeerMAC, p.GatewayAddr: p.GatewayMAC}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Client's neighbour MACs (-want +got)\n%s", diff)
	}
}
