package exporter

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roompath/roompath/netpath/nslab"
)

// deployDir holds the deployment files (systemd unit, Prometheus scrape
// configuration and rules, Grafana dashboard, sample configuration).
var deployDir = filepath.Join("..", "deploy")

func TestDeploySampleConfigBuilds(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join(deployDir, "serve.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg, Options{}); err != nil {
		t.Fatal(err)
	}
}

// exportedNames are the metric names the exporter can expose, plus the
// ones Prometheus adds itself.
func exportedNames(t *testing.T) map[string]bool {
	names := map[string]bool{"up": true, "ALERTS": true}
	ch := make(chan *prometheus.Desc, 64)
	go func() { newDescs().describe(ch); close(ch) }()
	re := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	for d := range ch {
		names[re.FindStringSubmatch(d.String())[1]] = true
	}
	e := newFakeExporter(t)
	mfs, err := e.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		names[mf.GetName()] = true
	}
	names["roompath_exporter_probe_requests_total"], names["roompath_schedule_last_run_timestamp_seconds"] = true, true
	return names
}

// quoted matches label values, which are not metric names.
var quoted = regexp.MustCompile(`"[^"]*"`)

// metricRef finds the metric names an expression uses.
var metricRef = regexp.MustCompile(`\b([a-zA-Z_][a-zA-Z0-9_]*)\s*[{\[]|\b((?:probe|roompath|process|go)_[a-z0-9_]+)\b`)

func TestDeployDashboardUsesOnlyExportedMetrics(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "grafana", "roompath-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string                  `json:"title"`
			Targets []struct{ Expr string } `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	known := exportedNames(t)
	keywords := map[string]bool{"sum": true, "count": true, "max": true, "rate": true, "by": true, "on": true, "absent": true, "vector": true}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			expr := quoted.ReplaceAllString(tg.Expr, `""`)
			for _, m := range metricRef.FindAllStringSubmatch(expr, -1) {
				name := m[1] + m[2]
				if !keywords[name] && !known[name] {
					t.Errorf("panel %q uses %s, which the exporter does not expose", p.Title, name)
				}
			}
		}
	}
	if dash.UID == "" || len(dash.Panels) < 8 {
		t.Errorf("dashboard uid %q, %d panels", dash.UID, len(dash.Panels))
	}
}

// needTool finds a binary of the Debian packages in .ci/apt-packages.txt:
// where the lab is required (CI as root), a missing one fails the test.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv(nslab.RequireEnv) == "1" {
		t.Fatalf("%s not found (install the prometheus package, listed in .ci/apt-packages.txt): %v", name, err)
	}
	t.Skipf("%s not found, skipping: %v", name, err)
	return ""
}

func TestDeployPrometheusFilesPassPromtool(t *testing.T) {
	promtool := needTool(t, "promtool")
	dir := filepath.Join(deployDir, "prometheus")
	for _, args := range [][]string{
		{"check", "rules", "roompath-rules.yml"},
		{"check", "config", "--syntax-only", "roompath.yml"},
		{"test", "rules", "roompath-rules.test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
