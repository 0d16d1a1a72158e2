package portcmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// TestInterruptedStreamedJSONIsOneDocument: a loopback sweep larger than
// report.SpillAfter, stopped by SIGINT once its -o json has started
// streaming (read from the output, not timed), still ends as one valid
// document with interrupted true, its summary counting what was written.
func TestInterruptedStreamedJSONIsOneDocument(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("127.0.0.0/8 is all loopback only on Linux")
	}
	bin := filepath.Join(t.TempDir(), "portcheck")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/portcheck").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// 65,536 closed loopback ports at 2,000 a second: half a minute, cut
	// short after the first SpillAfter+100 results.
	cmd := exec.Command(bin, "-o", "json", "--rate", "2000", "-p", "9", "127.1.0.0/16")
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := bufio.NewReader(io.TeeReader(pipe, &out))
	for n := 0; n < report.SpillAfter+100; {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("output ended after %d results: %v\n%s", n, err, out.String())
		}
		if strings.HasPrefix(line, `      "id": "tcp/`) {
			n++
		}
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	_, _ = io.Copy(io.Discard, r)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != report.ExitInterrupted {
		t.Fatalf("exit = %v, want 130", err)
	}
	reporttest.ValidateJSON(t, out.Bytes())
	var rep report.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || len(rep.Results) < report.SpillAfter+100 || rep.Summary.Total != len(rep.Results) {
		t.Errorf("interrupted=%v, %d results, summary %+v", rep.Interrupted, len(rep.Results), rep.Summary)
	}
}
