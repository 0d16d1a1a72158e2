package triagecmd

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/report/reporttest"
)

func TestBundle(t *testing.T) {
	open := probetest.Open(t)
	c := startCloud(t, statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, false)
	path := filepath.Join(t.TempDir(), "case.tar.gz")
	args := append(c.args("127.0.0.1", open.Port()), "--bundle", path)
	for i := range args {
		if args[i] == "-o" {
			args[i+1] = "ndjson" // the bundle still holds every result
		}
	}
	if code, _, errs := runTriageRaw(t, args); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	files := readTarGz(t, path)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{"command.txt", "report.html", "report.json", "report.txt", "resolv.conf", "vantage.json"}
	if _, err := os.Stat("/etc/resolv.conf"); err != nil {
		want = []string{"command.txt", "report.html", "report.json", "report.txt", "vantage.json"}
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("bundle members (-want +got)\n%s", diff)
	}
	reporttest.ValidateJSON(t, files["report.json"])
	for _, s := range []string{`"verdict"`, `"tcp/127.0.0.1:`, `"status/`} {
		if !strings.Contains(string(files["report.json"]), s) {
			t.Errorf("report.json lacks %s", s)
		}
	}
	if !strings.Contains(string(files["vantage.json"]), `"routes"`) || !strings.Contains(string(files["command.txt"]), "command: ") {
		t.Errorf("vantage or command missing:\n%s\n%s", files["vantage.json"], files["command.txt"])
	}
}

func readTarGz(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[strings.TrimPrefix(h.Name, "roompath-triage/")] = b
	}
}
