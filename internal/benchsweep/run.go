//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

type counts map[string]int

type run struct {
	wall, cpu time.Duration
	rssKB     int64
	counts    counts
	// wrong counts the results whose state is not the lab's design for
	// their address, by "designed→observed/reason"; nil when the format
	// does not name the address.
	wrong map[string]int
}

// tally counts results in nmap's terms and checks each against the lab's
// design.
type tally struct {
	c     counts
	wrong map[string]int
}

func newTally() *tally { return &tally{c: counts{}} }

// add counts one tcp result on target ("addr:port"; empty when the format
// does not say) observed o for reason.
func (t *tally) add(target, o, reason string) {
	t.c.observed(o)
	if target == "" {
		return
	}
	if t.wrong == nil {
		t.wrong = map[string]int{}
	}
	host, _, _ := strings.Cut(target, ":")
	want := nslab.SweepExpected(host)
	got := o
	if got != "open" && got != "closed" {
		got = "filtered"
	}
	if want != got {
		k := want + "→" + o
		if reason != "" {
			k += "/" + reason
		}
		t.wrong[k]++
		if t.wrong[k] <= 3 {
			fmt.Fprintf(os.Stderr, "    not as designed: %s %s (%s), designed %s\n", target, o, reason, want)
		}
	}
}

type bench struct {
	lab      *nslab.PortLab
	bin      string
	extra    []string
	farms    *farms
	rows     [][5]string
	ndjson16 run
	nmap16   run
	profile  string
	nprof    int
}

// portcheck sweeps a fresh /16 on nports ports in format f.
func (b *bench) portcheck(f string, nports int) run {
	cidr := b.farms.take()
	ports := fmt.Sprint(b.lab.FarmPortFirst)
	if nports > 1 {
		ports = fmt.Sprintf("%d-%d", b.lab.FarmPortFirst, b.lab.FarmPortFirst+nports-1)
	}
	argv := []string{b.bin, "-o", f, "--timeout", "1s", "--attempts", "1", "--rate", "0", "-p", ports}
	if nports > 1 {
		argv = append(argv, "--force")
	}
	argv = append(append(argv, b.extra...), cidr)
	defer b.farms.done(cidr)
	return b.measure(argv, parsers[f])
}

func (b *bench) nmap() run {
	cidr := b.farms.take()
	defer b.farms.done(cidr)
	return b.measure([]string{"nmap", "-n", "-Pn", "-sT", "-T4", "--min-rate", "2000", "--max-rtt-timeout", "1000ms", "--max-retries", "0",
		"-p", fmt.Sprint(b.lab.Port), "-oG", "-", cidr}, parseGrepable)
}

// measure runs argv in the lab's client namespace with its output going to
// a temporary file, counted after the run (a reader running beside the
// tool would take CPU from it). With -profile DIR, portcheck runs write a
// CPU profile there (ROOMPATH_CPUPROFILE).
func (b *bench) measure(argv []string, parse func(io.Reader) *tally) run {
	out, err := os.CreateTemp("", "benchsweep-*.out")
	if err != nil {
		fail(err.Error())
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd := b.lab.Client.Command(context.Background(), argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	if b.profile != "" && filepath.Base(argv[0]) == "portcheck" {
		b.nprof++
		cmd.Env = append(os.Environ(), fmt.Sprintf("ROOMPATH_CPUPROFILE=%s/portcheck-%s-%d.cpu", b.profile, argv[2], b.nprof))
	}
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		fail(fmt.Sprintf("%s: %v", argv[0], err))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		fail(err.Error())
	}
	t := parse(bufio.NewReaderSize(out, 1<<20))
	c := t.c
	r := run{wall: wall, cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), rssKB: ru.Maxrss, counts: c, wrong: t.wrong}
	fmt.Fprintf(os.Stderr, "  %s: %s in %s, cpu %s, peak RSS %s\n    %s\n", filepath.Base(argv[0]), c, wall.Round(time.Millisecond),
		r.cpu.Round(time.Millisecond), mb(r.rssKB), strings.Join(argv, " "))
	return r
}

func median(rs []run) run {
	sort.Slice(rs, func(i, j int) bool { return rs[i].wall < rs[j].wall })
	return rs[len(rs)/2]
}

var parsers = map[string]func(io.Reader) *tally{
	"ndjson": parseNDJSON, "json": parseJSON, "text": parseText, "junit": parseJUnit,
	"html": func(r io.Reader) *tally { io.Copy(io.Discard, r); return &tally{} },
}

// result is what the tallies read of a JSON result.
type result struct{ Check, Target, Observed, Reason string }

// observedCount puts a portcheck observed state in nmap's terms:
// unreachable and filtered are both "filtered".
func (c counts) observed(o string) {
	switch o {
	case "open", "closed":
		c[o]++
	default:
		c["filtered"]++
	}
}

func parseNDJSON(r io.Reader) *tally {
	c := newTally()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var x result
		if json.Unmarshal(sc.Bytes(), &x) == nil && x.Check == "tcp" {
			c.add(x.Target, x.Observed, x.Reason)
		}
	}
	return c
}

// parseJSON decodes the results array token by token.
func parseJSON(r io.Reader) *tally {
	c := newTally()
	dec := json.NewDecoder(r)
	for {
		t, err := dec.Token()
		if err != nil {
			return c
		}
		if t != "results" {
			continue
		}
		if _, err := dec.Token(); err != nil { // [
			return c
		}
		for dec.More() {
			var x result
			if dec.Decode(&x) != nil {
				return c
			}
			c.add(x.Target, x.Observed, x.Reason)
		}
	}
}

var textRow = regexp.MustCompile(`^(PASS|FAIL|WARN|SKIP|ERROR)\s+tcp\s+(\S+)\s+(\S+)`)

func parseText(r io.Reader) *tally {
	c := newTally()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if m := textRow.FindStringSubmatch(sc.Text()); m != nil {
			c.add(m[2], m[3], "")
		}
	}
	return c
}

// parseJUnit counts test cases by their outcome: a failure message starts
// with the observed state; a passing case is open.
func parseJUnit(r io.Reader) *tally {
	c := newTally()
	dec := xml.NewDecoder(r)
	for {
		t, err := dec.Token()
		if err != nil {
			return c
		}
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "testcase" {
			var tc struct {
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct{} `xml:"error"`
			}
			if dec.DecodeElement(&tc, &se) != nil {
				return c
			}
			switch {
			case tc.Failure != nil:
				c.c.observed(strings.SplitN(tc.Failure.Message, ",", 2)[0])
			case tc.Error == nil:
				c.c["open"]++
			}
		}
	}
}

// parseGrepable counts port states in nmap -oG output.
func parseGrepable(r io.Reader) *tally {
	c := newTally()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		_, ports, ok := strings.Cut(sc.Text(), "Ports: ")
		if !ok {
			continue
		}
		for _, p := range strings.Split(ports, ",") {
			if f := strings.Split(strings.TrimSpace(p), "/"); len(f) > 1 {
				c.c[f[1]]++
			}
		}
	}
	return c
}

func lookNmap() bool {
	_, err := exec.LookPath("nmap")
	return err == nil
}
