package media

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadThresholds(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	full := "loss_pct: 2\nburst_loss_pct: 20\njitter_ms: 40\nrtt_ms: 150\nreorder_pct: 0.1\nwindow: 10s\n"
	got, err := LoadThresholds(write("lab.yaml", full))
	if err != nil || got.Name != "lab" || got.LossPct != 2 || got.Window != 10*time.Second || got.BadFactor != 2 {
		t.Fatalf("%+v, %v", got, err)
	}
	for name, body := range map[string]string{
		"unknown-key.yaml": full + "lost_pct: 1\n",
		"missing.yaml":     "loss_pct: 2\n",
		"negative.yaml":    strings.Replace(full, "loss_pct: 2", "loss_pct: -1", 1),
		"over100.yaml":     strings.Replace(full, "loss_pct: 2", "loss_pct: 101", 1),
		"nan.yaml":         strings.Replace(full, "rtt_ms: 150", "rtt_ms: .nan", 1),
		"window.yaml":      strings.Replace(full, "window: 10s", "window: 5ms", 1),
		"type.yaml":        strings.Replace(full, "rtt_ms: 150", "rtt_ms: fast", 1),
		"two-docs.yaml":    full + "---\nloss_pct: 1\n",
		"empty.yaml":       "",
	} {
		_, err := LoadThresholds(write(name, body))
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line", name, err)
		}
	}
	if _, err := LoadThresholds(filepath.Join(dir, "absent.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
	if z, _ := LoadThresholds("zoom"); z != ZoomThresholds() {
		t.Error("zoom")
	}
}

// TestJudge: within the limit is good, above it degraded up to twice it,
// bad beyond; the hint names the metric, the value and the limit.
func TestJudge(t *testing.T) {
	th := ZoomThresholds()
	for _, tt := range []struct {
		loss  float64
		n     int
		isBad bool
	}{{1, 0, false}, {1.5, 1, false}, {2.5, 1, true}} {
		d := &Detail{windowedLossPct: tt.loss, windowedSpanMS: 10000, RTT: &RTT{}}
		c := th.judge(d)
		if len(c) != tt.n || (tt.n > 0 && (c[0].Bad != tt.isBad || c[0].Metric != "loss_pct" || c[0].Window != "10s" || c[0].Limit != 1)) {
			t.Errorf("loss %g: %+v", tt.loss, c)
		}
	}
	p := &Probe{cfg: Config{Thresholds: th}, host: "r1"}
	h := p.crossedHint(&Detail{Crossed: []Crossed{{Metric: "jitter_up_ms", Value: 45, Limit: 30, Window: "10s"}}})
	if !strings.Contains(h, "jitter_up_ms 45 ms (worst 10s) is above the limit of 30 ms by 15 (1.5x)") || !strings.Contains(h, "Zoom publishes none") {
		t.Errorf("hint %q", h)
	}
}
