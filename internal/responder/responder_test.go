package responder

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func startServer(t *testing.T, cfg Config, mode Mode) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { New(cfg).Serve(ctx, ln, mode); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// exchange sends in (then half-closes when closeWrite) and reads all.
func exchange(t *testing.T, addr string, in []byte, closeWrite bool) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(in)
	if closeWrite {
		c.(*net.TCPConn).CloseWrite()
	}
	out, _ := io.ReadAll(c)
	return out
}

func TestEcho(t *testing.T) {
	addr := startServer(t, Config{SniffTimeout: 200 * time.Millisecond, HeadTimeout: 500 * time.Millisecond, MaxHead: 1024, EchoMax: 100, EchoIdle: 300 * time.Millisecond}, ModeAuto)
	head := "gEt /x?t=1 HTTP/1.1\r\nhOsT: a\r\nX-A:  two  spaces \r\n\r\n"
	tests := []struct {
		name       string
		in         string
		closeWrite bool
		wantPrefix string
		wantBody   string
	}{
		{"http echo is exact", head + "body-is-ignored", false, "HTTP/1.1 200 OK\r\n", head},
		{"bare LF head", "GET / HTTP/1.0\nA: b\n\n", false, "HTTP/1.1 200 OK\r\n", "GET / HTTP/1.0\nA: b\n\n"},
		{"HEAD has no body", "HEAD / HTTP/1.1\r\n\r\n", false, "HTTP/1.1 200 OK\r\n", ""},
		{"plain echo", "hello", true, "hello", ""},
		{"invalid request line is echoed", "ROOMPATH-INVALID-REQUEST-LINE\r\n\r\n", true, "ROOMPATH-INVALID-REQUEST-LINE\r\n\r\n", ""},
		{"slow plain client", "ping", false, "ping", ""},
		{"head too large", "GET / HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 400), false, "HTTP/1.1 431 ", ""},
		{"incomplete head times out", "GET / HTTP/1.1\r\nA: b\r\n", false, "HTTP/1.1 408 ", ""},
		{"plain echo is capped", strings.Repeat("z", 300), true, strings.Repeat("z", 100), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := string(exchange(t, addr, []byte(tt.in), tt.closeWrite))
			if !strings.HasPrefix(out, tt.wantPrefix) {
				t.Fatalf("got %q, want prefix %q", out, tt.wantPrefix)
			}
			if tt.wantPrefix == "HTTP/1.1 200 OK\r\n" {
				_, body, _ := strings.Cut(out, "\r\n\r\n")
				if diff := cmp.Diff(tt.wantBody, body); diff != "" || !strings.Contains(out, EchoHeader+": 1") {
					t.Errorf("body (-want +got)\n%s\nfull: %q", diff, out)
				}
			}
			if strings.HasPrefix(tt.name, "plain echo is capped") && len(out) != 100 {
				t.Errorf("echoed %d bytes, cap is 100", len(out))
			}
		})
	}
}

func TestTCPEchoMode(t *testing.T) {
	addr := startServer(t, Config{}, ModeTCPEcho)
	in := []byte("GET / HTTP/1.1\r\n\r\n")
	if out := exchange(t, addr, in, true); !bytes.Equal(out, in) {
		t.Errorf("got %q, want %q", out, in)
	}
}

func TestPerSourceCap(t *testing.T) {
	addr := startServer(t, Config{MaxPerSource: 2, SniffTimeout: 2 * time.Second}, ModeAuto)
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	time.Sleep(50 * time.Millisecond) // let the server admit both
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if out, _ := io.ReadAll(c); len(out) != 0 {
		t.Errorf("third connection from one source was served: %q", out)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", sniffMore},
		{"GE", sniffMore},
		{"GET /", sniffMore},
		{"GET / HT", sniffMore},
		{"GET / HTTP/1.1\r\n", sniffHTTP},
		{"gEt /x HTTP/1.0\n", sniffHTTP},
		{"GET / FTP/1.0\r\n", sniffPlain},
		{"hello\n", sniffPlain},
		{"\x16\x03\x01", sniffPlain},
		{"GET  / HTTP/1.1\r\n", sniffPlain},
		{"GET / HTTP/\r\n", sniffPlain},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("sniff(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1\r\n", "hello", "\x16\x03", "A B HTTP/x\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := sniff(b)
		if got == sniffMore && bytes.IndexByte(b, '\n') >= 0 {
			t.Fatalf("a complete line must be decided: %q", b)
		}
		// A decided prefix never changes its mind when more bytes come.
		if got != sniffMore {
			if again := sniff(append(append([]byte{}, b...), "x\r\n"...)); again != got {
				t.Fatalf("sniff(%q) = %d but %d after more bytes", b, got, again)
			}
		}
	})
}
