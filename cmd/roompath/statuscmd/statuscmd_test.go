package statuscmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

func execute(args ...string) (code int, stdout, stderr string) {
	return clitest.Execute(Tool(), args...)
}

func TestExitCodesAndSchema(t *testing.T) {
	tests := []struct {
		kind     statustest.Kind
		code     int
		observed vocab.Observed
		status   report.Status
	}{
		{statustest.Operational, report.ExitOK, "operational", report.StatusPass},
		{statustest.Critical, report.ExitFail, "outage", report.StatusFail},
		{statustest.Lagging, report.ExitFail, "outage", report.StatusFail},
		{statustest.Minor, report.ExitOK, "degraded", report.StatusWarn},
		{statustest.Maintenance, report.ExitOK, "maintenance", report.StatusWarn},
		{statustest.Redirect, report.ExitOK, "unknown", report.StatusWarn},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			u := statustest.New(t, tt.kind)
			code, out, errs := execute("-o", "json", "--url", u, "--fallback-url", "none", "--timeout", "3s")
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errs)
			}
			reporttest.ValidateJSON(t, []byte(out))
			var rep report.Report
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			r := rep.Results[0]
			if rep.Tool != "status" || len(rep.Results) != 1 || r.Check != "status" || r.Observed != tt.observed || r.Status != tt.status {
				t.Errorf("tool %s, %d results, first %+v", rep.Tool, len(rep.Results), r)
			}
		})
	}
}

func TestTextOutput(t *testing.T) {
	u := statustest.New(t, statustest.Critical)
	code, out, _ := execute("--url", u, "--fallback-url", "none")
	if code != report.ExitFail || !strings.Contains(out, "outage") || !strings.Contains(out, "Zoom Rooms") {
		t.Errorf("exit %d, text:\n%s", code, out)
	}
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ftp url", []string{"--url", "ftp://x"}, "--url: invalid URL"},
		{"no host", []string{"--url", "https:///api"}, "no host"},
		{"bad fallback", []string{"--fallback-url", "gopher://x"}, "--fallback-url"},
		{"bad timeout", []string{"--timeout", "banana"}, `invalid argument "banana"`},
		{"zero timeout", []string{"--timeout", "0s"}, "below the minimum"},
		{"argument", []string{"zoom.us"}, "unexpected argument"},
		{"bad format", []string{"-o", "xml"}, "unknown output format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := execute(tt.args...)
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if code != report.ExitUsage || out != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "status: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("exit %d stdout %q stderr %q, want 2 and one line with %q", code, out, errs, tt.want)
			}
		})
	}
}
