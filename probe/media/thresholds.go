package media

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/roompath/roompath/internal/strictyaml"
)

// Thresholds are the limits a stream is judged against. A figure above its
// limit is crossed: degraded up to BadFactor times the limit, bad beyond.
type Thresholds struct {
	// Name says where the limits come from ("zoom", "teams", a file).
	Name string `yaml:"name"`
	// LossPct caps the loss of any Window (percent).
	LossPct float64 `yaml:"loss_pct"`
	// BurstLossPct caps the loss of any 200 ms (percent).
	BurstLossPct float64 `yaml:"burst_loss_pct"`
	// JitterMS caps the interarrival jitter of any Window, each direction.
	JitterMS float64 `yaml:"jitter_ms"`
	// RTTMS caps the median round trip.
	RTTMS float64 `yaml:"rtt_ms"`
	// ReorderPct caps the packets that arrive after a later one (percent).
	ReorderPct float64 `yaml:"reorder_pct"`
	// Window is the span loss and jitter are averaged over; a stream
	// shorter than it is one window.
	Window time.Duration `yaml:"window"`
	// BadFactor: a figure above BadFactor times its limit is bad (2 when
	// zero).
	BadFactor float64 `yaml:"bad_factor"`
}

// BurstWindow is the span of burst loss (Microsoft: "in any 200 ms").
const BurstWindow = 200 * time.Millisecond

// TeamsThresholds are Microsoft's published per-stream targets, client to
// Microsoft edge ("Prepare your organization's network for Teams"): loss
// < 1 % and jitter < 30 ms in any 15 s, burst loss < 10 % in any 200 ms,
// round trip < 100 ms, reorder < 0.05 %.
func TeamsThresholds() Thresholds {
	return Thresholds{Name: "teams", LossPct: 1, BurstLossPct: 10, JitterMS: 30, RTTMS: 100, ReorderPct: 0.05,
		Window: 15 * time.Second, BadFactor: 2}
}

// ZoomThresholds are roompath's choice for Zoom, which publishes no limits:
// Microsoft's client-to-edge targets (TeamsThresholds), windowed the same.
func ZoomThresholds() Thresholds {
	t := TeamsThresholds()
	t.Name = "zoom"
	return t
}

// maxThresholdsFile bounds a thresholds file.
const maxThresholdsFile = 64 << 10

// LoadThresholds resolves --thresholds: "zoom", "teams", or a YAML file
// with every limit (strict: unknown keys refused, one-line errors).
func LoadThresholds(spec string) (Thresholds, error) {
	switch spec {
	case "", "zoom":
		return ZoomThresholds(), nil
	case "teams":
		return TeamsThresholds(), nil
	}
	var t Thresholds
	if err := strictyaml.Load(spec, maxThresholdsFile, "thresholds file", &t); err != nil {
		return t, fmt.Errorf("--thresholds %v", oneLine(err))
	}
	if t.Name == "" {
		t.Name = strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec))
	}
	if t.BadFactor == 0 {
		t.BadFactor = 2
	}
	if err := t.Check(); err != nil {
		return t, fmt.Errorf("--thresholds %s: %v", spec, err)
	}
	return t, nil
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// Check refuses limits that cannot judge: each must be set, positive and
// finite, percentages at most 100.
func (t Thresholds) Check() error {
	for _, l := range []struct {
		name   string
		v, max float64
	}{{"loss_pct", t.LossPct, 100}, {"burst_loss_pct", t.BurstLossPct, 100}, {"jitter_ms", t.JitterMS, 60000},
		{"rtt_ms", t.RTTMS, 60000}, {"reorder_pct", t.ReorderPct, 100}, {"bad_factor", t.BadFactor, 1000}} {
		if math.IsNaN(l.v) || l.v <= 0 || l.v > l.max {
			return fmt.Errorf("%s must be above 0 and at most %g (every limit is required), got %g", l.name, l.max, l.v)
		}
	}
	if t.BadFactor < 1 {
		return errors.New("bad_factor must be at least 1")
	}
	if t.Window < time.Second || t.Window > time.Hour {
		return fmt.Errorf("window must be 1s-1h, got %s", t.Window)
	}
	return nil
}

// Crossed is one threshold a stream crossed.
type Crossed struct {
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
	Limit  float64 `json:"limit"`
	Window string  `json:"window"`
	// Bad is true when the value is above BadFactor times the limit.
	Bad bool `json:"bad"`
}

// judge lists the thresholds s crosses, in a fixed order.
func (t Thresholds) judge(s *Detail) []Crossed {
	win := fmtWindow(min(t.Window, time.Duration(s.windowedSpanMS)*time.Millisecond))
	var out []Crossed
	for _, m := range []struct {
		metric string
		v, lim float64
		window string
	}{
		{"loss_pct", s.windowedLossPct, t.LossPct, win},
		{"burst_loss_max_pct", s.BurstLossMaxPct, t.BurstLossPct, fmtWindow(BurstWindow)},
		{"jitter_up_ms", s.windowedJitterUp, t.JitterMS, win},
		{"jitter_down_ms", s.windowedJitterDown, t.JitterMS, win},
		{"rtt_p50_ms", s.RTT.P50, t.RTTMS, "stream"},
		{"reorder_pct", s.ReorderPct, t.ReorderPct, "stream"},
	} {
		if m.v > m.lim {
			out = append(out, Crossed{Metric: m.metric, Value: round2(m.v), Limit: m.lim, Window: m.window, Bad: m.v > m.lim*t.BadFactor})
		}
	}
	return out
}

func fmtWindow(d time.Duration) string {
	if d <= 0 {
		return "stream"
	}
	return d.Round(time.Millisecond).String()
}
