//go:build unix

package runcmd

import (
	"encoding/json"
	"net/netip"
	"syscall"
	"testing"

	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/profile"
	"github.com/roompath/roompath/report"
)

// TestInterruptWhilePreparing: SIGINT while roompath run still builds its
// plan ends with exit 130 and a valid interrupted report (before the fix
// the handler was installed only after Prepare, and SIGINT killed the
// process without a report).
func TestInterruptWhilePreparing(t *testing.T) {
	path, _ := bigProfile(t, 10, 10)
	release := make(chan struct{})
	defer close(release)
	c := newCmd(func() []netip.Addr { return nil })
	c.expand = func(*profile.Site, *profile.Network) []profile.Check {
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
			t.Error(err)
		}
		<-release // a slow plan
		return nil
	}
	code, out, errs := clitest.Execute(c.tool(), "--network", "wifi", "-o", "json", path)
	if code != report.ExitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %q", code, errs)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Interrupted {
		t.Errorf("report %v:\n%s", err, out)
	}
}
