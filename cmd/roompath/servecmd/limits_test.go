package servecmd

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/report"
)

func TestInsecureListenWarns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var errs syncBuffer
	addr := make(chan net.Addr, 1)
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"--listen", ":0", "--insecure-listen"}, io.Discard, &errs, func(a net.Addr) { addr <- a })
	}()
	select {
	case <-addr:
	case c := <-code:
		t.Fatalf("exit %d: %s", c, errs.String())
	}
	cancel()
	if c := <-code; c != 0 || !strings.Contains(errs.String(), "serve: warning: --insecure-listen") {
		t.Errorf("exit %d, stderr %q: want a warning", c, errs.String())
	}
}

func TestListenBeyondLoopbackWithAuthIsAccepted(t *testing.T) {
	web := writeFile(t, "web.yml", "basic_auth_users:\n  prometheus: $2y$10$Pp6rhvx0HT0cfBXXqA4cIu7ejNnaPLpu5D0JwfRWeygCH5HEeiZ5e\n")
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{"--listen", ":9798", "--web.config.file", web, "--check-config"}, &out, &errs); code != report.ExitOK {
		t.Errorf("exit %d: %s", code, errs.String())
	}
	for _, l := range []string{"127.0.0.1:1", "127.9.9.9:1", "[::1]:1", "localhost:1"} {
		if !loopbackOnly(l) {
			t.Errorf("loopbackOnly(%q) = false", l)
		}
	}
	for _, l := range []string{":1", "0.0.0.0:1", "[::]:1", "10.0.0.1:1", "[::ffff:10.0.0.1]:1", "myhost:1", "x"} {
		if loopbackOnly(l) {
			t.Errorf("loopbackOnly(%q) = true", l)
		}
	}
}

// TestIdleConnectionsAreClosed: a keep-alive connection left idle is
// closed by the server after --idle-timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	base := start(t, "--idle-timeout", "100ms")
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// Read the answer, then wait for the close; the deadline only stops a
	// hang (the server would otherwise keep the connection for minutes).
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufioReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("idle connection: read %d, %v; want EOF (closed by the server)", n, err)
	}
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }
