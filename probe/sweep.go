package probe

import (
	"context"
	"iter"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/roompath/roompath/report"
)

// Sweep defaults: polite enough for a production VLAN, fast enough for a /20.
const (
	DefaultConcurrency = 512
	DefaultRate        = 500
	DefaultMaxOpen     = 4096
	// parkFloor is the shortest wait before a silent probe gives its
	// concurrency slot to the next target; it keeps a burst of fast answers
	// from parking probes that are merely queued behind them.
	parkFloor = 10 * time.Millisecond
	// minSamples is how many answers the estimator needs before it trusts
	// its RTT estimate.
	minSamples = 8
)

// Bounds of a sweep's rate and concurrency, as the commands accept them:
// below MinRate a sweep of a /24 would take most of an hour per port (and
// 1e-300 would never start its second probe); above MaxRate the limiter
// is no limit a network would notice. MaxConcurrency is DefaultMaxOpen: a
// sweep never holds more sockets than that, so more slots would be unused.
const (
	MinRate        = 0.1
	MaxRate        = 100000
	MaxConcurrency = DefaultMaxOpen
)

// SweepConfig bounds a sweep. Zero values mean the defaults.
type SweepConfig struct {
	// Concurrency caps probes still inside their expected answer time.
	Concurrency int
	// Rate caps new connections per second; 0 means no cap.
	Rate float64
	// MaxOpen caps sockets open at once, waiting probes included, and
	// probes whose result is not yet emitted (so memory stays bounded
	// when output is slow); it must stay below the open-file limit.
	MaxOpen int
}

// Sweep runs a TCP probe over many targets concurrently. Like nmap it
// learns the round-trip time of the hosts that answer, but it uses it only
// for scheduling, never for verdicts: a probe still silent after the
// learned time gives up its concurrency slot to the next target and keeps
// waiting, on its socket, for the full timeout. A slow but alive host is
// therefore never called filtered, and a sweep with many silent hosts costs
// about one timeout, not one timeout per concurrency window.
type Sweep struct {
	cfg   SweepConfig
	probe *TCP
	est   rttEstimator
}

// NewSweep returns a sweep running p.
func NewSweep(p *TCP, cfg SweepConfig) *Sweep {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.MaxOpen <= 0 {
		cfg.MaxOpen = DefaultMaxOpen
	}
	if cfg.MaxOpen < cfg.Concurrency {
		cfg.Concurrency = cfg.MaxOpen
	}
	return &Sweep{cfg: cfg, probe: p}
}

// Run probes every target, calling emit (serially) for each result as it
// completes, with the sequence number the target came with. It returns when
// every started probe has ended and its result was emitted; on
// cancellation it starts no new probe and drops the results of probes cut
// short.
//
// emit runs on one goroutine of its own, fed by the probes: encoding a
// result (reflection, xml or json) needs a deep stack, and on the probes'
// goroutines it grew each of thousands of them, which every GC cycle then
// scanned (a fifth of a -o junit /16's CPU in runtime.scanstack).
func (s *Sweep) Run(ctx context.Context, targets iter.Seq2[int, TCPTarget], emit func(seq int, res report.Result)) {
	limit := rate.Inf
	if s.cfg.Rate > 0 {
		limit = rate.Limit(s.cfg.Rate)
	}
	lim := rate.NewLimiter(limit, 1)
	slots := make(chan struct{}, s.cfg.Concurrency)
	open := make(chan struct{}, s.cfg.MaxOpen)
	type done struct {
		seq int
		res report.Result
	}
	results := make(chan done, 64)
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for d := range results {
			emit(d.seq, d.res)
			// The open token is held until the result is emitted: a slow
			// consumer (a pipe, a full disk) then holds back new probes
			// instead of piling up goroutines and results in memory.
			<-open
		}
	}()
	var wg sync.WaitGroup
	for seq, t := range targets {
		if !acquire(ctx, lim, open, slots) {
			break
		}
		wg.Go(func() {
			res := s.one(ctx, t, slots)
			if ctx.Err() != nil && res.Status == report.StatusError {
				<-open
				return // cut short by the interrupt: not a finding
			}
			results <- done{seq, res}
		})
	}
	wg.Wait()
	close(results)
	<-emitted
}

// acquire waits for the rate limiter, an open-socket token and a slot.
func acquire(ctx context.Context, lim *rate.Limiter, open, slots chan struct{}) bool {
	if lim.Wait(ctx) != nil {
		return false
	}
	select {
	case open <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	select {
	case slots <- struct{}{}:
		return true
	case <-ctx.Done():
		<-open
		return false
	}
}

// one runs a probe, handing its slot back once it has waited longer than
// answering hosts take.
func (s *Sweep) one(ctx context.Context, t TCPTarget, slots chan struct{}) report.Result {
	var once sync.Once
	release := func() { once.Do(func() { <-slots }) }
	timer := time.AfterFunc(s.est.park(s.probe.cfg.Timeout), release)
	res := s.probe.probe(ctx, t)
	timer.Stop()
	release()
	if res.RTTMS != nil {
		s.est.add(time.Duration(*res.RTTMS * float64(time.Millisecond)))
	}
	return res
}

// rttEstimator keeps a smoothed RTT and its variance (RFC 6298) over the
// answers seen so far.
type rttEstimator struct {
	mu     sync.Mutex
	n      int
	srtt   float64
	rttvar float64
}

func (e *rttEstimator) add(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := float64(d)
	if e.n == 0 {
		e.srtt, e.rttvar = r, r/2
	} else {
		e.rttvar = 0.75*e.rttvar + 0.25*math.Abs(e.srtt-r)
		e.srtt = 0.875*e.srtt + 0.125*r
	}
	e.n++
}

// park is how long a silent probe keeps its slot: twice the RTO that the
// answers so far imply, at least parkFloor, at most the full timeout (also
// the value before enough answers came in).
func (e *rttEstimator) park(timeout time.Duration) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.n < minSamples {
		return timeout
	}
	d := time.Duration(2 * (e.srtt + 4*e.rttvar))
	return min(max(d, parkFloor), timeout)
}
