//go:build linux

// Command benchexporter is the exporter half of `make bench` (root: it
// builds a namespace lab, nslab.FleetLab, with a farm of rooms on TCP 9090,
// three in four open, one in eight closed, one in eight silently dropped).
//
// First, /probe throughput: `roompath serve` and Debian's
// prometheus-blackbox-exporter (module tcp_connect) probe the same open
// room at the same fixed concurrency, each from its own namespace (so
// neither meets the other's TIME_WAIT sockets), after a warm-up, -rounds
// times in alternating order; the median run of each is reported.
//
// Then the fleet: `roompath serve` schedules -rooms rooms (default 5,000,
// in schedules of 2,500) every -interval (15 s) with a -timeout (1 s)
// per probe, for -duration (10 minutes; use e.g. -duration 60s while
// developing). Its CPU (utime+stime from /proc/PID/stat) per minute, peak
// RSS (VmHWM), RSS every 10 s (first, last, peak, least-squares slope),
// and the latency of a /metrics scrape every 15 s are reported; at the end
// every room's last probe_success is checked against the lab, and the run
// fails (exit 1) if any room is wrong or missing or a schedule fell behind.
//
// Beside the fleet, for -bb-duration (3 minutes; 0 skips it), the bench
// drives blackbox_exporter over the same rooms as Prometheus would: one
// /probe per room every -interval, spread evenly over it, with the same
// timeout. blackbox_exporter's CPU per minute, peak RSS, RSS samples and
// /probe latency stand beside roompath's figures (the driver's own CPU,
// which Prometheus would spend on 333 scrapes a second, is not counted).
//
// Both exporters listen on 127.0.0.1 inside their namespaces (no
// --insecure-listen needed) and roompath runs with --max-concurrent-probes
// 64 (its default, stated), above the load's concurrency, so nothing is
// refused with 503. Rows go to the file named by BENCH_ROWS when set:
// figure, roompath value, comparison tool, its value, ratio (tab-separated).
//
//	go run ./internal/benchexporter [-duration 10m] [-bb-duration 3m] [-rooms 5000] [-c 32] [-n 5000]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

// options are the command's flags.
type options struct {
	fleet              fleetOpts
	conc, n, rounds    int
	blackbox           string
	bbDuration         time.Duration
	skipFleet, skipTPT bool
}

func main() {
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchexporter:", err)
		os.Exit(2)
	}
	if err := nslab.Available(); err != nil {
		fmt.Println("benchexporter: skipped:", err)
		return
	}
	ok, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchexporter:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

