package responder

import (
	"context"
	"net"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
)

func startReflector(t *testing.T, addr string, cfg UDPConfig) (*Reflector, *net.UDPAddr) {
	t.Helper()
	c, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReflector(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Serve(ctx, c.(*net.UDPConn)); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return r, c.LocalAddr().(*net.UDPAddr)
}

func dialUDP(t *testing.T, to string) *net.UDPConn {
	t.Helper()
	c, err := net.Dial("udp", to)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c.(*net.UDPConn)
}

func request(t *testing.T, key []byte, seq uint32, size int) []byte {
	t.Helper()
	b, err := wire.NewCodec(key).Append(nil, &wire.Packet{Kind: wire.KindRequest, Session: 42, Seq: seq, SendNS: int64(seq) * 1000}, size)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readReply reads one datagram and parses it as a reply.
func readReply(t *testing.T, c *net.UDPConn, key []byte) (wire.Packet, int) {
	t.Helper()
	buf := make([]byte, 2048)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no reply: %v", err)
	}
	p, err := wire.NewCodec(key).Parse(buf[:n])
	if err != nil || p.Kind != wire.KindReply {
		t.Fatalf("reply %x does not parse: %v", buf[:n], err)
	}
	return p, n
}

// TestReflectorAnswersOnlyValidRequests: garbage, replies, truncated and
// wrongly keyed datagrams get nothing (the first answer is the valid
// request's), and the answer has the request's length and fields.
func TestReflectorAnswersOnlyValidRequests(t *testing.T) {
	for _, key := range [][]byte{nil, []byte("owners")} {
		r, addr := startReflector(t, "127.0.0.1:0", UDPConfig{Key: key})
		c := dialUDP(t, addr.String())
		reply, _ := wire.NewCodec(key).Append(nil, &wire.Packet{Kind: wire.KindReply, Seq: 1}, 100)
		junk := [][]byte{[]byte("hello"), request(t, key, 1, 300)[:wire.HeaderLen-1], reply, make([]byte, 1400)}
		if key == nil {
			junk = append(junk, request(t, []byte("someone-else"), 1, 100))
		} else {
			junk = append(junk, request(t, nil, 1, 100), request(t, []byte("someone-else"), 1, 100))
		}
		for _, j := range junk {
			c.Write(j)
		}
		c.Write(request(t, key, 7, 200))
		p, n := readReply(t, c, key)
		if p.Seq != 7 || p.Session != 42 || p.SendNS != 7000 || n != 200 {
			t.Fatalf("key %q: reply %+v of %d bytes, want seq 7 session 42 send 7000, 200 bytes", key, p, n)
		}
		if p.ReplyNS < p.RecvNS {
			t.Errorf("reply timestamp %d before receive %d", p.ReplyNS, p.RecvNS)
		}
		if got := r.Stats(); got.Malformed != uint64(len(junk)) || got.Answered != 1 {
			t.Errorf("key %q: stats %+v, want %d malformed, 1 answered", key, got, len(junk))
		}
	}
}

// TestReflectorAnswersFromTheAddressAsked: on a wildcard socket the reply
// leaves from the address the request went to, or a connected client
// (mediacheck's) would never see it.
func TestReflectorAnswersFromTheAddressAsked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("127.0.0.2 is local on Linux only")
	}
	_, addr := startReflector(t, ":0", UDPConfig{})
	for _, dst := range []string{"127.0.0.2", "127.0.0.1", "::1"} {
		c := dialUDP(t, net.JoinHostPort(dst, itoa(addr.Port)))
		c.Write(request(t, nil, 3, 64))
		if p, _ := readReply(t, c, nil); p.Seq != 3 {
			t.Fatalf("to %s: reply seq %d", dst, p.Seq)
		}
	}
}

// TestReflectorRateLimitsPerSource: past the burst a source gets no more
// answers than its rate allows.
func TestReflectorRateLimitsPerSource(t *testing.T) {
	r, addr := startReflector(t, "127.0.0.1:0", UDPConfig{Rate: 1, Burst: 3})
	c := dialUDP(t, addr.String())
	for i := range 20 {
		c.Write(request(t, nil, uint32(i), 64))
	}
	for range 3 {
		readReply(t, c, nil)
	}
	// Wait until the reflector has taken all 20 (loopback drops none).
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if s := r.Stats(); s.Answered+s.Limited >= 20 {
			break
		}
	}
	if s := r.Stats(); s.Limited == 0 || s.Answered >= 20 {
		t.Fatalf("stats %+v: a flood of 20 at rate 1 burst 3 was not limited", s)
	}
	if runtime.GOOS != "linux" {
		return
	}
	// Another source address still gets its own burst.
	c2, err := net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)}, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(5 * time.Second))
	c2.Write(request(t, nil, 99, 64))
	if p, _ := readReply(t, c2, nil); p.Seq != 99 {
		t.Fatalf("second source: reply seq %d", p.Seq)
	}
	if s := r.Stats(); s.Limited == 0 || s.Answered >= 20 {
		t.Fatalf("stats %+v: a flood of 20 at rate 1 burst 3 was not limited", s)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
