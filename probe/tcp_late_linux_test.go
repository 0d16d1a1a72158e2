//go:build linux

package probe

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/roompath/roompath/netpath/sockerr"
)

// TestLateLookSeesConnect: a connect the poller reported as timed out
// (its deadline's timer ran first on a loaded host) but that the kernel
// completed is open, not filtered; one still silent stays timed out.
func TestLateLookSeesConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	got := lateLook(rc, sockerr.Connect{TimedOut: true})
	if got.TimedOut || !got.Connected {
		t.Errorf("connected socket after its deadline: %+v, want connected", got)
	}
	// An unconnected socket (nothing sent) is still timed out.
	u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	urc, _ := u.SyscallConn()
	if got := lateLook(urc, sockerr.Connect{TimedOut: true}); !got.TimedOut || got.Connected {
		t.Errorf("unconnected socket: %+v, want still timed out", got)
	}
}

// TestConnectDeadlineFromTheSYN: the timeout runs from the connect, not
// from before the socket was made, and a nearer context deadline wins.
func TestConnectDeadlineFromTheSYN(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	if got := connectDeadline(context.Background(), t0, time.Second); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("deadline %v, want t0+1s", got)
	}
	ctx, cancel := context.WithDeadline(context.Background(), t0.Add(300*time.Millisecond))
	defer cancel()
	if got := connectDeadline(ctx, t0, time.Second); !got.Equal(t0.Add(300 * time.Millisecond)) {
		t.Errorf("deadline %v, want the context's", got)
	}
}
