package respondercmd

import (
	"bytes"
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/report"
)

func TestResponderCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan int)
	go func() { done <- Run(ctx, []string{"--listen", "127.0.0.1:0", "--quiet"}, &bytes.Buffer{}, pw) }()
	buf := make([]byte, 256)
	n, _ := pr.Read(buf)
	line := strings.TrimSpace(string(buf[:n]))
	addr := strings.TrimPrefix(line, "listening http-echo on ")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	got := make([]byte, 512)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	m, _ := c.Read(got)
	c.Close()
	cancel()
	if code := <-done; code != 0 || !strings.HasSuffix(string(got[:m]), "\r\n\r\nGET / HTTP/1.1\r\n\r\n") {
		t.Errorf("exit %d, answer %q", code, got[:m])
	}
	if code := Run(context.Background(), []string{"--max-conns", "0"}, &bytes.Buffer{}, &bytes.Buffer{}); code != report.ExitUsage {
		t.Errorf("bad flags exit %d, want 2", code)
	}
}
