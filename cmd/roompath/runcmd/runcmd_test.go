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

func TestParseProfileErrorsNameTheLine(t *testing.T) {
	base := "version: 1\nsites:\n  - name: hq\n    rooms:\n      - name: board\n        address: %s\n    networks:\n      - name: wifi\n        cidrs: [%s]\n        must_reach:\n          - rooms: [%s]\n            ports: [%s]\n"
	tests := []struct {
		name, in, want string
	}{
		{"bad address", fmt.Sprintf(base, "10.0.0.300", "10.0.40.0/24", "board", "9090"), `line 6: address "10.0.0.300"`},
		{"address with port", fmt.Sprintf(base, "10.0.0.3:9090", "10.0.40.0/24", "board", "9090"), "line 6: address"},
		{"bad cidr", fmt.Sprintf(base, "10.0.0.3", "10.0.40.0/33", "board", "9090"), `line 9: cidr "10.0.40.0/33"`},
		{"bad port", fmt.Sprintf(base, "10.0.0.3", "10.0.40.0/24", "board", "70000"), `line 12: port "70000"`},
		{"unknown room", fmt.Sprintf(base, "10.0.0.3", "10.0.40.0/24", "lobby", "9090"), `line 11: must_reach names unknown room "lobby"`},
		{"unknown key", "version: 1\ncolour: red\nsites: []\n", "line 2: field colour not found"},
		{"wrong version", "version: 2\nsites: []\n", "version: want 1"},
		{"empty", "", "empty profile"},
		{"contradiction", "version: 1\nsites:\n  - name: hq\n    rooms:\n      - {name: board, address: 10.0.0.3}\n    networks:\n      - name: guest\n        must_reach: [{rooms: [board], ports: [9090]}]\n        must_not_reach: [{rooms: ['*'], ports: [9090]}]\n", "in both must_reach and must_not_reach"},
		{"bad timeout", "version: 1\ndefaults:\n  timeout: soon\nsites: []\n", `line 3: duration "soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfile(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %v, want one line containing %q", err, tt.want)
			}
		})
	}
}

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

func FuzzParseProfile(f *testing.F) {
	f.Add("version: 1\nsites:\n  - name: hq\n    rooms: [{name: a, address: 10.0.0.1}]\n    networks: [{name: n, cidrs: [10.0.0.0/8], must_reach: [{rooms: ['*'], ports: [9090]}]}]\n")
	f.Add("version: 1\nsites: [{name: x}]\n")
	f.Add("{")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProfile(strings.NewReader(s))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		if p.Version != 1 || len(p.Sites) == 0 {
			t.Fatalf("accepted invalid profile %+v", p)
		}
	})
}
