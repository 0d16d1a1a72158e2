package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// row is one figure beside its comparison ("-" where there is none).
type row struct {
	figure, value, tool, other, ratio string
}

// goalRatio is the /probe throughput roompath keeps over blackbox_exporter.
const goalRatio = 1.4

func mb(kB int64) string { return fmt.Sprintf("%.1f MB", float64(kB)/1024) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// tputRows are the /probe comparison's rows; ratios are roompath over
// blackbox_exporter.
func tputRows(t tputResult) []row {
	const bb = "blackbox_exporter"
	tag := fmt.Sprintf("(tcp, c=%d, median of runs of %d)", t.conc, t.requests)
	r := []row{
		{"/probe throughput " + tag, fmt.Sprintf("%.0f req/s", t.rp.rate()), bb, fmt.Sprintf("%.0f req/s", t.bb.rate()), ratio(t.rp.rate(), t.bb.rate())},
		{"/probe latency p50 " + tag, ms(t.rp.p50), bb, ms(t.bb.p50), ratio(float64(t.rp.p50), float64(t.bb.p50))},
		{"/probe latency p99 " + tag, ms(t.rp.p99), bb, ms(t.bb.p99), ratio(float64(t.rp.p99), float64(t.bb.p99))},
		{"exporter peak RSS after the /probe runs", mb(t.rpHWM), bb, mb(t.bbHWM), ratio(float64(t.rpHWM), float64(t.bbHWM))},
	}
	if got := t.rp.rate() / t.bb.rate(); got < goalRatio {
		fmt.Fprintf(os.Stderr, "benchexporter: /probe throughput ratio %.2f is below the %.1fx goal\n", got, goalRatio)
	}
	return r
}

// fleetRows are the fleet run's rows (no comparison tool schedules rooms).
func fleetRows(f fleetResult, o fleetOpts) []row {
	tag := fmt.Sprintf("fleet %d rooms/%s, %s:", o.rooms, o.interval, f.elapsed.Round(time.Second))
	first, last, peak := f.rss[0].kB, f.rss[len(f.rss)-1].kB, int64(0)
	for _, s := range f.rss {
		peak = max(peak, s.kB)
	}
	from := min(time.Minute, (f.elapsed / 2).Round(time.Second))
	sc := fmt.Sprintf("(%d scrapes of %d kB)", len(f.scrapes), f.scrapeBytes/1024)
	return []row{
		{tag + " CPU per minute (utime+stime)", fmt.Sprintf("%.2f s/min", f.cpu/f.elapsed.Minutes()), "-", "-", "-"},
		{tag + " peak RSS (VmHWM)", mb(f.hwmKB), "-", "-", "-"},
		{tag + " /metrics scrape p50 " + sc, ms(quantile(f.scrapes, 0.50)), "-", "-", "-"},
		{tag + " /metrics scrape p95 " + sc, ms(quantile(f.scrapes, 0.95)), "-", "-", "-"},
		{fmt.Sprintf("%s RSS first/last/peak (%d samples, every %s)", tag, len(f.rss), o.sampleEvery),
			fmt.Sprintf("%.1f/%.1f/%.1f MB", float64(first)/1024, float64(last)/1024, float64(peak)/1024), "-", "-", "-"},
		{fmt.Sprintf("%s RSS slope from %s on", tag, from), fmt.Sprintf("%+.3f MB/min", slopeMBPerMin(f.rss, from)), "-", "-", "-"},
		{tag + " rooms whose last outcome matches the lab", fmt.Sprintf("%d/%d (wrong %d, missing %d, schedules late %d of %d)",
			f.right, o.rooms, f.wrong, f.missing, f.stale, f.schedules), "-", "-", "-"},
	}
}

// emit prints the table and appends the rows to $BENCH_ROWS when set.
func emit(rows []row) error {
	w := 0
	for _, r := range rows {
		w = max(w, len(r.figure))
	}
	fmt.Printf("\n%-*s  %-22s %-18s %-12s %s\n", w, "figure", "roompath", "comparison", "its value", "ratio")
	var tsv strings.Builder
	for _, r := range rows {
		fmt.Printf("%-*s  %-22s %-18s %-12s %s\n", w, r.figure, r.value, r.tool, r.other, r.ratio)
		fmt.Fprintf(&tsv, "%s\t%s\t%s\t%s\t%s\n", r.figure, r.value, r.tool, r.other, r.ratio)
	}
	path := os.Getenv("BENCH_ROWS")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(tsv.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
