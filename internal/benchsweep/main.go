//go:build linux

// Command benchsweep is the sweep half of `make bench`: on the namespace
// lab it runs portcheck beside nmap (-sT, tuned to the same timeout and
// retries) over a /20 where a quarter of the hosts silently drop TCP 9090,
// and prints wall times, their ratio, peak memory, and whether the
// open/closed/filtered counts agree with each other and with the lab's
// design. It then sweeps a /16 to show memory stays flat. Needs root.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

type counts map[string]int

type run struct {
	wall   time.Duration
	rssKB  int64
	counts counts
}

func main() {
	runs := flag.Int("runs", 3, "runs of each tool; the median wall time is reported")
	diag := flag.Bool("diag", false, "print the lab namespaces' drop counters after the runs")
	only := flag.String("only", "", "extra portcheck flags to try (diagnostics), e.g. '--rate 2000'")
	flag.Parse()
	if err := nslab.Available(); err != nil {
		fmt.Println("benchsweep: skipped:", err)
		return
	}
	bin, _ := filepath.Abs("bin/portcheck")
	if _, err := os.Stat(bin); err != nil {
		fail("bin/portcheck missing: run make build")
	}
	lab, err := nslab.NewPortLab()
	if err != nil {
		fail(err.Error())
	}
	defer lab.Close()
	want := counts{"open": lab.SweepOpen, "closed": lab.SweepClosed, "filtered": lab.SweepDropped}
	fmt.Printf("Lab sweep %s on TCP %d: by design %s\n\n", lab.SweepCIDR, lab.Port, want)
	pc := []string{bin, "-o", "ndjson", "--timeout", "1s", "--attempts", "1", "--rate", "0", "-p", fmt.Sprint(lab.Port), lab.SweepCIDR}
	nm := []string{"nmap", "-n", "-Pn", "-sT", "-T4", "--min-rate", "2000", "--max-rtt-timeout", "1000ms", "--max-retries", "0", "-p", fmt.Sprint(lab.Port), "-oG", "-", lab.SweepCIDR}
	if *only != "" {
		pc = append(pc[:len(pc)-1], append(strings.Fields(*only), lab.SweepCIDR)...)
	}
	p := measure(lab, pc, parseNDJSON, *runs)
	if *diag {
		for _, ns := range []*nslab.NS{lab.Client, lab.Router, lab.Farm} {
			out, _ := ns.Command(context.Background(), "nstat", "-az").Output()
			fmt.Printf("-- %s drops:\n", ns.Role)
			for _, l := range strings.Split(string(out), "\n") {
				f := strings.Fields(l)
				if len(f) >= 2 && f[1] != "0" && isDropCounter(f[0]) {
					fmt.Println("  ", f[0], f[1])
				}
			}
		}
		if *only != "" {
			fmt.Println("portcheck", p.counts, p.wall)
			return
		}
	}
	var n run
	if _, err := exec.LookPath("nmap"); err == nil {
		n = measure(lab, nm, parseGrepable, *runs)
	} else {
		fmt.Println("nmap not installed: apt-get install nmap for the comparison")
	}
	fmt.Printf("%-10s %10s %10s  %s\n", "tool", "wall", "peak RSS", "counts")
	fmt.Printf("%-10s %10s %8.1fMB  %s  (matches design: %v)\n", "portcheck", p.wall.Round(time.Millisecond), float64(p.rssKB)/1024, p.counts, equal(p.counts, want))
	if n.counts != nil {
		fmt.Printf("%-10s %10s %8.1fMB  %s  (matches design: %v)\n", "nmap", n.wall.Round(time.Millisecond), float64(n.rssKB)/1024, n.counts, equal(n.counts, want))
		fmt.Printf("\nportcheck/nmap wall-time ratio: %.2f; counts agree: %v\n", p.wall.Seconds()/n.wall.Seconds(), equal(p.counts, n.counts))
		fmt.Printf("commands:\n  %s\n  %s\n", strings.Join(pc, " "), strings.Join(nm, " "))
	}
	big := []string{bin, "-o", "ndjson", "--timeout", "1s", "--rate", "0", "-p", fmt.Sprint(lab.Port), "10.99.0.0/16"}
	b := measure(lab, big, parseNDJSON, 1)
	fmt.Printf("\n/16 sweep (65,536 probes, ndjson): %s, peak RSS %.1f MB, %s\n  %s\n", b.wall.Round(time.Millisecond), float64(b.rssKB)/1024, b.counts, strings.Join(big, " "))
}

// measure runs argv in the lab's client namespace n times and keeps the run
// with the median wall time.
func measure(lab *nslab.PortLab, argv []string, parse func([]byte) counts, n int) run {
	var rs []run
	for range n {
		var out bytes.Buffer
		cmd := lab.Client.Command(context.Background(), argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			fail(fmt.Sprintf("%s: %v", argv[0], err))
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		rs = append(rs, run{wall: wall, rssKB: ru.Maxrss, counts: parse(out.Bytes())})
		fmt.Fprintf(os.Stderr, "  run %d of %s: %s in %s (cpu user %s sys %s)\n", len(rs), filepath.Base(argv[0]), rs[len(rs)-1].counts, wall.Round(time.Millisecond), time.Duration(ru.Utime.Nano()).Round(time.Millisecond), time.Duration(ru.Stime.Nano()).Round(time.Millisecond))
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].wall < rs[j].wall })
	return rs[len(rs)/2]
}

// parseNDJSON counts portcheck results in nmap's terms: unreachable and
// filtered are both "filtered".
func parseNDJSON(b []byte) counts {
	c := counts{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r struct {
			Check, Observed string
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Check != "tcp" {
			continue
		}
		switch r.Observed {
		case "open", "closed":
			c[r.Observed]++
		default:
			c["filtered"]++
		}
	}
	return c
}

// parseGrepable counts port states in nmap -oG output.
func parseGrepable(b []byte) counts {
	c := counts{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		_, ports, ok := strings.Cut(sc.Text(), "Ports: ")
		if !ok {
			continue
		}
		for _, p := range strings.Split(ports, ",") {
			f := strings.Split(strings.TrimSpace(p), "/")
			if len(f) > 1 {
				c[f[1]]++
			}
		}
	}
	return c
}

func equal(a, b counts) bool {
	for _, k := range []string{"open", "closed", "filtered"} {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func (c counts) String() string {
	return fmt.Sprintf("open %d, closed %d, filtered %d", c["open"], c["closed"], c["filtered"])
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "benchsweep:", msg)
	os.Exit(1)
}

// isDropCounter picks the nstat counters that explain lost probes.
func isDropCounter(name string) bool {
	for _, k := range []string{"Drop", "Overflow", "Discard", "Retrans", "Fail", "Timeout"} {
		if strings.Contains(name, k) {
			return true
		}
	}
	return false
}
