//go:build linux

// Command benchsweep is the sweep half of `make bench`: on the namespace
// lab it sweeps a campus /16 (65,536 probes: half open, a quarter closed, a
// quarter silently dropped) with portcheck -o ndjson beside nmap -sT -T4
// (tuned to the same timeout and retries) on a twin /16, so the two never
// share address pairs within a TIME_WAIT; then the peak RSS of every
// output format on a /16, and of a 1,048,576-probe sweep (16 ports x a
// /16, --force) in json and ndjson. Every json, ndjson and text result
// (the formats whose parser here reads the address) is checked against
// the lab's design (nslab.SweepExpected): a row counts those that differ
// by designed state, observed state and reason, so a slow-but-alive host
// called filtered shows. It prints one table with ratios and, when
// BENCH_ROWS names a file, appends each row to it (figure, value,
// comparison tool, its value, ratio; tab-separated). Needs root.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/roompath/roompath/netpath/nslab"
)

func main() {
	runs := flag.Int("runs", 1, "runs of each tool in the wall-time comparison; the median is reported")
	skip1M := flag.Bool("skip-1m", false, "skip the 1,048,576-probe sweeps (about two minutes each)")
	profile := flag.String("profile", "", "write a CPU profile of every portcheck run into this directory")
	extra := flag.String("portcheck-flags", "", "extra portcheck flags for every run (diagnostics), e.g. '--concurrency 1024'")
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
	b := &bench{lab: lab, bin: bin, extra: strings.Fields(*extra), farms: newFarms(lab.FarmCIDRs), profile: *profile}
	want := counts{"open": lab.FarmOpen, "closed": lab.FarmClosed, "filtered": lab.FarmDropped}
	fmt.Printf("Lab: %s, each /16 on TCP %d by design %s\n\n", strings.Join(lab.FarmCIDRs, " "), lab.Port, want)
	b.compare(*runs, want)
	b.formats()
	if !*skip1M {
		b.million()
	}
	b.print()
}

// compare is the /16 wall time of portcheck -o ndjson and nmap, each on
// its own /16, with their counts.
func (b *bench) compare(runs int, want counts) {
	var pcs, nms []run
	haveNmap := lookNmap()
	for range runs {
		pcs = append(pcs, b.portcheck("ndjson", 1))
		if haveNmap {
			nms = append(nms, b.nmap())
		}
	}
	p := median(pcs)
	b.ndjson16 = p
	if !haveNmap {
		fmt.Println("nmap not installed: apt-get install nmap for the comparison")
		b.add("/16 sweep wall (ndjson)", secs(p.wall), "(nmap not installed)", "-", "-")
		return
	}
	n := median(nms)
	b.nmap16 = n
	b.add("/16 sweep wall (ndjson)", secs(p.wall), nmapName, secs(n.wall), ratio(p.wall.Seconds(), n.wall.Seconds()))
	b.add("/16 sweep CPU user+sys (ndjson)", secs(p.cpu), nmapName, secs(n.cpu), ratio(p.cpu.Seconds(), n.cpu.Seconds()))
	b.add("/16 sweep peak RSS (ndjson)", mb(p.rssKB), nmapName, mb(n.rssKB), ratio(float64(p.rssKB), float64(n.rssKB)))
	agree := "differ"
	if equal(p.counts, n.counts) && equal(p.counts, want) {
		agree = "identical, as designed"
	}
	b.add("/16 open/closed/filtered", p.counts.String(), nmapName, n.counts.String(), agree)
	b.design("/16 (ndjson)", p)
}

// design adds the row of r's results that are not the lab's design for
// their address (a false "filtered" among them), when its format names
// the address.
func (b *bench) design(name string, r run) {
	if r.wrong == nil {
		return
	}
	v, n := "none", 0
	if len(r.wrong) > 0 {
		var ks []string
		for k, c := range r.wrong {
			ks = append(ks, fmt.Sprintf("%s ×%d", k, c))
			n += c
		}
		sort.Strings(ks)
		v = strings.Join(ks, ", ")
	}
	b.add(name+" results not as designed", v, "the lab's design", "0", fmt.Sprint(n))
}

// formats is the /16 peak RSS (and wall) of every other output format.
func (b *bench) formats() {
	for _, f := range []string{"json", "text", "junit", "html"} {
		r := b.portcheck(f, 1)
		cmpName, cmpRSS, cmpWall := nmapName, b.nmap16.rssKB, b.nmap16.wall
		if cmpRSS == 0 {
			cmpName, cmpRSS, cmpWall = "limit (issue 14)", limitKB, 0
		}
		b.add("/16 sweep peak RSS ("+f+")", mb(r.rssKB), cmpName, mb(cmpRSS), ratio(float64(r.rssKB), float64(cmpRSS)))
		if cmpWall > 0 {
			b.add("/16 sweep wall ("+f+")", secs(r.wall), cmpName, secs(cmpWall), ratio(r.wall.Seconds(), cmpWall.Seconds()))
		}
		b.design("/16 ("+f+")", r)
		if !equal(r.counts, b.ndjson16.counts) && r.counts != nil {
			b.add("/16 counts ("+f+")", r.counts.String(), "portcheck -o ndjson", b.ndjson16.counts.String(), "differ")
		}
	}
}

// million is the 16 ports x /16 sweep in json and ndjson against the 64 MB
// limit of issue 14.
func (b *bench) million() {
	for _, f := range []string{"ndjson", "json"} {
		r := b.portcheck(f, 16)
		b.add("1,048,576-probe sweep peak RSS ("+f+")", mb(r.rssKB), "limit (issue 14)", mb(limitKB), ratio(float64(r.rssKB), limitKB))
		b.add("1,048,576-probe sweep wall ("+f+")", secs(r.wall), "-", "-", r.counts.String())
		b.design("1,048,576-probe sweep ("+f+")", r)
	}
}

const nmapName = "nmap -sT -T4 --min-rate 2000 --max-rtt-timeout 1000ms --max-retries 0"

// limitKB is the peak RSS issue 14 allows, 64 MB.
const limitKB = 64 * 1024
