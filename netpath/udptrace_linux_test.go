//go:build linux

package netpath

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/bpf"

	"github.com/roompath/roompath/probe/vocab"
)

// udpClosed returns a loopback UDP port nothing listens on.
func udpClosed(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ap := c.LocalAddr().(*net.UDPAddr).AddrPort()
	c.Close()
	return ap
}

// udpEcho returns a loopback UDP port that answers every datagram.
func udpEcho(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			_, _ = c.WriteToUDPAddrPort(buf[:n], from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// TestTraceUDPLoopback: a closed port answers TTL 1 with port
// unreachable, whose quote (read when this process may open a raw
// socket) carries the TOS sent; an answering port is a udp_reply.
func TestTraceUDPLoopback(t *testing.T) {
	const tos = 46 << 2
	tr, err := TraceUDP(context.Background(), udpClosed(t), UDPTraceConfig{MaxHops: 4, Timeout: 2 * time.Second, TOS: tos})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Hops) != 1 || tr.Hops[0].Reply != ReplyUnreachable || tr.Hops[0].Unreachable != vocab.ReasonPortUnreach {
		t.Fatalf("closed: hops %+v", tr.Hops)
	}
	switch {
	case HasRawSocket() && (tr.Mode != TraceModeRaw || tr.Hops[0].QuotedTOS == nil || *tr.Hops[0].QuotedTOS != tos ||
		tr.TOSReceived == nil || tr.TOSChangedAfterHop != nil):
		t.Errorf("with CAP_NET_RAW: mode %s, hop %+v, received %v, changed %v, note %q", tr.Mode, tr.Hops[0], tr.TOSReceived, tr.TOSChangedAfterHop, tr.TOSNote)
	case !HasRawSocket() && (tr.Mode != TraceModeRecvErr || tr.TOSNote != TOSNoteNoCap):
		t.Errorf("without CAP_NET_RAW: mode %s, note %q", tr.Mode, tr.TOSNote)
	}
	tr, err = TraceUDP(context.Background(), udpEcho(t), UDPTraceConfig{MaxHops: 3, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Hops) != 1 || tr.Hops[0].Reply != ReplyUDP || tr.Summary.Terminal == nil || tr.Hops[0].Addr() != "127.0.0.1" {
		t.Fatalf("echo: hops %+v", tr.Hops)
	}
}

// TestTraceUDPNoRaw: NoRaw keeps the quotes unread and says so.
func TestTraceUDPNoRaw(t *testing.T) {
	tr, err := TraceUDP(context.Background(), udpClosed(t), UDPTraceConfig{MaxHops: 2, Timeout: time.Second, NoRaw: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Mode != TraceModeRecvErr || tr.TOSNote != TOSNoteDisabled || tr.Hops[0].QuotedTOS != nil {
		t.Errorf("mode %s, note %q, hop %+v", tr.Mode, tr.TOSNote, tr.Hops[0])
	}
}

// TestTraceUDPCancelled: a cancelled context ends the trace at once, its
// hops silent and the trace interrupted.
func TestTraceUDPCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr, err := TraceUDP(ctx, udpEcho(t), UDPTraceConfig{MaxHops: 3, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Interrupted {
		t.Errorf("not interrupted: %+v", tr)
	}
}

// TestQuoteFilter runs the raw capture's BPF program on crafted packets:
// it keeps the errors quoting a datagram to dst (so other traffic's errors
// never fill the queue) and drops the rest.
func TestQuoteFilter(t *testing.T) {
	dst := netip.MustParseAddrPort("10.94.3.10:8801")
	dst6 := netip.MustParseAddrPort("[fd00:94:3::10]:8801")
	other := netip.MustParseAddrPort("10.94.3.10:8802")
	tests := []struct {
		name string
		dst  netip.AddrPort
		pkt  []byte
		keep bool
	}{
		{"time exceeded", dst, icmp4Quote(11, "10.94.1.1", 0xe0, 40001, dst), true},
		{"unreachable", dst, icmp4Quote(3, "10.94.3.10", 0, 40002, dst), true},
		{"another port's", dst, icmp4Quote(11, "10.94.1.1", 0xe0, 40001, other), false},
		{"another address's", dst, icmp4Quote(11, "10.94.1.1", 0xe0, 40001, netip.MustParseAddrPort("10.94.3.11:8801")), false},
		{"echo reply", dst, icmp4Quote(0, "10.94.1.1", 0, 40001, dst), false},
		{"truncated", dst, icmp4Quote(11, "10.94.1.1", 0, 40001, dst)[:40], false},
		{"v6 time exceeded", dst6, icmp6Quote(3, 0xe0, 40003, dst6), true},
		{"v6 unreachable", dst6, icmp6Quote(1, 0, 40003, dst6), true},
		{"v6 another port's", dst6, icmp6Quote(3, 0xe0, 40003, netip.MustParseAddrPort("[fd00:94:3::10]:9")), false},
		{"v6 another address's", dst6, icmp6Quote(3, 0xe0, 40003, netip.MustParseAddrPort("[fd00:94:3::11]:8801")), false},
		{"v6 neighbour solicitation", dst6, append([]byte{135}, make([]byte, 60)...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vm, err := bpf.NewVM(quoteFilter(tt.dst))
			if err != nil {
				t.Fatal(err)
			}
			n, err := vm.Run(tt.pkt)
			if err != nil {
				t.Fatal(err)
			}
			if (n > 0) != tt.keep {
				t.Errorf("kept %d bytes, want keep %v", n, tt.keep)
			}
		})
	}
}
