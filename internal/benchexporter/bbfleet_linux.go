package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

// bbFleetResult is what the blackbox_exporter fleet run measured.
type bbFleetResult struct {
	procStats
	probes       []time.Duration // each /probe's latency, sorted
	errors       int             // requests that failed or were not 200
	right, wrong int             // rooms whose last probe_success matches / contradicts the lab
	missing      int             // rooms never answered
}

// bbFleet runs blackbox_exporter in the Peer namespace and drives it as
// Prometheus would drive a fleet of o.rooms: one /probe per room every
// o.interval, the rooms' requests spread evenly over the interval, the
// module's timeout o.timeout and Prometheus's default scrape timeout
// header. It measures blackbox_exporter's CPU and memory for d (the
// driver's own CPU, which Prometheus would spend, is not counted) and
// checks every room's last probe_success against the lab.
func bbFleet(lab *nslab.FleetLab, blackbox, dir string, o fleetOpts, d time.Duration) (bbFleetResult, error) {
	var res bbFleetResult
	rooms, err := nslab.FleetRooms(o.rooms)
	if err != nil {
		return res, err
	}
	conf := filepath.Join(dir, "blackbox-fleet.yml")
	mod := fmt.Sprintf("modules:\n  tcp_connect:\n    prober: tcp\n    timeout: %s\n", o.timeout)
	if err := os.WriteFile(conf, []byte(mod), 0o644); err != nil {
		return res, err
	}
	bb, err := startProc(lab.Peer, "blackbox_exporter (fleet)", "http://"+blackboxListen, filepath.Join(dir, "bb-fleet.log"),
		[]string{blackbox, "--config.file=" + conf, "--web.listen-address=" + blackboxListen, "--log.level=warn"},
		func(p *exporterProc) bool { return probeOK(p, p.base+bbProbePath(rooms[0])) })
	if err != nil {
		return res, err
	}
	defer bb.stop()
	dr := &driver{p: bb, last: make([][]byte, len(rooms))}
	res.procStats, err = watch(bb, d, o.sampleEvery, func(ctx context.Context) error {
		dr.run(ctx, rooms, o.interval)
		return nil
	})
	if err != nil {
		return res, err
	}
	res.probes, res.errors = dr.latencies(), dr.errors
	for i, r := range rooms {
		switch {
		case dr.last[i] == nil:
			res.missing++
		case bytes.Contains(dr.last[i], []byte("\nprobe_success 1\n")) == (nslab.FleetExpected(r) == nslab.SweepStateOpen):
			res.right++
		default:
			res.wrong++
		}
	}
	return res, nil
}

// driver sends the fleet's /probe requests and keeps what came back.
type driver struct {
	p      *exporterProc
	mu     sync.Mutex
	lat    []time.Duration
	errors int
	last   [][]byte // each room's last 200 body
}

// run sends one /probe per room per interval, room i at offset
// i*interval/len(rooms) into each round, until ctx ends; it returns when
// every request sent has finished.
func (d *driver) run(ctx context.Context, rooms []string, interval time.Duration) {
	var wg sync.WaitGroup
	defer wg.Wait()
	start := time.Now()
	gap := interval / time.Duration(len(rooms))
	for n := 0; ; n++ {
		due := start.Add(time.Duration(n) * gap)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(due)):
		}
		i := n % len(rooms)
		wg.Go(func() { d.one(i, d.p.base+bbProbePath(rooms[i])) })
	}
}

// one sends one /probe with Prometheus's default 10 s scrape timeout.
func (d *driver) one(i int, url string) {
	t := time.Now()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
	resp, err := d.p.client.Do(req)
	var body []byte
	if err == nil {
		var buf bytes.Buffer
		_, err = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		body = buf.Bytes()
	}
	took := time.Since(t)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lat = append(d.lat, took)
	if err != nil {
		d.errors++
		return
	}
	d.last[i] = body
}

func (d *driver) latencies() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := slices.Clone(d.lat)
	slices.Sort(s)
	return s
}
