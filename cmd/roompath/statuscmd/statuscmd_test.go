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
		{"port out of range", []string{"--url", "https://www.zoomstatus.com:99999/api/v2/summary.json"}, `port "99999" is not 1-65535`},
		{"fallback port zero", []string{"--fallback-url", "https://status.zoom.us:0/"}, `port "0"`},
		{"password in a bad url", []string{"--url", "ftp://user:s3cret@x/"}, "REDACTED"},
		{"password in an unparsable url", []string{"--url", "http://user:s3cret@[::1/"}, "--url"},
		{"CRLF in the url", []string{"--url", "http://x/\r\nInjected: 1"}, "--url"},
		{"timeout too long", []string{"--timeout", "999999h"}, "above the maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := execute(tt.args...)
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if code != report.ExitUsage || out != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "status: ") || !strings.Contains(lines[0], tt.want) || strings.Contains(errs, "s3cret") {
				t.Errorf("exit %d stdout %q stderr %q, want 2 and one line with %q", code, out, errs, tt.want)
			}
		})
	}
}

// TestPasswordNeverWritten: the userinfo of --url is in no result field,
// no output format and not on stderr, whatever the page answers.
func TestPasswordNeverWritten(t *testing.T) {
	for _, k := range []statustest.Kind{statustest.Operational, statustest.Redirect, statustest.ServerError} {
		u := strings.Replace(statustest.New(t, k), "http://", "http://user:s3cret@", 1)
		for _, format := range []string{"json", "text", "junit"} {
			_, out, errs := execute("-o", format, "--url", u, "--fallback-url", "none", "--timeout", "3s")
			var rep report.Report
			if format == "json" {
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatal(err)
				}
				r := rep.Results[0]
				b, _ := json.Marshal(r)
				if strings.Contains(string(b), "s3cret") || !strings.Contains(r.Target, report.Redacted) {
					t.Errorf("%s: the result carries the password:\n%s", k, b)
				}
				continue
			}
			if strings.Contains(errs, "s3cret") || strings.Contains(out, "s3cret") {
				t.Errorf("%s -o %s: the password is written:\n%s\n%s", k, format, out, errs)
			}
		}
	}
}
