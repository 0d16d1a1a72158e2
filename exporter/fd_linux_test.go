package exporter

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

const emfileChildEnv = "ROOMPATH_EXPORTER_EMFILE_CHILD"

// TestFDExhaustionIsAnExporterError runs a /probe in a child process whose
// file descriptors are all in use: the probe's socket fails with EMFILE,
// and the answer is a 503 of the exporter, not probe_success 0 (an outage
// of the target).
func TestFDExhaustionIsAnExporterError(t *testing.T) {
	if os.Getenv(emfileChildEnv) == "1" {
		emfileChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFDExhaustionIsAnExporterError$", "-test.count=1")
	cmd.Env = append(os.Environ(), emfileChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := string(out)
	if !strings.Contains(got, "code=503") || strings.Contains(got, "probe_success") || !strings.Contains(got, "local_resource_exhausted") {
		t.Errorf("with every descriptor in use, /probe answered:\n%s", got)
	}
}

// emfileChild fills the descriptor table, probes an open loopback port and
// prints the answer.
func emfileChild() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	defer ln.Close()
	e, err := New(&Config{Allow: []string{"127.0.0.1"}}, Options{})
	if err != nil {
		fmt.Println("new:", err)
		return
	}
	h := e.Handler()
	lim := syscall.Rlimit{Cur: 64, Max: 64}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Println("setrlimit:", err)
		return
	}
	var held []*os.File
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		held = append(held, f)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?module=tcp&target="+ln.Addr().String(), nil))
	for _, f := range held {
		f.Close()
	}
	fmt.Printf("code=%d held=%d body=%s\n", rec.Code, len(held), rec.Body.String())
}
