package triagecmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/report"
)

// TestNoSecretInAnyOutput: a --proxy and a --status-url with passwords
// leaked into the report's command, the bundle's report.json and
// command.txt. No output format, no stderr line and no bundle member may
// carry them.
func TestNoSecretInAnyOutput(t *testing.T) {
	const proxyPW, statusPW = "Hunter2pw", "s3cret"
	open, closed := probetest.Open(t), probetest.Closed(t)
	c := startCloud(t, statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, false)
	statusURL := strings.Replace(c.statusURL, "http://", "http://user:"+statusPW+"@", 1)
	defer func(saved []string) { os.Args = saved }(os.Args)
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			bundle := filepath.Join(t.TempDir(), "case.tar.gz")
			args := c.args("127.0.0.1", open.Port())
			for i := range args {
				switch args[i] {
				case "-o":
					args[i+1] = format
				case "--proxy":
					args[i+1] = "http://admin:" + proxyPW + "@" + closed.String()
				case "--status-url":
					args[i+1] = statusURL
				}
			}
			args = append(args, "--skip", "dns", "--bundle", bundle)
			os.Args = append([]string{"roompath", "triage"}, args...) // what the report records by default
			code, out, errs := runTriageRaw(t, args)
			if code == report.ExitUsage {
				t.Fatalf("exit 2: %s", errs)
			}
			outputs := map[string][]byte{"stdout": out, "stderr": []byte(errs)}
			for name, body := range readTarGz(t, bundle) {
				outputs["bundle "+name] = body
			}
			if len(outputs) < 6 {
				t.Errorf("bundle has %d members", len(outputs)-2)
			}
			for name, body := range outputs {
				if strings.Contains(string(body), proxyPW) || strings.Contains(string(body), statusPW) {
					t.Errorf("%s carries a password:\n%s", name, body)
				}
			}
			if !strings.Contains(string(outputs["bundle command.txt"]), "http://admin:REDACTED@") && !strings.Contains(string(outputs["bundle command.txt"]), "REDACTED@") {
				t.Errorf("command.txt lost the redacted proxy:\n%s", outputs["bundle command.txt"])
			}
		})
	}
}

// TestBundleCheckedFirst: an unwritable --bundle was found only after
// every check had run (exit 3); it is now a usage error before anything
// is sent.
func TestBundleCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ bundle, want string }{
		{"/nonexistdir/x.tar.gz", "--bundle /nonexistdir/x.tar.gz: directory /nonexistdir does not exist"},
		{dir, "--bundle " + dir + " is a directory"},
		{filepath.Join(dir, "file", "x"), "does not exist"},
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Loopback only, every layer but the room port skipped, so a
	// regression probes nothing beyond a closed loopback port.
	closed := probetest.Closed(t)
	c := startCloud(t, statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, false)
	for _, tt := range tests {
		args := append(c.args("127.0.0.1", closed.Port()), "--skip", "status,dns,proxy,tls", "--bundle", tt.bundle)
		code, out, errs := runTriageRaw(t, args)
		if code != report.ExitUsage || len(out) != 0 || !strings.Contains(errs, tt.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("--bundle %s: exit %d, stderr %q, want one line with %q", tt.bundle, code, errs, tt.want)
		}
	}
}
