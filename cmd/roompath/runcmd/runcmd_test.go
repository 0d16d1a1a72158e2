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
