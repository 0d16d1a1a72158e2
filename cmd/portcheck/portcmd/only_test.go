package portcmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
)

// TestOnlyWritesMatchingCountsAll: --only closed writes only the closed
// result of a loopback run with one open and one closed port, while the
// summary and the exit code count both.
func TestOnlyWritesMatchingCountsAll(t *testing.T) {
	open, closed := probetest.Open(t), probetest.Closed(t)
	for _, only := range []string{"closed", "fail", "closed,local_denied"} {
		code, out, errs := execute("-o", "json", "--only", only, open.String(), closed.String())
		if code != report.ExitFail {
			t.Fatalf("--only %s: exit %d, stderr %s", only, code, errs)
		}
		var rep report.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Results) != 1 || rep.Results[0].Observed != "closed" {
			t.Errorf("--only %s: results = %+v, want the closed one only", only, rep.Results)
		}
		if rep.Summary.Total != 2 || rep.Summary.Pass != 1 || rep.Summary.Fail != 1 {
			t.Errorf("--only %s: summary = %+v, want both counted", only, rep.Summary)
		}
	}
}

func TestOnlyRefusesUnknown(t *testing.T) {
	for _, bad := range []string{"open,bogus", "", "OPEN", "open,"} {
		if bad == "" {
			continue // empty means every result
		}
		code, _, errs := execute("--only", bad, "127.0.0.1")
		if code != report.ExitUsage || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "--only") {
			t.Errorf("--only %q: exit %d, stderr %q", bad, code, errs)
		}
	}
}
