package nslab

import (
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// loopEcho is a loopback UDP echo; it returns its port.
func loopEcho(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// newLoopRelay starts a relay on a loopback port toward a loopback echo.
func newLoopRelay(t *testing.T, cfg RelayConfig) (*Relay, *net.UDPConn) {
	t.Helper()
	echo := loopEcho(t)
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dial := func(_ netip.AddrPort, port int) (net.Conn, error) {
		return net.Dial("udp4", net.JoinHostPort("127.0.0.1", itoa(port)))
	}
	r, err := NewRelay(cfg, []net.PacketConn{pc}, []int{echo}, dial)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	c, err := net.DialUDP("udp4", nil, pc.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return r, c
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRelayOrderAndCounts: with jitter the relay still keeps datagrams in
// order; everything it did not drop comes back, and its counters add up.
func TestRelayOrderAndCounts(t *testing.T) {
	const n = 200
	r, c := newLoopRelay(t, RelayConfig{Delay: 2 * time.Millisecond, Jitter: 5 * time.Millisecond, LossPct: 25})
	for i := range n {
		if _, err := c.Write([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	var got []byte
	buf := make([]byte, 16)
	for {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		k, err := c.Read(buf)
		if err != nil {
			break
		}
		got = append(got, buf[:k]...)
		if f, _ := r.Stats(); len(f) == 1 && uint64(len(got)) == f[0].Up-f[0].UpDropped-f[0].UpOverflow && f[0].Up == n {
			break
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("reordered: %v", got)
		}
	}
	// The relay counts a reply once its write returns, which may be just
	// after the client read it.
	flows, refused := r.Stats()
	for end := time.Now().Add(2 * time.Second); len(flows) == 1 && flows[0].Down < uint64(len(got)) && time.Now().Before(end); {
		time.Sleep(time.Millisecond)
		flows, refused = r.Stats()
	}
	if len(flows) != 1 || refused != 0 {
		t.Fatalf("flows %+v refused %d", flows, refused)
	}
	f := flows[0]
	if f.Up != n || f.UpDropped == 0 || f.UpDropped == n || f.Down != uint64(len(got)) || f.Up-f.UpDropped-f.UpOverflow != f.Down {
		t.Errorf("stats %+v, %d echoes", f, len(got))
	}
	if b, ok := Busiest(flows, f.Port); !ok || b != f {
		t.Errorf("Busiest = %+v, %v", b, ok)
	}
}

// TestRelayDelays: no datagram comes back sooner than the relay's delay
// (a lower bound, which a slow machine cannot break).
func TestRelayDelays(t *testing.T) {
	const delay = 40 * time.Millisecond
	_, c := newLoopRelay(t, RelayConfig{Delay: delay})
	for range 3 {
		start := time.Now()
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 8)); err != nil {
			t.Fatal(err)
		}
		if rtt := time.Since(start); rtt < delay {
			t.Errorf("echo after %v, before the relay's delay %v", rtt, delay)
		}
	}
}

func TestRelayConfigBounds(t *testing.T) {
	for _, cfg := range []RelayConfig{{Delay: -1}, {Jitter: 11 * time.Second}, {LossPct: 101}, {LossPct: -1}} {
		if _, err := NewRelay(cfg, nil, nil, nil); err == nil {
			t.Errorf("NewRelay(%+v): no error", cfg)
		}
	}
	if _, err := NewRelay(RelayConfig{}, []net.PacketConn{nil}, nil, nil); err == nil {
		t.Error("listeners and ports of different lengths: no error")
	}
}
