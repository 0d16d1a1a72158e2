//go:build unix

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"syscall"
	"testing"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/report"
)

// TestInterruptDuringPrepare: SIGINT while a tool still prepares its plan
// (a huge profile) ends with exit 130 and a valid, interrupted, empty
// report; before the fix the handler was installed only after Prepare,
// and the signal killed the process.
func TestInterruptDuringPrepare(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ran := false
	var c cli.Common
	fs := pflag.NewFlagSet("slow", pflag.ContinueOnError)
	cli.AddCommon(fs, &c, cli.MinTimeout)
	tool := cli.Tool{Name: "slow", Flags: fs, Common: &c,
		Prepare: func([]string) error {
			if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
				t.Error(err)
			}
			<-release // a Prepare that never finishes by itself
			return nil
		},
		Run:     func(context.Context, *cli.Env) error { ran = true; return nil },
		Vantage: func() report.Vantage { return report.Vantage{Hostname: "test"} },
	}
	var out, errb bytes.Buffer
	code := cli.Execute(tool, []string{"-o", "json"}, &out, &errb)
	if code != report.ExitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %q", code, errb.String())
	}
	if ran {
		t.Error("Run ran after an interrupt during Prepare")
	}
	var rep report.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || !rep.Interrupted || len(rep.Results) != 0 {
		t.Errorf("report: %v, interrupted %v\n%s", err, rep.Interrupted, out.String())
	}
	if errb.String() != "slow: interrupted while preparing; nothing was probed\n" {
		t.Errorf("stderr = %q", errb.String())
	}
}
