//go:build linux

package servecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/roompath/roompath/netpath/nslab"
)

// Addresses inside the lab's client namespace, which has a loopback of its
// own: nothing here listens in the host namespace.
const (
	labExporter   = "127.0.0.1:9798"
	labPrometheus = "127.0.0.1:19090"
)

// labDeadline bounds the whole integration test.
const labDeadline = 90 * time.Second

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv(nslab.RequireEnv) == "1" {
		t.Fatalf("%s not found (the prometheus package is in .ci/apt-packages.txt): %v", name, err)
	}
	t.Skipf("%s not found, skipping: %v", name, err)
	return ""
}

// buildServe builds `roompath serve` alone (testdata/servebin).
func buildServe(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "roompath-serve")
	cmd := exec.Command(gobin, "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath/servecmd/testdata/servebin")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build servebin: %v\n%s", err, out)
	}
	return bin
}

// lockedBuffer collects a child's output for the failure message.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startIn starts name inside ns and stops it (SIGTERM, then the context's
// kill) when the test ends.
func startIn(t *testing.T, ctx context.Context, ns *nslab.NS, name string, args ...string) *lockedBuffer {
	t.Helper()
	var out lockedBuffer
	cmd := ns.Command(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	return &out
}

// waitListening waits until addr accepts inside ns.
func waitListening(t *testing.T, ctx context.Context, ns *nslab.NS, addr string, log *lockedBuffer) {
	t.Helper()
	for ctx.Err() == nil {
		dctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := ns.Dial(dctx, "tcp", addr)
		cancel()
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never listened:\n%s", addr, log.String())
}

// promConfig is deploy/prometheus/roompath.yml cut to the rooms job, with
// the lab's rooms as static targets, the exporter at labExporter, a 2 s
// scrape interval and the deploy rules loaded: the shipped relabelling
// does the work.
func promConfig(t *testing.T, rooms []string) string {
	t.Helper()
	deploy := filepath.Join("..", "..", "..", "deploy", "prometheus")
	b, err := os.ReadFile(filepath.Join(deploy, "roompath.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	var job map[string]any
	for _, j := range cfg["scrape_configs"].([]any) {
		if j := j.(map[string]any); j["job_name"] == "roompath_rooms" {
			job = j
		}
	}
	delete(job, "file_sd_configs")
	job["static_configs"] = []any{map[string]any{"targets": rooms}}
	for _, r := range job["relabel_configs"].([]any) {
		if r := r.(map[string]any); r["target_label"] == "__address__" {
			r["replacement"] = labExporter
		}
	}
	rules, _ := filepath.Abs(filepath.Join(deploy, "roompath-rules.yml"))
	cfg["scrape_configs"] = []any{job}
	cfg["rule_files"] = []any{rules}
	cfg["global"] = map[string]any{"scrape_interval": "2s", "scrape_timeout": "1500ms", "evaluation_interval": "2s"}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// promSample is one series of an instant query.
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant query against Prometheus inside the namespace.
func query(ctx context.Context, c *http.Client, q string) ([]promSample, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+labPrometheus+"/api/v1/query?query="+url.QueryEscape(q), nil)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []promSample `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", q, body.Error)
	}
	return body.Data.Result, nil
}

// byInstance maps instance to value, e.g. {"10.99.2.2": "1"}.
func byInstance(ss []promSample) map[string]string {
	m := map[string]string{}
	for _, s := range ss {
		m[s.Metric["instance"]] = fmt.Sprint(s.Value[1])
	}
	return m
}

func TestPrometheusScrapesLabRoomsThroughRelabelling(t *testing.T) {
	nslab.Need(t)
	prom := needTool(t, "prometheus")
	bin := buildServe(t)
	lab, err := nslab.NewPortLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), labDeadline)
	t.Cleanup(cancel)

	cfg := filepath.Join(t.TempDir(), "serve.yml")
	os.WriteFile(cfg, []byte("allow: [10.99.0.0/16]\n"), 0o644)
	expLog := startIn(t, ctx, lab.Client, bin, "--listen", labExporter, "--config", cfg)
	waitListening(t, ctx, lab.Client, labExporter, expLog)

	rooms := []string{lab.Open, lab.Dropped}
	promLog := startIn(t, ctx, lab.Client, prom, "--config.file="+promConfig(t, rooms), "--storage.tsdb.path="+t.TempDir(),
		"--web.listen-address="+labPrometheus, "--log.level=warn")
	waitListening(t, ctx, lab.Client, labPrometheus, promLog)

	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return lab.Client.Dial(ctx, network, addr)
	}}}
	want := map[string]string{lab.Open: "1", lab.Dropped: "0"}
	var got map[string]string
	for ctx.Err() == nil {
		ss, err := query(ctx, client, `probe_success{job="roompath_rooms"}`)
		if got = byInstance(ss); err == nil && got[lab.Open] == "1" && got[lab.Dropped] == "0" {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if got[lab.Open] != want[lab.Open] || got[lab.Dropped] != want[lab.Dropped] {
		t.Fatalf("probe_success by instance = %v, want %v\nexporter:\n%s\nprometheus:\n%s", got, want, expLog.String(), promLog.String())
	}
	checkFailureInfo(t, ctx, client, lab.Dropped)
	checkDashboardQueries(t, ctx, client)
	checkDirectProbes(t, ctx, client, lab)
}

// checkDirectProbes asks the exporter itself (inside the namespace) for
// faults Prometheus is not configured with: what each looks like as
// metrics.
func checkDirectProbes(t *testing.T, ctx context.Context, c *http.Client, lab *nslab.PortLab) {
	t.Helper()
	tests := []struct {
		module, target string
		want           []string
	}{
		{"tcp", lab.Rejected, []string{`probe_failure_info{check="tcp",failure="host_unreachable",observed="filtered",reason="admin_prohibited"} 1`}},
		{"tcp", lab.Closed, []string{`probe_failure_info{check="tcp",failure="connection_refused",observed="closed",reason="conn_refused"} 1`}},
		{"path", lab.Open, []string{"probe_path_hops 2", `probe_path_last_hop_info{address="` + lab.Open + `",ttl="2"} 1`, "probe_success 1"}},
		{"path", lab.Dropped, []string{`check="path"`, `observed="dropped"`, `probe_path_last_hop_info{address="` + lab.RouterAddr + `",ttl="1"} 1`, "probe_success 0"}},
	}
	for _, tt := range tests {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+labExporter+"/probe?module="+tt.module+"&target="+tt.target, nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "3")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s %s: no %s in\n%s", tt.module, tt.target, w, b)
			}
		}
	}
}

// checkFailureInfo: the dropped room's reason reached Prometheus with the
// shipped relabelling (instance is the room, not the exporter).
func checkFailureInfo(t *testing.T, ctx context.Context, c *http.Client, dropped string) {
	t.Helper()
	ss, err := query(ctx, c, `probe_failure_info{job="roompath_rooms"}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 {
		t.Fatalf("probe_failure_info: %v", ss)
	}
	m := ss[0].Metric
	got := []string{m["instance"], m["check"], m["observed"], m["reason"], m["failure"]}
	want := []string{dropped, "tcp", "filtered", "no_response", "generic_timeout_error"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("probe_failure_info labels %v, want %v", got, want)
	}
}

// checkDashboardQueries runs every expression of the shipped Grafana
// dashboard (variables set to "all") against the real Prometheus: each
// must parse and evaluate.
func checkDashboardQueries(t *testing.T, ctx context.Context, c *http.Client) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "grafana", "roompath-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct{ Expr string } `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	vars := strings.NewReplacer("$job", "roompath.*", "$site", ".*")
	var failed []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			if _, err := query(ctx, c, vars.Replace(tg.Expr)); err != nil {
				failed = append(failed, err.Error())
			}
		}
	}
	sort.Strings(failed)
	if len(failed) > 0 {
		t.Errorf("dashboard queries Prometheus rejects:\n%s", strings.Join(failed, "\n"))
	}
}
