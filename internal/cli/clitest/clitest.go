// Package clitest runs roompath commands in-process for tests: with a
// pinned vantage, capturing stdout and stderr, and checking the one-line,
// exit-2 contract for bad input.
package clitest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/report"
)

// Execute runs tool with args and returns the exit code, stdout and stderr.
// The vantage is pinned (hostname "test") unless the tool sets its own.
func Execute(tool cli.Tool, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	if tool.Vantage == nil {
		tool.Vantage = func() report.Vantage { return report.Vantage{Hostname: "test"} }
	}
	code = cli.Execute(tool, args, &out, &errb)
	return code, out.String(), errb.String()
}

// UsageCase is one bad invocation and a piece of the one-line error it
// must print.
type UsageCase struct {
	Name string
	Args []string
	Want string
}

// ExpectUsage runs each case with a fresh tool from mk and checks exit code
// 2, an empty stdout, and exactly one stderr line that starts with
// "NAME: " and contains Want.
func ExpectUsage(t *testing.T, mk func() cli.Tool, cases []UsageCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			tool := mk()
			code, out, errs := Execute(tool, tc.Args...)
			if code != report.ExitUsage {
				t.Errorf("exit = %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.Want) || !strings.HasPrefix(lines[0], tool.Name+": ") {
				t.Errorf("stderr = %q, want one line starting %q and containing %q", errs, tool.Name+": ", tc.Want)
			}
		})
	}
}
