package exporter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Schedule defaults and bounds.
const (
	// DefaultInterval is a schedule's interval when it sets none: the
	// usual Prometheus scrape interval.
	DefaultInterval = time.Minute
	// minInterval keeps a schedule from becoming a flood; maxInterval
	// keeps a typo (999999h) from silencing it.
	minInterval = time.Second
	maxInterval = 24 * time.Hour
	// maxScheduleTargets bounds one schedule; larger estates belong in
	// Prometheus service discovery and /probe.
	maxScheduleTargets = 4096
	// scheduleParallel bounds the probes of one schedule in flight.
	scheduleParallel = 32
	// planTimeout bounds the allowlist check of a schedule's targets at
	// start (names not in the allowlist are resolved).
	planTimeout = 5 * time.Second
)

// scheduleLabels are added to every metric of a scheduled result.
var scheduleLabels = []string{"schedule", "module", "target"}

// scheduled is one running schedule and its latest outcomes.
type scheduled struct {
	cfg     Schedule
	mod     Module
	timeout time.Duration

	mu      sync.Mutex
	latest  map[string]timedOutcome
	lastRun time.Time
}

type timedOutcome struct {
	out  Outcome
	took time.Duration
}

// buildSchedules builds the configuration's schedules, then those of its
// profiles; every schedule name must be unique.
func (e *Exporter) buildSchedules(cfgs []Schedule, profiles []ProfileSchedule) ([]*scheduled, error) {
	seen := map[string]bool{}
	var out []*scheduled
	add := func(s *scheduled) error {
		if n := s.cfg.Name; n == "" || seen[n] || Label(n) != n {
			return fmt.Errorf("schedule %q: a unique name of a-z, 0-9 and _ is required", n)
		}
		seen[s.cfg.Name] = true
		out = append(out, s)
		return nil
	}
	for _, c := range cfgs {
		s, err := e.buildSchedule(c)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", c.Name, err)
		}
		if err := add(s); err != nil {
			return nil, err
		}
	}
	for _, p := range profiles {
		ss, err := e.profileSchedules(p)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", p.Name, err)
		}
		for _, s := range ss {
			if err := add(s); err != nil {
				return nil, fmt.Errorf("profile %s: %w", p.Name, err)
			}
		}
	}
	return out, nil
}

func (e *Exporter) buildSchedule(c Schedule) (*scheduled, error) {
	mod, ok := e.modules[c.Module]
	if !ok {
		return nil, fmt.Errorf("unknown module %q", c.Module)
	}
	return e.newScheduled(c, mod, time.Duration(e.confs[c.Module].Timeout))
}

// newScheduled checks c's targets (each once, each through mod's Plan and
// so the allow list) and interval, and builds the schedule.
func (e *Exporter) newScheduled(c Schedule, mod Module, modTimeout time.Duration) (*scheduled, error) {
	if len(c.Targets) == 0 || len(c.Targets) > maxScheduleTargets {
		return nil, fmt.Errorf("want 1-%d targets, got %d", maxScheduleTargets, len(c.Targets))
	}
	c.Interval = Duration(cmp.Or(time.Duration(c.Interval), DefaultInterval))
	switch iv := time.Duration(c.Interval); {
	case iv < minInterval:
		return nil, fmt.Errorf("interval %s is below %s", iv, minInterval)
	case iv > maxInterval:
		return nil, fmt.Errorf("interval %s is above %s", iv, maxInterval)
	}
	if err := checkTimeout(time.Duration(c.Timeout), maxModuleTimeout); err != nil {
		return nil, err
	}
	if err := uniqueTargets(c.Targets); err != nil {
		return nil, err
	}
	s := &scheduled{cfg: c, mod: mod, latest: map[string]timedOutcome{}}
	s.timeout = min(firstPositive(time.Duration(c.Timeout), modTimeout, DefaultTimeout), time.Duration(c.Interval))
	ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
	defer cancel()
	for _, t := range c.Targets {
		if _, err := mod.Plan(ctx, t, e.allow); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func uniqueTargets(ts []string) error {
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t] {
			return fmt.Errorf("target %q listed twice", t)
		}
		seen[t] = true
	}
	return nil
}

func firstPositive(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d > 0 {
			return d
		}
	}
	return 0
}

// Start runs every schedule, at once and then every interval, until ctx
// ends. It returns at once.
func (e *Exporter) Start(ctx context.Context) {
	for _, s := range e.schedules {
		go e.loop(ctx, s)
	}
}

func (e *Exporter) loop(ctx context.Context, s *scheduled) {
	tick := time.NewTicker(time.Duration(s.cfg.Interval))
	defer tick.Stop()
	for {
		e.runSchedule(ctx, s)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// runSchedule probes every target of s, scheduleParallel at a time, and
// keeps each outcome as it arrives.
func (e *Exporter) runSchedule(ctx context.Context, s *scheduled) {
	sem := make(chan struct{}, scheduleParallel)
	var wg sync.WaitGroup
	for _, t := range s.cfg.Targets {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			e.runScheduled(ctx, s, t)
		})
	}
	wg.Wait()
	s.mu.Lock()
	s.lastRun = e.now()
	s.mu.Unlock()
}

func (e *Exporter) runScheduled(ctx context.Context, s *scheduled, target string) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	start := e.now()
	run, err := s.mod.Plan(ctx, target, e.allow)
	if err != nil {
		if !errors.Is(ctx.Err(), context.Canceled) {
			e.log.Warn("scheduled target refused", "schedule", s.cfg.Name, "target", target, "err", err)
		}
		return
	}
	out := run(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if exhausted(out.Results) {
		// Not the target's failure: drop its series rather than report an outage.
		e.limit.rejected.WithLabelValues(rejectedResources).Inc()
		e.log.Warn("scheduled probe ran out of local resources", "schedule", s.cfg.Name, "target", target)
		delete(s.latest, target)
		return
	}
	s.latest[target] = timedOutcome{out: out, took: e.now().Sub(start)}
}

// scheduleCollector exposes when each schedule last finished a round;
// Exporter.gather adds the schedules' results.
type scheduleCollector struct {
	e *Exporter
}

var lastRunDesc = prometheus.NewDesc("roompath_schedule_last_run_timestamp_seconds",
	"When the schedule last finished a round, in Unix seconds.", []string{"schedule"}, nil)

// Describe sends the last-run descriptor.
func (c *scheduleCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lastRunDesc }

// Collect sends each schedule's last-run time, once it has finished a round.
func (c *scheduleCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.e.schedules {
		s.mu.Lock()
		if !s.lastRun.IsZero() {
			ch <- prometheus.MustNewConstMetric(lastRunDesc, prometheus.GaugeValue, float64(s.lastRun.Unix()), s.cfg.Name)
		}
		s.mu.Unlock()
	}
}
