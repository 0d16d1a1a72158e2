package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/probetest"
)

// fleetRooms and fleetPerSchedule shape BenchmarkScrapeFleet like the
// fleet of `make bench` (internal/benchexporter): 5,000 rooms in
// schedules of 2,500.
const fleetRooms, fleetPerSchedule = 5000, 2500

// BenchmarkScrapeFleet is one /metrics scrape of an exporter holding the
// latest outcomes of 5,000 scheduled rooms (three in four open, the rest
// refused: real outcomes of loopback probes), in process, its body
// counted and dropped.
func BenchmarkScrapeFleet(b *testing.B) {
	e := fleetExporter(b)
	h := e.Handler()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		w := &countingWriter{header: http.Header{}}
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if w.code != 0 && w.code != 200 {
			b.Fatal(w.code)
		}
		n = w.n
	}
	b.ReportMetric(float64(n), "body-bytes")
}

// countingWriter is a ResponseWriter that counts the body and keeps none
// of it, as a server streaming to its client does.
type countingWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *countingWriter) Header() http.Header         { return w.header }
func (w *countingWriter) WriteHeader(code int)        { w.code = code }
func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// fleetExporter builds the fleet's schedules (not started) and fills each
// target's latest outcome with a real open or refused probe outcome.
func fleetExporter(tb testing.TB) *Exporter {
	cfg := &Config{Allow: []string{"10.93.64.0/18"}}
	a := netip.MustParseAddr("10.93.64.1")
	var rooms []string
	for range fleetRooms {
		rooms = append(rooms, a.String())
		a = a.Next()
	}
	for i := 0; i < len(rooms); i += fleetPerSchedule {
		cfg.Schedules = append(cfg.Schedules, Schedule{Name: fmt.Sprintf("fleet_%d", i/fleetPerSchedule), Module: "tcp",
			Interval: Duration(15 * time.Second), Timeout: Duration(time.Second), Targets: rooms[i:min(i+fleetPerSchedule, len(rooms))]})
	}
	e, err := New(cfg, Options{Allow: []string{"127.0.0.1"}})
	if err != nil {
		tb.Fatal(err)
	}
	open, closed := loopbackOutcome(tb, e, probetest.Open(tb)), loopbackOutcome(tb, e, probetest.Closed(tb))
	for _, s := range e.schedules {
		for i, t := range s.cfg.Targets {
			o := open
			if i%4 == 3 {
				o = closed
			}
			s.latest[t] = timedOutcome{out: o, took: time.Millisecond}
		}
		s.lastRun = time.Now()
	}
	return e
}

// loopbackOutcome is the tcp module's outcome for ap.
func loopbackOutcome(tb testing.TB, e *Exporter, ap netip.AddrPort) Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	run, err := e.modules["tcp"].Plan(ctx, ap.String(), e.allow)
	if err != nil {
		tb.Fatal(err)
	}
	return run(ctx)
}
