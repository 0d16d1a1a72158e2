package media

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// TestTracesDoNotUseTheRateBudget: twelve ports of one responder (one
// rate bucket for this source, as `roompath responder --udp` runs them),
// probed with the real UDP traces: no probe is rate limited and every
// port is open. (Twelve concurrent traces of valid requests, 30 TTLs
// each, once overran the responder's burst of 200.)
func TestTracesDoNotUseTheRateBudget(t *testing.T) {
	refl := responder.NewReflector(responder.UDPConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	var ports []uint16
	for range 12 {
		c := listenUDP(t)
		ports = append(ports, portOf(c))
		wg.Go(func() { refl.Serve(ctx, c) })
	}
	cfg := loopCfg(ports[0], ports...)
	cfg.Timeout, cfg.Duration = 800*time.Millisecond, time.Second
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var res []report.Result
	p.Run(context.Background(), func(_ int, r report.Result) { mu.Lock(); res = append(res, r); mu.Unlock() })
	for _, r := range res {
		if r.Check == vocab.CheckUDP && r.Observed != vocab.UDPOpen {
			t.Errorf("%s: %s/%s", r.ID, r.Observed, r.Reason)
		}
	}
	if s := refl.Stats(); s.Limited != 0 {
		t.Errorf("the responder limited %d datagrams of one probe run: %+v", s.Limited, s)
	}
}
