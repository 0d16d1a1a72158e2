package media

import (
	"net/netip"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
)

func netipAddrPort(port uint16) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), port)
}

// feed builds a collector of n packets at pps and delivers replies: up and
// down are each packet's one-way delays in ms (negative: lost).
func feed(t testing.TB, pps int, up, down []float64, order []int) *collector {
	codec := wire.NewCodec(nil)
	c := newCollector(codec, 1, 64, pps, len(up))
	interval := int64(time.Second) / int64(pps)
	for i := range up {
		c.sent(i, int64(i)*interval)
	}
	if order == nil {
		for i := range up {
			order = append(order, i)
		}
	}
	buf := make([]byte, 0, 64)
	const offset = int64(5e9) // the responder's clock is elsewhere
	for _, i := range order {
		if up[i] < 0 {
			continue
		}
		send := int64(i) * interval
		recv := send + int64(up[i]*1e6)
		p := wire.Packet{Kind: wire.KindReply, Session: 1, Seq: uint32(i), SendNS: send, RecvNS: recv + offset, ReplyNS: recv + offset}
		buf, _ = codec.Append(buf[:0], &p, 64)
		c.record(buf, recv+int64(down[i]*1e6))
	}
	return c
}

func TestJitterRFC3550(t *testing.T) {
	// Up delays alternate 10/14 ms: |D| = 4 ms each time, so J converges
	// to 4 ms; down is constant: J = 0.
	n := 400
	up, down := make([]float64, n), make([]float64, n)
	for i := range up {
		up[i], down[i] = 10+4*float64(i%2), 5
	}
	d := feed(t, 50, up, down, nil).detail(15 * time.Second)
	if d.JitterUpMS < 3.99 || d.JitterUpMS > 4.01 || d.JitterDownMS != 0 {
		t.Fatalf("jitter up %g down %g, want 4 and 0", d.JitterUpMS, d.JitterDownMS)
	}
	if d.RTT.P50 != 15 || d.RTT.Min != 15 || d.RTT.Max != 19 || d.LossPct != 0 || len(d.Windows) != 8 {
		t.Errorf("rtt %+v loss %g windows %d", d.RTT, d.LossPct, len(d.Windows))
	}
}

func TestLossBurstReorder(t *testing.T) {
	n := 100 // 2 s at 50 pps; a 200 ms window is 10 packets
	up, down := make([]float64, n), make([]float64, n)
	for i := range up {
		up[i], down[i] = 1, 1
	}
	for i := 20; i < 25; i++ {
		up[i] = -1 // a burst of 5 lost
	}
	up[70] = -1
	order := make([]int, 0, n)
	for i := range n {
		order = append(order, i)
	}
	order[50], order[51] = 51, 50 // one reordered
	d := feed(t, 50, up, down, order).detail(15 * time.Second)
	if d.Sent != 100 || d.Received != 94 || d.LossPct != 6 || d.BurstLossMaxPct != 50 || d.ReorderPct != 1.06 {
		t.Fatalf("sent %d received %d loss %g burst %g reorder %g", d.Sent, d.Received, d.LossPct, d.BurstLossMaxPct, d.ReorderPct)
	}
	if d.Windows[0].LossPct != 10 || d.Windows[1].LossPct != 2 || d.windowedLossPct != 6 {
		t.Errorf("windows %+v windowed %g", d.Windows, d.windowedLossPct)
	}
}

func TestEverythingLost(t *testing.T) {
	up := []float64{-1, -1, -1}
	d := feed(t, 50, up, up, nil).detail(15 * time.Second)
	if d.Sent != 3 || d.Received != 0 || d.LossPct != 100 || d.RTT != nil || d.BurstLossMaxPct != 100 {
		t.Fatalf("%+v", d)
	}
}

// BenchmarkRecord: the receive path of the stream allocates nothing.
func BenchmarkRecord(b *testing.B) {
	codec := wire.NewCodec(nil)
	const n = 1 << 16
	c := newCollector(codec, 1, 200, 50, n)
	pkts := make([][]byte, n)
	for i := range pkts {
		c.sent(i, int64(i)*20e6)
		pkts[i], _ = codec.Append(nil, &wire.Packet{Kind: wire.KindReply, Session: 1, Seq: uint32(i), SendNS: int64(i) * 20e6, RecvNS: int64(i)*20e6 + 1e6, ReplyNS: int64(i)*20e6 + 1e6}, 200)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.record(pkts[i%n], int64(i%n)*20e6+2e6)
		i++
	}
}

// BenchmarkSend: marking a packet sent allocates nothing.
func BenchmarkSend(b *testing.B) {
	c := newCollector(wire.NewCodec(nil), 1, 200, 50, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.sent(i%(1<<16), int64(i))
		i++
	}
}

// FuzzRecord: whatever arrives, record never panics, never counts more
// replies than datagrams sent, and every datagram lands in exactly one
// count (a reply, a duplicate, or one of the ignored kinds).
func FuzzRecord(f *testing.F) {
	codec := wire.NewCodec(nil)
	good, _ := codec.Append(nil, &wire.Packet{Kind: wire.KindReply, Session: 1, Seq: 3, SendNS: 3*20e6 + 0, RecvNS: 5, ReplyNS: 6}, 64)
	f.Add(good, int64(70e6))
	f.Add(good[:30], int64(1))
	f.Add(append(good, 0), int64(1))
	f.Add([]byte("RPMC"), int64(-5))
	f.Add(make([]byte, 64), int64(0))
	f.Fuzz(func(t *testing.T, b []byte, ns int64) {
		c := newCollector(codec, 1, 64, 50, 10)
		for i := range 10 {
			c.sent(i, int64(i)*20e6)
		}
		for range 3 {
			c.record(b, ns)
		}
		if got := c.recv + c.dups + c.ign.Total(); got != 3 {
			t.Fatalf("3 datagrams counted %d times: recv %d dups %d ignored %+v", got, c.recv, c.dups, c.ign)
		}
		if c.recv > 1 {
			t.Fatalf("one datagram received %d times", c.recv)
		}
		d := c.detail(15 * time.Second)
		if d.LossPct < 0 || d.LossPct > 100 || d.Received > d.Sent {
			t.Fatalf("detail %+v", d)
		}
	})
}

// TestWorstWindow: loss and jitter are judged on the worst span of the
// window when the stream is longer than it.
func TestWorstWindow(t *testing.T) {
	n := 200 // 20 s at 10 pps
	up, down := make([]float64, n), make([]float64, n)
	for i := range up {
		up[i], down[i] = 5, 5
	}
	for i := 100; i < 110; i += 2 {
		up[i] = -1 // 5 lost in second 10
	}
	d := feed(t, 10, up, down, nil).detail(5 * time.Second)
	if d.LossPct != 2.5 || d.windowedLossPct != 10 || d.windowedSpanMS != 5000 || len(d.Windows) != 20 {
		t.Fatalf("loss %g, worst 5 s %g over %d ms, %d windows", d.LossPct, d.windowedLossPct, d.windowedSpanMS, len(d.Windows))
	}
}
