package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Geometry of a time chart, in SVG user units.
const (
	chartW, chartH         = 720, 230
	chartLeft, chartRight  = 58, 16
	chartTop, chartBottom  = 34, 40
	chartTicks             = 4
	mediaMaxFacts          = 24
	sweepBarW, sweepLabelW = 420, 300
)

// svgChart is one line chart over time.
type svgChart struct {
	ID, Title, Desc, Unit string
	W, H                  int
	X0, X1, Y0, Y1        int
	Series                []svgSeries
	XTicks, YTicks        []svgTick
	Limit                 *svgTick
}

// svgSeries is one line; Class sets its stroke and dash pattern (never
// colour alone), Label names it in the legend.
type svgSeries struct {
	Class, Label, Points string
	LegendX, LegendY     int
	Dots                 []svgTick
}

// svgTick is a labelled position on an axis (or the threshold line).
type svgTick struct {
	X, Y  int
	Label string
}

// mediaDetail is the media result detail (the contract in DESIGN.md and
// the media engine's docs), as its JSON reads.
type mediaDetail struct {
	Sent            *int     `json:"sent"`
	Received        *int     `json:"received"`
	LossPct         *float64 `json:"loss_pct"`
	BurstLossMaxPct *float64 `json:"burst_loss_max_pct"`
	JitterUpMS      *float64 `json:"jitter_up_ms"`
	JitterDownMS    *float64 `json:"jitter_down_ms"`
	RTT             *struct {
		P50 float64 `json:"p50"`
		P95 float64 `json:"p95"`
		Max float64 `json:"max"`
	} `json:"rtt_ms"`
	Thresholds string `json:"thresholds"`
	Crossed    []struct {
		Metric string  `json:"metric"`
		Value  float64 `json:"value"`
		Limit  float64 `json:"limit"`
		Window string  `json:"window"`
	} `json:"crossed"`
	Windows []struct {
		StartMS      float64  `json:"start_ms"`
		LossPct      *float64 `json:"loss_pct"`
		JitterUpMS   *float64 `json:"jitter_up_ms"`
		JitterDownMS *float64 `json:"jitter_down_ms"`
	} `json:"windows"`
}

// mediaView is one media result: its figures, the thresholds crossed and
// the charts of loss and jitter over time.
type mediaView struct {
	Target, Observed string
	Badge            htmlBadge
	Crossed          []string
	Loss, Jitter     *svgChart
	Windows          []mediaRow
}

// mediaRow is one second of the stream, as text (the charts' table).
type mediaRow struct{ Start, Loss, Up, Down string }

// mediaMaxWindows bounds the seconds drawn (an hour-long stream).
const mediaMaxWindows = 3600

func optNum(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.3g", *v)
}

func buildMedia(r *Result) (mediaView, bool) {
	var d mediaDetail
	if !decodeDetail(r.Detail, &d) {
		return mediaView{}, false
	}
	v := mediaView{Target: RedactText(r.Target), Observed: string(r.Observed), Badge: badge(r.Status)}
	limits := map[string]float64{}
	for _, c := range d.Crossed {
		v.Crossed = append(v.Crossed, clip(fmt.Sprintf("%s %.4g crossed the limit %.4g (%s window)", c.Metric, c.Value, c.Limit, c.Window)))
		if _, ok := limits[c.Metric]; !ok {
			limits[c.Metric] = c.Limit
		}
	}
	if len(d.Windows) == 0 {
		return v, true
	}
	if len(d.Windows) > mediaMaxWindows {
		d.Windows = d.Windows[:mediaMaxWindows]
	}
	xs := make([]float64, len(d.Windows))
	loss, up, down := make([]*float64, len(xs)), make([]*float64, len(xs)), make([]*float64, len(xs))
	for i, w := range d.Windows {
		xs[i], loss[i], up[i], down[i] = w.StartMS/1000, w.LossPct, w.JitterUpMS, w.JitterDownMS
		v.Windows = append(v.Windows, mediaRow{fmt.Sprintf("%.3gs", xs[i]), optNum(w.LossPct), optNum(w.JitterUpMS), optNum(w.JitterDownMS)})
	}
	lossLimit, hasLoss := limits["loss_pct"]
	v.Loss = timeChart(r.ID+"-loss", "Loss per second (%)", "%", xs, []chartLine{{"s-loss", "loss %", loss}}, lossLimit, hasLoss)
	var jl float64
	var hasJ bool
	for _, m := range []string{"jitter_ms", "jitter_up_ms", "jitter_down_ms"} {
		if l, ok := limits[m]; ok && !hasJ {
			jl, hasJ = l, true
		}
	}
	v.Jitter = timeChart(r.ID+"-jitter", "Jitter per second (ms)", "ms", xs,
		[]chartLine{{"s-up", "upstream (solid)", up}, {"s-down", "downstream (dashed)", down}}, jl, hasJ)
	return v, true
}

