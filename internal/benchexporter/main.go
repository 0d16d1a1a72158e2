// Command benchexporter runs `roompath serve` and Debian's
// prometheus-blackbox-exporter side by side on loopback, probing the same
// loopback TCP target, and reports /probe requests per second and latency
// (p50, p99) of each at the same concurrency.
//
//	go run ./internal/benchexporter [-n 3000] [-c 1,8,32]
//
// Everything listens on 127.0.0.1 and stops at the end; every run is
// bounded by -n requests and -max-time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// exporterUnderTest is one exporter process and the /probe URL it answers.
type exporterUnderTest struct {
	name string
	url  string
	cmd  *exec.Cmd
}

// runStats is the outcome of one load run.
type runStats struct {
	requests, errors int
	wall             time.Duration
	p50, p99         time.Duration
}

func main() {
	n := flag.Int("n", 3000, "requests per exporter and concurrency level")
	levels := flag.String("c", "1,8,32", "concurrency levels")
	maxTime := flag.Duration("max-time", 60*time.Second, "bound on each run")
	blackbox := flag.String("blackbox", "prometheus-blackbox-exporter", "blackbox_exporter binary")
	flag.Parse()
	if err := run(*n, *levels, *maxTime, *blackbox); err != nil {
		fmt.Fprintln(os.Stderr, "benchexporter:", err)
		os.Exit(1)
	}
}

func run(n int, levels string, maxTime time.Duration, blackbox string) error {
	conc, err := parseLevels(levels)
	if err != nil {
		return err
	}
	target, stop, err := startTarget()
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "benchexporter")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	exps, err := startExporters(dir, blackbox, target)
	for _, e := range exps {
		defer stopProcess(e.cmd)
	}
	if err != nil {
		return err
	}
	return compare(exps, conc, n, maxTime)
}

func parseLevels(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 || c > 256 {
			return nil, fmt.Errorf("-c: %q is not a concurrency of 1-256", f)
		}
		out = append(out, c)
	}
	return out, nil
}

// startTarget listens on loopback and accepts and closes every connection:
// the open port both exporters probe.
func startTarget() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }, nil
}

// startExporters builds and starts roompath serve, then blackbox_exporter,
// each on a free loopback port, and waits until both answer.
func startExporters(dir, blackbox, target string) ([]*exporterUnderTest, error) {
	bin := filepath.Join(dir, "roompath-serve")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath/servecmd/testdata/servebin").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	bbConf := filepath.Join(dir, "blackbox.yml")
	if err := os.WriteFile(bbConf, []byte("modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 5s\n"), 0o644); err != nil {
		return nil, err
	}
	rpAddr, bbAddr := freePort(), freePort()
	specs := []struct {
		name, url string
		argv      []string
	}{
		{"roompath serve", "http://" + rpAddr + "/probe?module=tcp&target=" + target, []string{bin, "--listen", rpAddr, "--allow", "127.0.0.1"}},
		{"blackbox_exporter", "http://" + bbAddr + "/probe?module=tcp_connect&target=" + target, []string{blackbox, "--config.file=" + bbConf, "--web.listen-address=" + bbAddr, "--log.level=warn"}},
	}
	var exps []*exporterUnderTest
	for _, s := range specs {
		cmd := exec.Command(s.argv[0], s.argv[1:]...)
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			return exps, fmt.Errorf("start %s: %w", s.name, err)
		}
		e := &exporterUnderTest{name: s.name, url: s.url, cmd: cmd}
		exps = append(exps, e)
		if err := waitReady(e.url); err != nil {
			return exps, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return exps, nil
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls url until it answers a successful probe (10 s at most).
func waitReady(url string) error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, _ := probeOnce(http.DefaultClient, url); ok {
			return nil
		}
	}
	return fmt.Errorf("no successful probe from %s", url)
}

// probeOnce does one /probe request; ok means HTTP 200 with probe_success 1.
func probeOnce(c *http.Client, url string) (bool, error) {
	resp, err := c.Get(url)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == 200 && strings.Contains(string(b), "\nprobe_success 1\n"), err
}

func stopProcess(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
	}
}

// compare runs each exporter at each level, alternating which goes first,
// after a warm-up, and prints one table.
func compare(exps []*exporterUnderTest, levels []int, n int, maxTime time.Duration) error {
	fmt.Printf("%d requests per run; target, load generator and exporters share this machine (%d CPUs)\n\n", n, numCPU())
	fmt.Printf("%-18s %5s %9s %9s %9s %7s\n", "exporter", "conc", "req/s", "p50", "p99", "errors")
	for _, e := range exps {
		load(e.url, 8, 500, maxTime)
	}
	for i, c := range levels {
		order := exps
		if i%2 == 1 {
			order = []*exporterUnderTest{exps[1], exps[0]}
		}
		for _, e := range order {
			s := load(e.url, c, n, maxTime)
			fmt.Printf("%-18s %5d %9.0f %9s %9s %7d\n", e.name, c, float64(s.requests)/s.wall.Seconds(), round(s.p50), round(s.p99), s.errors)
		}
	}
	return nil
}

func round(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return max(strings.Count(string(b), "processor\t:"), 1)
}

// load sends n requests with c workers (fewer if maxTime passes first) and
// measures each request's latency.
func load(url string, c, n int, maxTime time.Duration) runStats {
	ctx, cancel := context.WithTimeout(context.Background(), maxTime)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}, Timeout: 10 * time.Second}
	var next, errs atomic.Int64
	lat := make([][]time.Duration, c)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c {
		wg.Go(func() {
			for ctx.Err() == nil && next.Add(1) <= int64(n) {
				t := time.Now()
				if ok, _ := probeOnce(client, url); !ok {
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
		s.p50, s.p99 = all[len(all)/2], all[min(len(all)*99/100, len(all)-1)]
	}
	return s
}
