package main

import (
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

// fleetResult is what the fleet run measured.
type fleetResult struct {
	elapsed      time.Duration
	cpu          float64 // seconds of utime+stime over elapsed
	hwmKB        int64
	rss          []rssSample
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

// sampleFleet samples RSS every o.sampleEvery and scrapes /metrics every
// o.scrapeEvery until o.duration has passed, and returns the last body.
func sampleFleet(rp *exporterProc, o fleetOpts, res *fleetResult) ([]byte, error) {
	start := time.Now()
	cpu0, err := cpuSeconds(rp.pid())
	if err != nil {
		return nil, err
	}
	sample, scrape := time.NewTicker(o.sampleEvery), time.NewTicker(o.scrapeEvery)
	defer sample.Stop()
	defer scrape.Stop()
	var last []byte
	for time.Since(start) < o.duration {
		select {
		case <-sample.C:
			kB, err := statusKB(rp.pid(), "VmRSS")
			if err != nil {
				return nil, err
			}
			res.rss = append(res.rss, rssSample{at: time.Since(start), kB: kB})
		case <-scrape.C:
			t := time.Now()
			code, body, err := rp.get(rp.base + "/metrics")
			if err != nil || code != 200 {
				return nil, fmt.Errorf("scrape /metrics: %d %v (see %s)", code, err, rp.log)
			}
			res.scrapes = append(res.scrapes, time.Since(t))
			last, res.scrapeBytes = body, len(body)
		}
	}
	cpu1, err := cpuSeconds(rp.pid())
	if err != nil {
		return nil, err
	}
	res.elapsed, res.cpu = time.Since(start), cpu1-cpu0
	res.hwmKB, err = statusKB(rp.pid(), "VmHWM")
	slices.Sort(res.scrapes)
	if last == nil {
		return nil, fmt.Errorf("no scrape in %s: -duration must exceed -scrape-every", o.duration)
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
