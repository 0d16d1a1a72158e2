package exporter

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// Bounds of the probe concurrency limit (Options.MaxConcurrent, the
// configuration's max_concurrent_probes).
const (
	// DefaultMaxConcurrent is the default limit: a path probe holds a
	// dozen sockets at its busiest, so 64 stay far below the usual 1,024
	// or 65,536 open files of a service.
	DefaultMaxConcurrent = 64
	// MaxConcurrentLimit is the highest limit accepted.
	MaxConcurrentLimit = 4096
)

// Reasons of roompath_exporter_probes_rejected_total.
const (
	// rejectedConcurrency: no probe slot freed up within the request's
	// budget (503).
	rejectedConcurrency = "concurrency_limit"
	// rejectedResources: the probe ran out of file descriptors or sockets
	// on this host (503 for /probe; the outcome is dropped for a
	// schedule): an error of the exporter, never a target's failure.
	rejectedResources = "local_resources"
)

// limiter bounds the /probe probes in flight.
type limiter struct {
	slots    chan struct{}
	inFlight prometheus.Gauge
	rejected *prometheus.CounterVec
}

func newLimiter(n int) *limiter {
	return &limiter{
		slots: make(chan struct{}, n),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "roompath_exporter_probes_in_flight", Help: "/probe probes running now.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roompath_exporter_probes_rejected_total",
			Help: "Probes answered 503 (or, for schedules, dropped): concurrency_limit (no slot within the budget), local_resources (this host ran out of file descriptors or sockets).",
		}, []string{"reason"}),
	}
}

// acquire waits for a slot for at most half the time left before ctx's
// deadline, so that a probe that waited keeps at least half its budget
// (a probe squeezed into the end of it would report timeouts that say
// nothing about the target); false when none came in time.
func (l *limiter) acquire(ctx context.Context) bool {
	wait := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		wait, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
		defer cancel()
	}
	select {
	case l.slots <- struct{}{}:
		if wait.Err() == nil {
			l.inFlight.Inc()
			return true
		}
		<-l.slots // won the slot only as the wait ended
	case <-wait.Done():
	}
	l.rejected.WithLabelValues(rejectedConcurrency).Inc()
	return false
}

func (l *limiter) release() {
	l.inFlight.Dec()
	<-l.slots
}

// concurrencyLimit is the limit of opt, else of cfg, else the default;
// an error names a value out of bounds.
func concurrencyLimit(cfg *Config, opt Options) (int, error) {
	n, what := opt.MaxConcurrent, "max concurrent probes"
	if n == 0 {
		n, what = cfg.MaxConcurrentProbes, "max_concurrent_probes"
	}
	if n == 0 {
		return DefaultMaxConcurrent, nil
	}
	if n < 1 || n > MaxConcurrentLimit {
		return 0, fmt.Errorf("%s %d: want 1-%d", what, n, MaxConcurrentLimit)
	}
	return n, nil
}

// exhausted reports whether a result ran out of local resources: the
// outcome says nothing about the target.
func exhausted(rs []report.Result) bool {
	for _, r := range rs {
		if r.Failure != nil && *r.Failure == vocab.FailureLocalResources {
			return true
		}
		for _, a := range r.Attempts {
			if a.Failure != nil && *a.Failure == vocab.FailureLocalResources {
				return true
			}
		}
	}
	return false
}