type chartLine struct {
	class, label string
	ys           []*float64
}

// timeChart draws lines over seconds; a nil value (not measured) breaks no
// line but gets no point.
func timeChart(id, title, unit string, xs []float64, lines []chartLine, limit float64, hasLimit bool) *svgChart {
	c := &svgChart{ID: "chart-" + slug(id), Title: title, Unit: unit, W: chartW, H: chartH,
		X0: chartLeft, X1: chartW - chartRight, Y0: chartTop, Y1: chartH - chartBottom}
	xmax, ymax := xs[len(xs)-1], 0.0
	for _, l := range lines {
		for _, y := range l.ys {
			if y != nil && *y > ymax {
				ymax = *y
			}
		}
	}
	if hasLimit && limit > ymax {
		ymax = limit
	}
	ymax = niceCeil(ymax)
	if xmax <= 0 {
		xmax = 1
	}
	px := func(x float64) int { return c.X0 + int(math.Round(x/xmax*float64(c.X1-c.X0))) }
	py := func(y float64) int { return c.Y1 - int(math.Round(y/ymax*float64(c.Y1-c.Y0))) }
	var desc []string
	for i, l := range lines {
		s := svgSeries{Class: l.class, Label: l.label, LegendX: c.X0 + 10 + 200*i, LegendY: 20}
		var pts []string
		peak := 0.0
		for j, y := range l.ys {
			if y == nil {
				continue
			}
			pts = append(pts, fmt.Sprintf("%d,%d", px(xs[j]), py(*y)))
			s.Dots = append(s.Dots, svgTick{X: px(xs[j]), Y: py(*y)})
			peak = math.Max(peak, *y)
		}
		s.Points = strings.Join(pts, " ")
		c.Series = append(c.Series, s)
		desc = append(desc, fmt.Sprintf("%s peaks at %.3g %s", l.label, peak, unit))
	}
	for i := 0; i <= chartTicks; i++ {
		x, y := xmax*float64(i)/chartTicks, ymax*float64(i)/chartTicks
		c.XTicks = append(c.XTicks, svgTick{X: px(x), Y: c.Y1, Label: fmt.Sprintf("%.3gs", x)})
		c.YTicks = append(c.YTicks, svgTick{X: c.X0, Y: py(y), Label: fmt.Sprintf("%.3g", y)})
	}
	if hasLimit {
		c.Limit = &svgTick{X: c.X1, Y: py(limit), Label: fmt.Sprintf("limit %.3g %s", limit, unit)}
	}
	c.Desc = fmt.Sprintf("%s over %d one-second windows: %s.", title, len(xs), strings.Join(desc, "; "))
	return c
}

// niceCeil rounds a chart's top up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// htmlSweep is a large run: counts per state, and the failures (capped).
type htmlSweep struct {
	Total, Listed, More int
	Rows                []sweepRow
	H                   int
	Failures            []htmlResult
}

// sweepRow is one state's count and its bar.
type sweepRow struct {
	Badge                  htmlBadge
	Label                  string
	Count, Y, BarW, LabelW int
}

func buildSweep(a *htmlAcc) *htmlSweep {
	s := &htmlSweep{Total: a.total, More: a.failTotal - a.fails.Len()}
	keys := make([]htmlStateKey, 0, len(a.counts))
	for k := range a.counts {
		keys = append(keys, k)
	}
	rank := map[Status]int{StatusFail: 0, StatusError: 1, StatusWarn: 2, StatusPass: 3, StatusSkip: 4}
	sort.Slice(keys, func(i, j int) bool {
		ki, kj := keys[i], keys[j]
		if rank[ki.Status] != rank[kj.Status] {
			return rank[ki.Status] < rank[kj.Status]
		}
		if a.counts[ki] != a.counts[kj] {
			return a.counts[ki] > a.counts[kj]
		}
		return fmt.Sprint(ki) < fmt.Sprint(kj)
	})
	maxN := 1
	for _, k := range keys {
		maxN = max(maxN, a.counts[k])
	}
	for i, k := range keys {
		label := fmt.Sprintf("%s %s", k.Check, k.Observed)
		if k.Reason != "" {
			label += " (" + string(k.Reason) + ")"
		}
		n := a.counts[k]
		s.Rows = append(s.Rows, sweepRow{Badge: badge(k.Status), Label: label, Count: n, Y: 8 + 30*i,
			BarW: max(2, n*sweepBarW/maxN), LabelW: sweepLabelW})
	}
	s.H = 16 + 30*len(keys)
	for _, r := range a.failures() {
		s.Failures = append(s.Failures, buildResult(&r))
	}
	s.Listed = len(s.Failures)
	return s
}
