package servecmd

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// bigKeyWebConfig is a web configuration whose key_file, named relative
// to it, is a 2 MiB (sparse) file.
func bigKeyWebConfig(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.key"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, "big.key"), 2<<20); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "w.yml")
	if err := os.WriteFile(p, []byte("tls_server_config: {cert_file: big.key, key_file: big.key}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad listen", []string{"--listen", "9798"}, "--listen"},
		{"missing config", []string{"--config", "/nonexistent/serve.yml"}, "--config"},
		{"bad config", []string{"--config", writeFile(t, "c.yml", "modules:\n  x: {prober: icmp}\n")}, `unknown prober "icmp"`},
		{"bad allow", []string{"--allow", "10.0.0.0/40"}, "allow entry"},
		{"bad web config", []string{"--web.config.file", writeFile(t, "w.yml", "tls_server_config: {cert_file: /nonexistent}\n")}, "--web.config.file"},
		{"unknown flag", []string{"--colour"}, "unknown flag"},
		{"argument", []string{"extra"}, "unexpected argument"},
		{"web config unknown key", []string{"--web.config.file", writeFile(t, "w.yml", "basic_auth_users: {}\nhunter2key: 1\n")}, "field hunter2key not found"},
		{"web config a device", []string{"--web.config.file", "/dev/zero"}, "/dev/zero is not a regular file"},
		{"web cert_file a device", []string{"--web.config.file", writeFile(t, "w.yml", "tls_server_config: {cert_file: /dev/zero, key_file: /dev/zero}\n")},
			"tls_server_config.cert_file: /dev/zero is not a regular file"},
		{"web key_file too large", []string{"--web.config.file", bigKeyWebConfig(t)}, "big.key is larger than 1 MiB"},
		{"web config not yaml", []string{"--web.config.file", writeFile(t, "w.yml", "hunter2secret\n")}, "--web.config.file"},
		{"listen beyond loopback", []string{"--listen", ":0"}, "--insecure-listen"},
		{"listen on all v6", []string{"--listen", "[::]:0"}, "without TLS or basic auth"},
		{"listen on a name", []string{"--listen", "myhost.example:0"}, "without TLS or basic auth"},
		{"idle timeout too short", []string{"--idle-timeout", "1ns"}, "--idle-timeout 1ns is below the minimum 100ms"},
		{"idle timeout too long", []string{"--idle-timeout", "999999h"}, "--idle-timeout 999999h0m0s is above the maximum 1h0m0s"},
		{"bad idle timeout", []string{"--idle-timeout", "soon"}, "--idle-timeout"},
		{"concurrency zero", []string{"--max-concurrent-probes", "0"}, "--max-concurrent-probes 0: want 1-4096"},
		{"concurrency huge", []string{"--max-concurrent-probes", "100000"}, "want 1-4096"},
		{"connections", []string{"--max-connections", "1"}, "--max-connections 1: want 8-65536"},
		{"config not yaml", []string{"--config", writeFile(t, "c.yml", "hunter2secret\n")}, "--config"},
		{"config max_concurrent_probes", []string{"--config", writeFile(t, "c.yml", "max_concurrent_probes: 0\nmax_concurrent_probes: 9000\n")}, "--config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := Run(context.Background(), tt.args, &out, &errs)
			lines := strings.Split(strings.TrimSpace(errs.String()), "\n")
			if code != report.ExitUsage || len(lines) != 1 || !strings.HasPrefix(lines[0], "serve: ") || !strings.Contains(lines[0], tt.want) || strings.Contains(lines[0], "hunter2secret") {
				t.Errorf("exit %d stderr %q, want 2 and one line with %q", code, errs.String(), tt.want)
			}
		})
	}
}

func TestCheckConfig(t *testing.T) {
	cfg := writeFile(t, "c.yml", "allow: [10.0.0.0/8]\nmodules:\n  tcp_2244: {prober: tcp, tcp: {port: 2244}}\n")
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"--config", cfg, "--check-config"}, &out, &errs)
	if code != 0 || !strings.Contains(out.String(), "tcp_2244") {
		t.Errorf("exit %d out %q err %q", code, out.String(), errs.String())
	}
}

// start runs serve on a loopback port until the test ends and returns its
// base URL.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	code := make(chan int, 1)
	var errs syncBuffer
	go func() {
		code <- run(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard, &errs, func(a net.Addr) { addr <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if c := <-code; c != 0 {
			t.Errorf("serve exited %d: %s", c, errs.String())
		}
	})
	select {
	case a := <-addr:
		return "http://" + a.String()
	case c := <-code:
		t.Fatalf("serve exited %d: %s", c, errs.String())
	}
	return ""
}

func fetch(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServesProbesAndStops(t *testing.T) {
	open := probetest.Open(t)
	base := start(t, "--allow", "127.0.0.1")
	req, _ := http.NewRequest(http.MethodGet, base+"/probe?module=tcp&target="+open.String(), nil)
	code, body := fetch(t, req)
	if code != 200 || !strings.Contains(body, "\nprobe_success 1\n") {
		t.Errorf("code %d body:\n%s", code, body)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/probe?module=tcp&target=192.0.2.1", nil)
	if code, _ := fetch(t, req); code != http.StatusForbidden {
		t.Errorf("outside the allowlist: %d", code)
	}
}

func TestBasicAuthFromWebConfig(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	web := writeFile(t, "web.yml", "basic_auth_users:\n  prometheus: "+string(hash)+"\n")
	base := start(t, "--web.config.file", web)
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if code, _ := fetch(t, req); code != http.StatusUnauthorized {
		t.Errorf("without credentials: %d", code)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.SetBasicAuth("prometheus", "s3cret")
	if code, body := fetch(t, req); code != 200 || !strings.Contains(body, "roompath_exporter_build_info") {
		t.Errorf("with credentials: %d", code)
	}
}

func TestListenFailureExitsThree(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var errs bytes.Buffer
	if code := Run(context.Background(), []string{"--listen", ln.Addr().String()}, io.Discard, &errs); code != report.ExitCannotRun {
		t.Errorf("exit %d, stderr %s", code, errs.String())
	}
}
