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

// fleetRows are the fleet run's rows, each beside blackbox_exporter's
// figure from its own run over the same fleet when bb is set.
func fleetRows(f fleetResult, bb *bbFleetResult, o fleetOpts) []row {
	tag := fmt.Sprintf("fleet %d rooms/%s, %s:", o.rooms, o.interval, f.elapsed.Round(time.Second))
	sc := fmt.Sprintf("(%d scrapes of %d kB)", len(f.scrapes), f.scrapeBytes/1024)
	rows := []row{
		{tag + " CPU per minute (utime+stime)", cpuPerMin(f.procStats), "-", "-", "-"},
		{tag + " peak RSS (VmHWM)", mb(f.hwmKB), "-", "-", "-"},
		{tag + " /metrics scrape p50 " + sc, ms(quantile(f.scrapes, 0.50)), "-", "-", "-"},
		{tag + " /metrics scrape p95 " + sc, ms(quantile(f.scrapes, 0.95)), "-", "-", "-"},
		{fmt.Sprintf("%s RSS first/last/peak (%d samples, every %s)", tag, len(f.rss), o.sampleEvery), rssSpan(f.procStats), "-", "-", "-"},
		{fmt.Sprintf("%s RSS slope from %s on", tag, slopeFrom(f.procStats)), slope(f.procStats), "-", "-", "-"},
		{tag + " rooms whose last outcome matches the lab", fmt.Sprintf("%d/%d (wrong %d, missing %d, schedules late %d of %d)",
			f.right, o.rooms, f.wrong, f.missing, f.stale, f.schedules), "-", "-", "-"},
	}
	if bb == nil {
		return rows
	}
	tool := fmt.Sprintf("blackbox_exporter (%s)", bb.elapsed.Round(time.Second))
	perMin := func(p procStats) float64 { return p.cpu / p.elapsed.Minutes() }
	beside := func(i int, value, ratio string) { rows[i].tool, rows[i].other, rows[i].ratio = tool, value, ratio }
	beside(0, cpuPerMin(bb.procStats), ratio(perMin(f.procStats), perMin(bb.procStats)))
	beside(1, mb(bb.hwmKB), ratio(float64(f.hwmKB), float64(bb.hwmKB)))
	// A scrape of roompath carries every room; a /probe of blackbox_exporter
	// one room: their latencies stand side by side, without a ratio.
	beside(2, "/probe p50 "+ms(quantile(bb.probes, 0.50)), "-")
	beside(3, "/probe p95 "+ms(quantile(bb.probes, 0.95)), "-")
	beside(4, rssSpan(bb.procStats), "-")
	beside(5, slope(bb.procStats), "-")
	beside(6, fmt.Sprintf("%d/%d (wrong %d, missing %d, failed requests %d of %d)",
		bb.right, o.rooms, bb.wrong, bb.missing, bb.errors, len(bb.probes)), "-")
	return rows
}

func cpuPerMin(p procStats) string { return fmt.Sprintf("%.2f s/min", p.cpu/p.elapsed.Minutes()) }

func rssSpan(p procStats) string {
	first, last, peak := p.rss[0].kB, p.rss[len(p.rss)-1].kB, int64(0)
	for _, s := range p.rss {
		peak = max(peak, s.kB)
	}
	return fmt.Sprintf("%.1f/%.1f/%.1f MB", float64(first)/1024, float64(last)/1024, float64(peak)/1024)
}

// slopeFrom skips the first minute (or half the run, if shorter): the
// exporter's warm-up.
func slopeFrom(p procStats) time.Duration {
	return min(time.Minute, (p.elapsed / 2).Round(time.Second))
}

func slope(p procStats) string {
	return fmt.Sprintf("%+.3f MB/min", slopeMBPerMin(p.rss, slopeFrom(p)))
}

// emit prints the table and appends the rows to $BENCH_ROWS when set.
func emit(rows []row) error {
	w := [5]int{len("figure"), len("roompath"), len("comparison"), len("its value"), len("ratio")}
	for _, r := range rows {
		for i, c := range []string{r.figure, r.value, r.tool, r.other, r.ratio} {
			w[i] = max(w[i], len(c))
		}
	}
	line := func(c ...string) {
		fmt.Printf("%-*s  %-*s  %-*s  %-*s  %s\n", w[0], c[0], w[1], c[1], w[2], c[2], w[3], c[3], c[4])
	}
	fmt.Println()
	line("figure", "roompath", "comparison", "its value", "ratio")
	for _, r := range rows {
		line(r.figure, r.value, r.tool, r.other, r.ratio)
	}
	var tsv strings.Builder
	for _, r := range rows {
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
