package runcmd

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

func writeProfile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func execute(t *testing.T, addrs []netip.Addr, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	tool := newTool(func() []netip.Addr { return addrs })
	tool.Vantage = func() report.Vantage { return report.Vantage{Hostname: "test"} }
	return cli.Execute(tool, args, &out, &errb), out.String(), errb.String()
}

// loopbackProfile: the controller network must reach the open port and
// must not reach the closed one (passes), while the guest network must not
// reach the open port (fails).
func loopbackProfile(t *testing.T) string {
	open, closed := probetest.Open(t), probetest.Closed(t)
	return writeProfile(t, fmt.Sprintf(`version: 1
name: loopback campus
defaults: {timeout: 1s}
sites:
  - name: hq
    rooms:
      - {name: board, address: 127.0.0.1}
    networks:
      - name: controller-wifi
        cidrs: [127.0.0.0/8]
        must_reach:
          - {rooms: [board], ports: [%d]}
        must_not_reach:
          - {rooms: ["*"], ports: [%d]}
      - name: guest-wifi
        cidrs: [192.0.2.0/24]
        must_not_reach:
          - {rooms: ["*"], ports: [%d, %d]}
`, open.Port(), closed.Port(), open.Port(), closed.Port()))
}

func TestRunPicksNetworkAndJudgesExpectations(t *testing.T) {
	path := loopbackProfile(t)
	code, out, errs := execute(t, []netip.Addr{netip.MustParseAddr("127.0.0.1")}, "-o", "json", path)
	if code != report.ExitOK {
		t.Fatalf("controller network: exit %d, stderr %s\n%s", code, errs, out)
	}
	reporttest.ValidateJSON(t, []byte(out))
	var rep report.Report
	_ = json.Unmarshal([]byte(out), &rep)
	if len(rep.Results) != 2 || rep.Results[0].Expect != "open" || rep.Results[1].Expect != "blocked" || rep.Results[1].Observed != "closed" {
		t.Errorf("results = %+v", rep.Results)
	}
	code, out, _ = execute(t, nil, "--network", "guest-wifi", "-o", "junit", path)
	if code != report.ExitFail {
		t.Fatalf("guest network reaching a room must fail: exit %d", code)
	}
	var suites struct {
		Failures int `xml:"failures,attr"`
		Tests    int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal([]byte(out), &suites); err != nil || suites.Failures != 1 || suites.Tests != 2 {
		t.Errorf("junit: %+v %v\n%s", suites, err, out)
	}
	if !strings.Contains(out, "From network guest-wifi") {
		t.Errorf("must-not-reach failure does not name the network:\n%s", out)
	}
}

func TestRunUsageErrors(t *testing.T) {
	path := loopbackProfile(t)
	tests := []struct {
		name  string
		addrs []netip.Addr
		args  []string
		want  string
	}{
		{"no network matches", []netip.Addr{netip.MustParseAddr("198.51.100.7")}, []string{path}, "on none of the profile's networks"},
		{"unknown network", nil, []string{"--network", "lobby", path}, `--network "lobby"`},
		{"no profile", nil, nil, "want one PROFILE.yaml"},
		{"missing file", nil, []string{"/nonexistent.yaml"}, "no such file"},
		{"rate NaN", nil, []string{"--rate", "NaN", path}, "--rate NaN is not a finite number"},
		{"rate Inf", nil, []string{"--rate", "Inf", path}, "--rate +Inf is not a finite number"},
		{"rate tiny", nil, []string{"--rate", "1e-300", path}, "--rate 1e-300 is below the minimum 0.1"},
		{"rate negative", nil, []string{"--rate", "-1", path}, "--rate -1 is below the minimum 0.1"},
		{"rate huge", nil, []string{"--rate", "1e9", path}, "--rate 1e+09 is above the maximum 100000"},
		{"concurrency 0", nil, []string{"--concurrency", "0", path}, "--concurrency must be 1-4096, got 0"},
		{"concurrency huge", nil, []string{"--concurrency", "100000", path}, "--concurrency must be 1-4096"},
		{"attempts", nil, []string{"--attempts", "101", path}, "--attempts must be 1-100, got 101"},
		{"max-checks", nil, []string{"--max-checks", "0", path}, "--max-checks must be at least 1"},
		{"timeout 1ns", nil, []string{"--timeout", "1ns", path}, "--timeout 1ns is below the minimum 10ms"},
		{"timeout huge", nil, []string{"--timeout", "999999h", path}, "--timeout 999999h0m0s is above the maximum 10m0s"},
		{"above max-checks", nil, []string{"--network", "guest-wifi", "--max-checks", "1", path}, "expands to 2 checks (rooms x ports), more than --max-checks 1; narrow the profile or add --force"},
		{"defaults.attempts 0", nil, []string{writeProfile(t, strings.Replace(tinyProfile, "defaults: {timeout: 1s}", "defaults: {attempts: 0}", 1))}, "line 2: defaults.attempts: want 1-100"},
		{"defaults.timeout 1ns", nil, []string{writeProfile(t, strings.Replace(tinyProfile, "1s", "1ns", 1))}, `line 2: duration "1ns": want e.g. 500ms or 2s (10ms to 5m0s)`},
		{"second document", nil, []string{writeProfile(t, tinyProfile+"---\nversion: 1\n")}, "a second YAML document; a profile is one document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := execute(t, tt.addrs, tt.args...)
			if code != report.ExitUsage || !strings.Contains(errs, tt.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("exit %d, stderr %q, want one line with %q", code, errs, tt.want)
			}
		})
	}
}

// tinyProfile is valid; its room is never probed by the usage tests.
const tinyProfile = `version: 1
defaults: {timeout: 1s}
sites:
  - name: hq
    rooms: [{name: board, address: 127.0.0.1}]
    networks: [{name: n, cidrs: [127.0.0.0/8], must_reach: [{rooms: [board], ports: [9]}]}]
`

// TestRunForceAllowsAboveMaxChecks: --force lifts --max-checks (the
// closed loopback ports are probed and fail as must_reach).
func TestRunForceAllowsAboveMaxChecks(t *testing.T) {
	path := loopbackProfile(t)
	code, out, errs := execute(t, nil, "--network", "guest-wifi", "--max-checks", "1", "--force", "-o", "json", path)
	if code != report.ExitFail {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Results) != 2 {
		t.Errorf("results %+v (%v)", rep.Results, err)
	}
}
