package exporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// TestConcurrencyLimit: with one slot taken by a probe of a server that
// never answers, a request waits within its budget and gets 503; one that
// waits while the slot frees up is served.
func TestConcurrencyLimit(t *testing.T) {
	slow := statustest.New(t, statustest.Slow)
	fast := statustest.New(t, statustest.Operational)
	e, err := New(&Config{Allow: []string{"127.0.0.0/8"}}, Options{MaxConcurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	h := e.Handler()
	hold, release := context.WithCancel(context.Background())
	held := make(chan int, 1)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?module=status&target="+slow, nil).WithContext(hold))
		held <- rec.Code
	}()
	waitFor(t, func() bool { return hasLine(t, h, "roompath_exporter_probes_in_flight 1") })

	code, body := get(t, h, "/probe?module=status&target="+fast, ScrapeTimeoutHeader, "1")
	if code != http.StatusServiceUnavailable || strings.Count(strings.TrimSpace(body), "\n") != 0 || !strings.Contains(body, "too many probes in flight") {
		t.Errorf("beyond the limit: %d %q, want 503 and one line", code, body)
	}

	waiting := make(chan int, 1)
	go func() {
		c, _ := get(t, h, "/probe?module=status&target="+fast, ScrapeTimeoutHeader, "60")
		waiting <- c
	}()
	// The waiting request is not served while the slot is held.
	select {
	case c := <-waiting:
		t.Fatalf("served (%d) while the only slot was held", c)
	case <-time.After(200 * time.Millisecond):
	}
	release()
	<-held
	if c := <-waiting; c != http.StatusOK {
		t.Errorf("the waiting request got %d once the slot freed up, want 200", c)
	}
	if _, body := get(t, h, "/metrics"); !strings.Contains(body, `roompath_exporter_probes_rejected_total{reason="concurrency_limit"} 1`) ||
		!strings.Contains(body, `roompath_exporter_probe_requests_total{code="503"} 1`) {
		t.Errorf("/metrics lacks the rejection:\n%s", body)
	}
}

func TestConcurrencyLimitBounds(t *testing.T) {
	for _, tt := range []struct {
		cfg  *Config
		opt  Options
		want string
	}{
		{&Config{MaxConcurrentProbes: 5000}, Options{}, "max_concurrent_probes 5000: want 1-4096"},
		{&Config{MaxConcurrentProbes: -1}, Options{}, "max_concurrent_probes -1"},
		{&Config{}, Options{MaxConcurrent: -3}, "max concurrent probes -3"},
	} {
		if _, err := New(tt.cfg, tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v, %+v) = %v, want %q", tt.cfg, tt.opt, err, tt.want)
		}
	}
	cfg, err := ParseConfig(strings.NewReader("max_concurrent_probes: 8\n"))
	if err != nil || cfg.MaxConcurrentProbes != 8 {
		t.Fatalf("max_concurrent_probes: %v %+v", err, cfg)
	}
	e, err := New(cfg, Options{})
	if err != nil || cap(e.limit.slots) != 8 {
		t.Errorf("limit from the configuration: %v", err)
	}
	if e, _ := New(cfg, Options{MaxConcurrent: 3}); cap(e.limit.slots) != 3 {
		t.Errorf("the option does not win over the configuration")
	}
}

// hasLine reports whether /metrics has the line.
func hasLine(t *testing.T, h http.Handler, line string) bool {
	_, body := get(t, h, "/metrics")
	return strings.Contains("\n"+body, "\n"+line+"\n")
}

// waitFor polls cond until it holds (the test's own timeout bounds it).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(5 * time.Millisecond)
	}
}

// TestNoSlotAtTheEndOfTheBudget: a request whose wait has ended never
// gets a slot, even a free one, so its probe never runs squeezed into the
// last moment of its budget (where a healthy target would time out).
func TestNoSlotAtTheEndOfTheBudget(t *testing.T) {
	l := newLimiter(4)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	for range 100 {
		if l.acquire(ctx) {
			t.Fatal("a slot was given after the wait ended")
		}
	}
	ok, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	if !l.acquire(ok) {
		t.Fatal("a free slot was refused")
	}
	l.release()
}

// exhaustedModule's probe runs out of file descriptors.
type exhaustedModule struct{}

func (exhaustedModule) Plan(context.Context, string, *Allowlist) (Run, error) {
	return func(context.Context) Outcome {
		r := report.Result{ID: "tcp/127.0.0.1:9090", Check: vocab.CheckTCP, Status: report.StatusError, Observed: vocab.TCPNotRun}
		r.SetFailure(vocab.FailureLocalResources, vocab.OpConnect)
		return Outcome{Results: []report.Result{r}}
	}, nil
}

// TestScheduledExhaustionDropsTheSeries: a scheduled target whose probe ran
// out of descriptors loses its series (no probe_success 0) and is counted.
func TestScheduledExhaustionDropsTheSeries(t *testing.T) {
	e := newLoopbackExporter(t, nil)
	s := &scheduled{cfg: Schedule{Name: "rooms", Module: "tcp", Targets: []string{"t"}}, mod: exhaustedModule{}, timeout: time.Second,
		latest: map[string]timedOutcome{"t": {out: Outcome{Results: []report.Result{{Check: vocab.CheckTCP, Status: report.StatusPass}}}}}}
	e.schedules = []*scheduled{s}
	e.runScheduled(context.Background(), s, "t")
	if _, ok := s.latest["t"]; ok {
		t.Error("the exhausted outcome (or the stale one) is still exposed")
	}
	if !hasLine(t, e.Handler(), `roompath_exporter_probes_rejected_total{reason="local_resources"} 1`) {
		t.Error("not counted")
	}
}
