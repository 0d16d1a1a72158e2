package media

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
	"github.com/roompath/roompath/probe/vocab"
)

// hostile is a responder that answers each request correctly and then
// adds what a hostile or broken one sends: wrong sessions, oversized and
// truncated datagrams, garbage floods, forged sequence numbers and
// timestamps, replays of old replies and immediate duplicates.
func hostile(t *testing.T, dup bool) uint16 {
	t.Helper()
	c := listenUDP(t)
	go func() {
		codec := wire.NewCodec(nil)
		buf := make([]byte, 2048)
		old := map[uint32][]byte{}
		for {
			n, from, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			req, err := codec.Parse(buf[:n])
			if err != nil {
				continue
			}
			rep, _ := codec.Reply(nil, req, n, 0xb8, 1000, 2000)
			send := func(b []byte) { c.WriteToUDP(b, from) }
			send(rep)
			if dup {
				send(rep)
				continue
			}
			old[req.Seq] = rep
			wrong := req
			wrong.Session++
			w, _ := codec.Reply(nil, wrong, n, 0, 1, 2)
			send(w)
			big, _ := codec.Reply(nil, req, min(n+100, wire.MaxLen), 0, 1, 2)
			send(big)
			send(rep[:20])
			for range 10 {
				send([]byte("flood flood flood"))
			}
			forged := req
			forged.Seq += 5000
			f, _ := codec.Reply(nil, forged, n, 0, 1, 2)
			send(f)
			stamp := req
			stamp.SendNS += 7
			s, _ := codec.Reply(nil, stamp, n, 0, 1, 2)
			send(s)
			if r, ok := old[req.Seq-60]; ok && req.Seq >= 60 {
				send(r)
			}
		}
	}()
	return portOf(c)
}

// TestHostileResponder: none of it changes a figure; each kind is counted.
func TestHostileResponder(t *testing.T) {
	port := hostile(t, false)
	cfg := loopCfg(port, port)
	cfg.Duration = 2 * time.Second
	res := run(t, context.Background(), cfg)
	if res[0].Observed != vocab.UDPOpen || res[0].Reason != vocab.ReasonEchoed {
		t.Fatalf("udp %s/%s", res[0].Observed, res[0].Reason)
	}
	d := res[1].Detail.(*Detail)
	if d.Sent != 100 || d.Received != 100 || d.LossPct != 0 || d.BurstLossMaxPct != 0 || d.Duplicates != 0 || d.ReorderPct != 0 {
		t.Fatalf("figures skewed: sent %d received %d loss %g burst %g dups %d reorder %g", d.Sent, d.Received, d.LossPct, d.BurstLossMaxPct, d.Duplicates, d.ReorderPct)
	}
	ig := d.Ignored
	// The stream stops listening once every reply is in, so what follows
	// the last reply may go unseen.
	if ig.WrongSession < 99 || ig.Oversized < 99 || ig.Replays < 39 || ig.Malformed < 99*(1+10+2) {
		t.Errorf("ignored %+v, want at least 99 wrong_session, 99 oversized, 39 replays, 1287 malformed", ig)
	}
	if res[1].Observed != vocab.MediaGood {
		t.Errorf("media %s: %s", res[1].Observed, res[1].Hint)
	}
}

// TestDuplicatingResponder: copies right behind the reply are the path's
// duplicates: counted, never received twice.
func TestDuplicatingResponder(t *testing.T) {
	port := hostile(t, true)
	res := run(t, context.Background(), loopCfg(port, port))
	d := res[1].Detail.(*Detail)
	// The last copy may come after the stream stopped listening.
	if d.Received != 50 || d.Duplicates < 49 || d.Duplicates > 50 || d.LossPct != 0 || d.Ignored.Total() != 0 {
		t.Fatalf("received %d duplicates %d loss %g ignored %+v", d.Received, d.Duplicates, d.LossPct, d.Ignored)
	}
}

// TestFloodDoesNotStall: a peer that floods garbage at the probe's port
// while the real responder answers does not stop the measurement.
func TestFloodDoesNotStall(t *testing.T) {
	port := startResponder(t, nil)
	p, err := New(loopCfg(port, port))
	if err != nil {
		t.Fatal(err)
	}
	p.trace = noTrace
	// The stream's socket is connected: the kernel drops datagrams from
	// any other source, so a flood from elsewhere cannot reach it at all.
	flood, _ := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: int(port)})
	defer flood.Close()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				flood.Write([]byte("garbage at the responder"))
			}
		}
	}()
	run := p.stream(context.Background(), netipAddrPort(port))
	close(stop)
	if run.detail.Sent != 50 || run.detail.Received == 0 {
		t.Fatalf("sent %d received %d under a flood of the responder", run.detail.Sent, run.detail.Received)
	}
}

// lossy answers every request but those whose seq drop selects.
func lossy(t *testing.T, drop func(seq uint32) bool) uint16 {
	t.Helper()
	c := listenUDP(t)
	go func() {
		codec := wire.NewCodec(nil)
		buf := make([]byte, 2048)
		for {
			n, from, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			req, err := codec.Parse(buf[:n])
			if err != nil || drop(req.Seq) {
				continue
			}
			rep, _ := codec.Reply(nil, req, n, 0, 1, 2)
			c.WriteToUDP(rep, from)
		}
	}()
	return portOf(c)
}

// TestLossIsJudged: 1.5 % loss is degraded (above 1 %, not above twice
// it), 4.5 % bad; the hint names the limit crossed.
func TestLossIsJudged(t *testing.T) {
	for _, tt := range []struct {
		every    uint32
		loss     float64
		observed vocab.Observed
	}{{66, 1.5, vocab.MediaDegraded}, {20, 4.5, vocab.MediaBad}} {
		// seq 0 is the reachability probe's first try: always answered.
		port := lossy(t, func(seq uint32) bool { return seq > 0 && seq%tt.every == 0 })
		cfg := loopCfg(port, port)
		cfg.Duration, cfg.PPS = 2*time.Second, 100
		res := run(t, context.Background(), cfg)
		m, d := res[1], res[1].Detail.(*Detail)
		if d.LossPct != tt.loss || m.Observed != tt.observed || m.Reason != vocab.ReasonThresholdCrossed {
			t.Errorf("every %d: loss %g %s/%s, want %g %s", tt.every, d.LossPct, m.Observed, m.Reason, tt.loss, tt.observed)
		}
		if !strings.Contains(m.Hint, "loss_pct") || !strings.Contains(m.Hint, "limit of 1 %") {
			t.Errorf("hint %q", m.Hint)
		}
	}
}
