package respondercmd

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
	"github.com/roompath/roompath/report"
)

// TestBadFlagsOneLine: bad input is one line on stderr and exit 2, never
// a listen attempt (--listen nope used to exit 3).
func TestBadFlagsOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"--listen", "nope"}, {"--listen", ""}, {"--listen", "1.2.3.4:99999"}, {"--tcp-listen", "x"},
		{"--udp", "8801-"}, {"--udp", "0"}, {"--udp", "nope"}, {"--udp-rate", "0"}, {"--udp-rate", "100001"},
		{"--key", "k"}, {"--max-conns", "0"}, {"extra-arg"}, {"--udp", "9", "--key-file", "/nonexistent/key"},
		{"--udp", "9", "--key", "a", "--key-file", "/dev/null"}, {"--udp", "9", "--key-file", "/dev/null"},
	} {
		var stderr bytes.Buffer
		code := Run(context.Background(), args, &bytes.Buffer{}, &stderr)
		if code != report.ExitUsage || strings.Count(stderr.String(), "\n") != 1 || !strings.HasPrefix(stderr.String(), "responder: ") {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and one line", args, code, stderr.String())
		}
	}
}

// TestUDPReflectorCommand: --udp and --key serve the mediacheck protocol
// on the --listen host.
func TestUDPReflectorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan int)
	args := []string{"--listen", "127.0.0.1:0", "--udp", "0", "--quiet", "--key", "k1"}
	args[3] = freeUDPPort(t)
	go func() { done <- Run(ctx, args, &bytes.Buffer{}, pw) }()
	sc := bufio.NewScanner(pr)
	var udpAddr string
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "listening udp-media on "); ok {
			udpAddr = a
			break
		}
	}
	c, err := net.Dial("udp", udpAddr)
	if err != nil {
		t.Fatalf("%q: %v", udpAddr, err)
	}
	defer c.Close()
	codec := wire.NewCodec([]byte("k1"))
	req, _ := codec.Append(nil, &wire.Packet{Kind: wire.KindRequest, Session: 5, Seq: 1}, 120)
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(req)
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := codec.Parse(buf[:n]); err != nil || p.Session != 5 || n != 120 {
		t.Fatalf("reply %+v (%d bytes), %v", p, n, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}

// freeUDPPort returns a UDP port nothing listens on now.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, p, _ := net.SplitHostPort(c.LocalAddr().String())
	return p
}
