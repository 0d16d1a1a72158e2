//go:build linux

package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// farms hands out the lab's /16s, least recently used first, waiting so
// that no /16 is swept again within a TIME_WAIT period (60 s on Linux) of
// its last sweep.
type farms struct {
	cidrs []string
	last  map[string]time.Time
}

const timeWait = 61 * time.Second

func newFarms(cidrs []string) *farms { return &farms{cidrs: cidrs, last: map[string]time.Time{}} }

func (f *farms) take() string {
	best := f.cidrs[0]
	for _, c := range f.cidrs {
		if f.last[c].Before(f.last[best]) {
			best = c
		}
	}
	if wait := time.Until(f.last[best].Add(timeWait)); !f.last[best].IsZero() && wait > 0 {
		fmt.Fprintf(os.Stderr, "  (waiting %s for %s to leave TIME_WAIT)\n", wait.Round(time.Second), best)
		time.Sleep(wait)
	}
	f.last[best] = time.Now().Add(time.Hour) // in use: newest
	return best
}

// done marks cidr's sweep as ended now.
func (f *farms) done(cidr string) { f.last[cidr] = time.Now() }

func (b *bench) add(figure, value, tool, theirs, ratio string) {
	b.rows = append(b.rows, [5]string{figure, value, tool, theirs, ratio})
}

// print writes the table and, when BENCH_ROWS is set, appends the rows to
// that file.
func (b *bench) print() {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\troompath\tcompared with\tits value\tratio")
	for _, r := range b.rows {
		fmt.Fprintln(tw, strings.Join(r[:], "\t"))
	}
	tw.Flush()
	path := os.Getenv("BENCH_ROWS")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fail(err.Error())
	}
	defer f.Close()
	for _, r := range b.rows {
		fmt.Fprintln(f, strings.Join(r[:], "\t"))
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
func mb(kb int64) string          { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
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
