package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

// fleetOpts is the fleet run's shape.
type fleetOpts struct {
	rooms, perSchedule int
	interval, timeout  time.Duration
	duration           time.Duration
	sampleEvery        time.Duration
	scrapeEvery        time.Duration
}

// procStats is what watching one exporter process measured.
type procStats struct {
	elapsed time.Duration
	cpu     float64 // seconds of utime+stime over elapsed
	hwmKB   int64
	rss     []rssSample
}

// fleetResult is what the fleet run measured.
type fleetResult struct {
	procStats
	scrapes      []time.Duration // sorted
	scrapeBytes  int
	schedules    int
	right, wrong int // rooms whose last outcome matches / contradicts the lab
	missing      int // rooms without a series at the end
	stale        int // schedules whose last round ended over two intervals ago
}

// fleetConfig writes the serve configuration: the rooms split into
// schedules of at most perSchedule targets on the tcp module.
func fleetConfig(path, cidr string, rooms []string, o fleetOpts) (int, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "allow: [%s]\nmax_concurrent_probes: %d\nschedules:\n", cidr, probeSlots)
	n := 0
	for chunk := range slices.Chunk(rooms, o.perSchedule) {
		fmt.Fprintf(&b, "  - name: fleet_%d\n    module: tcp\n    interval: %s\n    timeout: %s\n    targets:\n", n, o.interval, o.timeout)
		for _, r := range chunk {
			fmt.Fprintf(&b, "      - %s\n", r)
		}
		n++
	}
	return n, os.WriteFile(path, []byte(b.String()), 0o644)
}

// fleet runs roompath serve with the fleet's schedules in the Exporter
// namespace for o.duration, sampling its CPU and RSS and scraping
// /metrics, then checks every room's last outcome against the lab.
func fleet(lab *nslab.FleetLab, bin, dir string, o fleetOpts) (fleetResult, error) {
	var res fleetResult
	rooms, err := nslab.FleetRooms(o.rooms)
	if err != nil {
		return res, err
	}
	cfg := filepath.Join(dir, "fleet.yml")
	if res.schedules, err = fleetConfig(cfg, lab.FleetCIDR, rooms, o); err != nil {
		return res, err
	}
	rp, err := startProc(lab.Exporter, "roompath serve (fleet)", "http://"+roompathListen, filepath.Join(dir, "rp-fleet.log"),
		[]string{bin, "--listen", roompathListen, "--config", cfg, "--max-concurrent-probes", strconv.Itoa(probeSlots)},
		func(p *exporterProc) bool {
			code, _, err := p.get(p.base + "/metrics")
			return err == nil && code == 200
		})
	if err != nil {
		return res, err
	}
	defer rp.stop()
	last, err := sampleFleet(rp, o, &res)
	if err != nil {
		return res, err
	}
	res.right, res.wrong, res.missing = judge(last, rooms)
	res.stale = res.schedules - freshSchedules(last, time.Now(), 2*o.interval)
	return res, nil
}

// watch runs work while sampling p's RSS every `every`, for d, then
// cancels work's context and waits for it; it measures p's CPU over the
// whole run and its peak RSS at the end.
func watch(p *exporterProc, d, every time.Duration, work func(ctx context.Context) error) (procStats, error) {
	var st procStats
	start := time.Now()
	cpu0, err := cpuSeconds(p.pid())
	if err != nil {
		return st, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- work(ctx) }()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case err := <-done:
			return st, fmt.Errorf("%s: %w", p.name, err)
		case <-tick.C:
			kB, err := statusKB(p.pid(), "VmRSS")
			if err != nil {
				return st, err
			}
			st.rss = append(st.rss, rssSample{at: time.Since(start), kB: kB})
		}
	}
	if err := <-done; err != nil {
		return st, fmt.Errorf("%s: %w", p.name, err)
	}
	cpu1, err := cpuSeconds(p.pid())
	if err != nil {
		return st, err
	}
	st.elapsed, st.cpu = time.Since(start), cpu1-cpu0
	st.hwmKB, err = statusKB(p.pid(), "VmHWM")
	if len(st.rss) == 0 {
		return st, fmt.Errorf("no RSS sample in %s", d)
	}
	return st, err
}

// sampleFleet watches rp for o.duration, scraping /metrics every
// o.scrapeEvery, and returns the last body.
func sampleFleet(rp *exporterProc, o fleetOpts, res *fleetResult) ([]byte, error) {
	var last []byte
	st, err := watch(rp, o.duration, o.sampleEvery, func(ctx context.Context) error {
		scrape := time.NewTicker(o.scrapeEvery)
		defer scrape.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-scrape.C:
			}
			t := time.Now()
			code, body, err := rp.get(rp.base + "/metrics")
			if err != nil || code != 200 {
				return fmt.Errorf("scrape /metrics: %d %v (see %s)", code, err, rp.log)
			}
			res.scrapes = append(res.scrapes, time.Since(t))
			last, res.scrapeBytes = body, len(body)
		}
	})
	res.procStats = st
	slices.Sort(res.scrapes)
	if err == nil && last == nil {
		err = fmt.Errorf("no scrape in %s: -duration must exceed -scrape-every", o.duration)
	}
	return last, err
}

var (
	successRE = regexp.MustCompile(`(?m)^probe_success\{[^}]*target="([^"]+)"[^}]*\} (\S+)$`)
	lastRunRE = regexp.MustCompile(`(?m)^roompath_schedule_last_run_timestamp_seconds\{[^}]*\} (\S+)$`)
)

// judge compares each room's probe_success in body with the lab's design:
// 1 exactly for open rooms.
func judge(body []byte, rooms []string) (right, wrong, missing int) {
	got := map[string]string{}
	for _, m := range successRE.FindAllSubmatch(body, -1) {
		got[string(m[1])] = string(m[2])
	}
	for _, r := range rooms {
		v, ok := got[r]
		switch {
		case !ok:
			missing++
		case (v == "1") == (nslab.FleetExpected(r) == nslab.SweepStateOpen):
			right++
		default:
			wrong++
		}
	}
	return right, wrong, missing
}

// freshSchedules counts schedules whose last round ended after
// now-maxAge; a schedule that never finished a round has no timestamp.
func freshSchedules(body []byte, now time.Time, maxAge time.Duration) int {
	fresh := 0
	for _, m := range lastRunRE.FindAllSubmatch(body, -1) {
		ts, err := strconv.ParseFloat(string(m[1]), 64)
		if err == nil && now.Sub(time.Unix(int64(ts), 0)) <= maxAge {
			fresh++
		}
	}
	return fresh
}
