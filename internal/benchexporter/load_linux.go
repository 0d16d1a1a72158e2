package main

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// runStats is the outcome of one load run.
type runStats struct {
	requests, errors int
	wall             time.Duration
	p50, p99         time.Duration
}

func (s runStats) rate() float64 { return float64(s.requests) / s.wall.Seconds() }

// probeOK does one /probe request; ok means HTTP 200 with probe_success 1.
func probeOK(p *exporterProc, url string) bool {
	code, b, err := p.get(url)
	return err == nil && code == 200 && bytes.Contains(b, []byte("\nprobe_success 1\n"))
}

// load sends n requests to url with c workers (fewer if maxTime passes
// first) and measures each request's latency; a request that fails or
// does not report success counts as an error.
func load(p *exporterProc, url string, c, n int, maxTime time.Duration) runStats {
	ctx, cancel := context.WithTimeout(context.Background(), maxTime)
	defer cancel()
	var next, errs atomic.Int64
	lat := make([][]time.Duration, c)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c {
		wg.Go(func() {
			for ctx.Err() == nil && next.Add(1) <= int64(n) {
				t := time.Now()
				if !probeOK(p, url) {
					errs.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		})
	}
	wg.Wait()
	return summarize(lat, time.Since(start), int(errs.Load()))
}

func summarize(per [][]time.Duration, wall time.Duration, errs int) runStats {
	all := slices.Concat(per...)
	slices.Sort(all)
	s := runStats{requests: len(all), errors: errs, wall: wall}
	if len(all) > 0 {
		s.p50, s.p99 = quantile(all, 0.50), quantile(all, 0.99)
	}
	return s
}

// quantile of sorted, nearest rank; 0 when empty.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(int(q*float64(len(sorted))), len(sorted)-1)]
}

// median of runs by rate.
func median(runs []runStats) runStats {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b runStats) int { return cmp.Compare(a.rate(), b.rate()) })
	return s[len(s)/2]
}
