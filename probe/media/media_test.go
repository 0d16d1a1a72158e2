package media

import (
	"context"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// noTrace stands in for the UDP trace: loopback has no hops to place.
func noTrace(context.Context, netip.AddrPort, netpath.UDPTraceConfig) (netpath.UDPTrace, error) {
	return netpath.UDPTrace{}, nil
}

// listenUDP opens a loopback UDP socket closed at the end of the test.
func listenUDP(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func portOf(c *net.UDPConn) uint16 { return uint16(c.LocalAddr().(*net.UDPAddr).Port) }

// startResponder runs the real reflector on a loopback port.
func startResponder(t *testing.T, key []byte) uint16 {
	t.Helper()
	c := listenUDP(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responder.NewReflector(responder.UDPConfig{Key: key}).Serve(ctx, c); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return portOf(c)
}

// freePort is a loopback UDP port nothing listens on.
func freePort(t *testing.T) uint16 {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return portOf(c)
}

// run probes cfg and returns the results by seq order.
func run(t *testing.T, ctx context.Context, cfg Config) []report.Result {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.trace = noTrace
	var mu sync.Mutex
	out := map[int]report.Result{}
	if err := p.Run(ctx, func(seq int, r report.Result) { mu.Lock(); out[seq] = r; mu.Unlock() }); err != nil {
		t.Fatal(err)
	}
	res := make([]report.Result, len(out))
	for seq, r := range out {
		res[seq-1] = r
	}
	return res
}

// loopThresholds judge the tests' loopback streams: these tests check the
// counting, not the quality of a loaded test machine's loopback, so only
// loss has the real limit.
var loopThresholds = Thresholds{Name: "loopback", LossPct: 1, BurstLossPct: 10, JitterMS: 1000, RTTMS: 2000,
	ReorderPct: 100, Window: 15 * time.Second, BadFactor: 2}

func loopCfg(stream uint16, ports ...uint16) Config {
	return Config{Responder: "127.0.0.1", Ports: ports, StreamPort: stream, Duration: time.Second, PPS: 50,
		Size: 200, DSCP: 46, Timeout: 500 * time.Millisecond, Thresholds: loopThresholds}
}

// TestAgainstResponder: the real reflector on loopback is open and its
// stream good, lossless, with the DSCP it was sent.
func TestAgainstResponder(t *testing.T) {
	for _, key := range [][]byte{nil, []byte("owners")} {
		port := startResponder(t, key)
		cfg := loopCfg(port, port)
		cfg.Key = key
		res := run(t, context.Background(), cfg)
		if len(res) != 2 {
			t.Fatalf("%d results, want 2", len(res))
		}
		u, m := res[0], res[1]
		if u.Observed != vocab.UDPOpen || u.Reason != vocab.ReasonEchoed || u.Status != report.StatusPass || u.ID != "udp/127.0.0.1:"+strconv.Itoa(int(port)) {
			t.Errorf("udp %+v", u)
		}
		d := m.Detail.(*Detail)
		if m.Observed != vocab.MediaGood || m.Status != report.StatusPass || d.Sent != 50 || d.Received != 50 || d.LossPct != 0 || d.Ignored.Total() != 0 {
			t.Fatalf("key %q: media %s/%s sent %d received %d loss %g ignored %+v", key, m.Observed, m.Status, d.Sent, d.Received, d.LossPct, d.Ignored)
		}
		if len(d.Windows) != 1 || d.Windows[0].Received != 50 || d.RTT == nil || *d.DSCP.Sent != 46 {
			t.Errorf("windows %+v rtt %+v dscp %+v", d.Windows, d.RTT, d.DSCP)
		}
		if runtime.GOOS == "linux" && (d.DSCP.Received == nil || *d.DSCP.Received != 46) {
			t.Errorf("responder saw DSCP %v, sent 46", d.DSCP.Received)
		}
	}
}

// TestWrongKeyIsSilent: a responder with another key answers nothing, and
// the stream is not judged good.
func TestWrongKeyIsSilent(t *testing.T) {
	port := startResponder(t, []byte("theirs"))
	cfg := loopCfg(port, port)
	cfg.Key, cfg.Timeout = []byte("mine"), 200*time.Millisecond
	res := run(t, context.Background(), cfg)
	if res[0].Observed != vocab.UDPFiltered || res[1].Observed != vocab.MediaBad || res[1].Reason != vocab.ReasonStreamLost {
		t.Fatalf("udp %s, media %s/%s", res[0].Observed, res[1].Observed, res[1].Reason)
	}
}

// TestPortStates: nothing listening is unreachable (port_unreach from the
// responder itself, through the error queue), a socket that never answers
// is filtered, one that answers garbage is open but not a responder.
func TestPortStates(t *testing.T) {
	closed := freePort(t)
	silent := listenUDP(t)
	junk := listenUDP(t)
	go func() {
		buf := make([]byte, 2048)
		for {
			_, from, err := junk.ReadFromUDP(buf)
			if err != nil {
				return
			}
			junk.WriteToUDP([]byte("not mediacheck"), from)
		}
	}()
	good := startResponder(t, nil)
	cfg := loopCfg(good, closed, portOf(silent), portOf(junk), good)
	cfg.Timeout, cfg.Duration, cfg.PPS = 300*time.Millisecond, time.Second, 10
	res := run(t, context.Background(), cfg)
	want := []struct {
		observed vocab.Observed
		reason   vocab.Reason
		status   report.Status
	}{
		{vocab.UDPUnreachable, vocab.ReasonPortUnreach, report.StatusFail},
		{vocab.UDPFiltered, vocab.ReasonNoResponse, report.StatusFail},
		{vocab.UDPOpen, vocab.ReasonNotResponder, report.StatusWarn},
		{vocab.UDPOpen, vocab.ReasonEchoed, report.StatusPass},
	}
	for i, w := range want {
		r := res[i]
		if r.Observed != w.observed || r.Reason != w.reason || r.Status != w.status {
			t.Errorf("port %d: %s/%s/%s, want %s/%s/%s", i, r.Observed, r.Reason, r.Status, w.observed, w.reason, w.status)
		}
	}
	if reachMode == "recverr" && res[0].ReportedBy != "127.0.0.1" {
		t.Errorf("port unreachable reported_by %q, want 127.0.0.1", res[0].ReportedBy)
	}
	if res[4].Observed != vocab.MediaGood {
		t.Errorf("media %s/%s: %s", res[4].Observed, res[4].Reason, res[4].Hint)
	}
}

// TestInterrupted: a cancelled stream is not_run (interrupted) with the
// figures of what was sent, never a verdict on part of a stream.
func TestInterrupted(t *testing.T) {
	port := startResponder(t, nil)
	cfg := loopCfg(port, port)
	cfg.Duration = 30 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(1500*time.Millisecond, cancel)
	res := run(t, ctx, cfg)
	m := res[1]
	if m.Observed != vocab.MediaNotRun || m.Failure == nil || *m.Failure != vocab.FailureInterrupted || m.Status != report.StatusError {
		t.Fatalf("media %+v", m)
	}
	if d := m.Detail.(*Detail); d.Sent == 0 || d.Sent >= 1500 {
		t.Errorf("sent %d of an interrupted 30 s stream", d.Sent)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, cfg := range []Config{
		{}, {Responder: "a b"}, {Responder: "h:0"}, {Responder: "h:99999"}, {Responder: "[::1"},
		{Responder: "h:8801", StreamPort: 8802}, {Responder: "h", PPS: 5000}, {Responder: "h", Size: 10},
		{Responder: "h", Size: 5000}, {Responder: "h", DSCP: 64}, {Responder: "h", DSCP: -2},
		{Responder: "h", Duration: time.Millisecond}, {Responder: "h", Duration: 10 * time.Minute, PPS: 1000},
		{Responder: "h", Key: []byte("k"), Size: 64 - 1},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	p, err := New(Config{Responder: "[::1]:8805"})
	if err != nil || p.cfg.StreamPort != 8805 || p.host != "::1" || len(p.cfg.Ports) != 12 {
		t.Fatalf("New: %+v, %v", p, err)
	}
}

// TestIPv6 runs the probe over ::1: the traffic class is set and read
// back, a closed port is unreachable through IPV6_RECVERR.
func TestIPv6(t *testing.T) {
	c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responder.NewReflector(responder.UDPConfig{}).Serve(ctx, c); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	port := portOf(c)
	cl, _ := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	closed := portOf(cl)
	cl.Close()
	cfg := loopCfg(port, port, closed)
	cfg.Responder = "::1"
	res := run(t, context.Background(), cfg)
	if res[0].Observed != vocab.UDPOpen || res[1].Observed != vocab.UDPUnreachable || res[2].Observed != vocab.MediaGood {
		t.Fatalf("%s %s %s", res[0].Observed, res[1].Observed, res[2].Observed)
	}
	if res[0].ID != "udp/[::1]:"+strconv.Itoa(int(port)) {
		t.Errorf("id %q", res[0].ID)
	}
	d := res[2].Detail.(*Detail)
	if runtime.GOOS == "linux" && (d.DSCP.Received == nil || *d.DSCP.Received != 46) {
		t.Errorf("responder saw DSCP %v over IPv6, sent 46", d.DSCP.Received)
	}
}

// TestGuardRefuses: an address outside the exporter's allowlist gets no
// datagram: every result is not_run with address_not_allowed.
func TestGuardRefuses(t *testing.T) {
	port := startResponder(t, nil)
	cfg := loopCfg(port, port)
	cfg.Guard = func(netip.Addr) bool { return false }
	res := run(t, context.Background(), cfg)
	if len(res) != 2 {
		t.Fatalf("%d results", len(res))
	}
	for _, r := range res {
		if r.Status != report.StatusError || r.Failure == nil || *r.Failure != vocab.FailureAddrNotAllowed {
			t.Errorf("%s: %s %v", r.ID, r.Status, r.Failure)
		}
	}
	if res[0].Observed != vocab.UDPNotRun || res[1].Observed != vocab.MediaNotRun {
		t.Errorf("observed %s, %s", res[0].Observed, res[1].Observed)
	}
}

// TestUnresolved: a responder name that does not resolve is unresolved
// for every port and not_run for the stream.
func TestUnresolved(t *testing.T) {
	p, err := New(Config{Responder: "media.invalid", Ports: []uint16{8801}, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p.resolve = func(context.Context, string) (probe.Resolution, error) {
		return probe.Resolution{}, &net.DNSError{Err: "no such host", Name: "media.invalid", IsNotFound: true}
	}
	var res []report.Result
	p.Run(context.Background(), func(_ int, r report.Result) { res = append(res, r) })
	if len(res) != 2 || res[0].Observed != vocab.UDPUnresolved || res[1].Observed != vocab.MediaNotRun || *res[1].Operation != vocab.OpResolve {
		t.Fatalf("%+v", res)
	}
}
