package cli_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/report"
)

func fakeTool(prepErr, runErr error) cli.Tool {
	var c cli.Common
	fs := pflag.NewFlagSet("fake", pflag.ContinueOnError)
	cli.AddCommon(fs, &c, cli.MinTimeout)
	fs.String("proxy", "", "a proxy")
	return cli.Tool{Name: "fake", Flags: fs, Common: &c,
		Prepare: func([]string) error { return prepErr },
		Run:     func(context.Context, *cli.Env) error { return runErr }}
}

// TestErrorLinesRedactedAndOneLine: whatever a tool's error says, stderr
// gets one line without the password of a URL and without raw control
// characters.
func TestErrorLinesRedactedAndOneLine(t *testing.T) {
	const secret = "Hunter2pw"
	bad := "--proxy \"http://admin:" + secret + "@10.0.0.1:3128\r\nX-Injected: 1\": bad"
	tests := []struct {
		name     string
		tool     cli.Tool
		args     []string
		wantCode int
	}{
		{"usage error in prepare", fakeTool(cli.Usagef("%s", bad), nil), nil, report.ExitUsage},
		{"other error in prepare", fakeTool(errors.New(bad), nil), nil, report.ExitCannotRun},
		{"usage error in run", fakeTool(nil, cli.Usagef("%s", bad)), nil, report.ExitUsage},
		{"cannot run", fakeTool(nil, errors.New(bad)), nil, report.ExitCannotRun},
		{"bad flag", fakeTool(nil, nil), []string{"--nope=http://admin:" + secret + "@h\r\n"}, report.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := clitest.Execute(tt.tool, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			if strings.Contains(errs, secret) || strings.Count(errs, "\n") != 1 || strings.ContainsRune(errs, '\r') || !strings.HasPrefix(errs, "fake: ") {
				t.Errorf("stderr = %q, want one redacted line", errs)
			}
		})
	}
}

func TestTimeoutBounds(t *testing.T) {
	clitest.ExpectUsage(t, func() cli.Tool { return fakeTool(nil, nil) }, []clitest.UsageCase{
		{Name: "below", Args: []string{"--timeout", "1ns"}, Want: "below the minimum 10ms"},
		{Name: "above", Args: []string{"--timeout", "999999h"}, Want: "above the maximum 10m0s"},
	})
}

// TestToolStderrRedacted: what a tool itself writes to env.Stderr (a note
// naming its proxy) is redacted too.
func TestToolStderrRedacted(t *testing.T) {
	tool := fakeTool(nil, nil)
	tool.Run = func(_ context.Context, env *cli.Env) error {
		_, err := fmt.Fprintf(env.Stderr, "note: using proxy http://admin:Hunter2pw@10.0.0.1:3128\n")
		return err
	}
	code, _, errs := clitest.Execute(tool)
	if code != report.ExitOK || errs != "note: using proxy http://REDACTED@10.0.0.1:3128\n" {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