func parseFlags() (options, error) {
	var o options
	flag.DurationVar(&o.fleet.duration, "duration", 10*time.Minute, "fleet run length, 30s-1h")
	flag.IntVar(&o.fleet.rooms, "rooms", 5000, "rooms in the fleet, 1-16383")
	flag.IntVar(&o.fleet.perSchedule, "per-schedule", 2500, "rooms per schedule, 1-4096")
	flag.DurationVar(&o.fleet.interval, "interval", 15*time.Second, "schedule interval, 1s-10m")
	flag.DurationVar(&o.fleet.timeout, "timeout", time.Second, "scheduled probe timeout, 100ms-10s (at most -interval)")
	flag.IntVar(&o.conc, "c", 32, "/probe load concurrency, 1-64 (roompath's --max-concurrent-probes is 64)")
	flag.IntVar(&o.n, "n", 5000, "/probe requests per run, 100-20000")
	flag.IntVar(&o.rounds, "rounds", 3, "/probe runs per exporter, 1-9; the median is reported")
	flag.StringVar(&o.blackbox, "blackbox", "/usr/bin/prometheus-blackbox-exporter", "blackbox_exporter binary")
	flag.DurationVar(&o.bbDuration, "bb-duration", 3*time.Minute, "length of blackbox_exporter's fleet run beside roompath's, 30s-1h; 0 skips it")
	flag.BoolVar(&o.skipFleet, "skip-fleet", false, "run the /probe comparison only")
	flag.BoolVar(&o.skipTPT, "skip-probe", false, "run the fleet only")
	flag.Parse()
	o.fleet.sampleEvery, o.fleet.scrapeEvery = 10*time.Second, 15*time.Second
	f := o.fleet
	switch {
	case flag.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", flag.Arg(0))
	case f.duration < 30*time.Second || f.duration > time.Hour:
		return o, fmt.Errorf("-duration %s: want 30s-1h", f.duration)
	case f.rooms < 1 || f.rooms > 16383:
		return o, fmt.Errorf("-rooms %d: want 1-16383", f.rooms)
	case f.perSchedule < 1 || f.perSchedule > 4096:
		return o, fmt.Errorf("-per-schedule %d: want 1-4096", f.perSchedule)
	case f.interval < time.Second || f.interval > 10*time.Minute:
		return o, fmt.Errorf("-interval %s: want 1s-10m", f.interval)
	case f.timeout < 100*time.Millisecond || f.timeout > 10*time.Second || f.timeout > f.interval:
		return o, fmt.Errorf("-timeout %s: want 100ms-10s and at most -interval", f.timeout)
	case o.bbDuration != 0 && (o.bbDuration < 30*time.Second || o.bbDuration > time.Hour):
		return o, fmt.Errorf("-bb-duration %s: want 30s-1h, or 0", o.bbDuration)
	case o.conc < 1 || o.conc > probeSlots:
		return o, fmt.Errorf("-c %d: want 1-%d", o.conc, probeSlots)
	case o.n < 100 || o.n > 20000:
		return o, fmt.Errorf("-n %d: want 100-20000", o.n)
	case o.rounds < 1 || o.rounds > 9:
		return o, fmt.Errorf("-rounds %d: want 1-9", o.rounds)
	}
	return o, nil
}

// run builds the lab and the exporter, runs both parts and prints the
// table; ok is false when the fleet's outcomes contradict the lab.
func run(o options) (bool, error) {
	dir, err := os.MkdirTemp("", "benchexporter")
	if err != nil {
		return false, err
	}
	keep := false // on failure the exporters' logs stay for a look
	defer func() {
		if keep {
			fmt.Fprintln(os.Stderr, "benchexporter: logs kept in", dir)
		} else {
			os.RemoveAll(dir)
		}
	}()
	bin := filepath.Join(dir, "roompath-serve")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath/servecmd/testdata/servebin").CombinedOutput(); err != nil {
		return false, fmt.Errorf("go build: %v\n%s", err, out)
	}
	lab, err := nslab.NewFleetLab()
	if err != nil {
		return false, err
	}
	defer lab.Close()
	var rows []row
	if !o.skipTPT {
		rooms, _ := nslab.FleetRooms(1) // the first room is open by design
		t, err := throughput(lab, bin, o.blackbox, dir, rooms[0], o.conc, o.n, o.rounds)
		if keep = err != nil; keep {
			return false, err
		}
		rows = append(rows, tputRows(t)...)
	}
	ok := true
	if !o.skipFleet {
		fmt.Fprintf(os.Stderr, "benchexporter: fleet of %d rooms every %s for %s...\n", o.fleet.rooms, o.fleet.interval, o.fleet.duration)
		f, err := fleet(lab, bin, dir, o.fleet)
		if keep = err != nil; keep {
			return false, err
		}
		var bb *bbFleetResult
		if o.bbDuration > 0 {
			fmt.Fprintf(os.Stderr, "benchexporter: blackbox_exporter driven like Prometheus over the same fleet for %s...\n", o.bbDuration)
			b, err := bbFleet(lab, o.blackbox, dir, o.fleet, o.bbDuration)
			if keep = err != nil; keep {
				return false, err
			}
			bb = &b
		}
		rows = append(rows, fleetRows(f, bb, o.fleet)...)
		ok = f.wrong == 0 && f.missing == 0 && f.stale == 0
		keep = !ok
	}
	return ok, emit(rows)
}
