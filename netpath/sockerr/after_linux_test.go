//go:build linux

package sockerr

import (
	"context"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// serve accepts on a loopback listener and hands each connection to
// handle; it returns the listener's address.
func serve(t *testing.T, handle func(*net.TCPConn)) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handle(c.(*net.TCPConn))
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}

// TestAfterConnectOutcomes: a listener that keeps the connection open
// acknowledges the FIN, one that closes it at once answers with its own
// FIN, one that aborts it (SO_LINGER 0) resets it. A deadline before the
// wait is over leaves the outcome unconfirmed only when the far end said
// nothing; a cancelled context ends the wait at once.
func TestAfterConnectOutcomes(t *testing.T) {
	held := make(chan *net.TCPConn, 8)
	t.Cleanup(func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	})
	tests := []struct {
		name   string
		handle func(*net.TCPConn)
		want   string
	}{
		{"kept open", func(c *net.TCPConn) { held <- c }, AfterAcked},
		{"closed at once", func(c *net.TCPConn) { c.Close() }, AfterAcked},
		{"aborted", func(c *net.TCPConn) { c.SetLinger(0); c.Close() }, AfterReset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := connectTo(t, serve(t, tt.handle))
			rc, _ := f.SyscallConn()
			// An abort may beat the connect's own wait: then it reports the
			// reset (ECONNRESET), and what follows reads as one too.
			if c := WaitConnect(context.Background(), f, rc, time.Now().Add(2*time.Second)); !c.Connected && c.Errno != unix.ECONNRESET {
				t.Fatalf("connect: %+v", c)
			}
			a := AfterConnect(context.Background(), f, rc, HandshakeAckWait(0), time.Now().Add(2*time.Second))
			if a.Outcome != tt.want || a.Canceled || a.ZeroWindow {
				t.Errorf("got %+v, want outcome %s", a, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := connectTo(t, serve(t, func(c *net.TCPConn) { held <- c }))
	rc, _ := f.SyscallConn()
	WaitConnect(context.Background(), f, rc, time.Now().Add(2*time.Second))
	if a := AfterConnect(ctx, f, rc, time.Minute, time.Now().Add(time.Minute)); !a.Canceled || a.Outcome != "" {
		t.Errorf("cancelled: %+v", a)
	}
}

// TestAfterConnectLateLook: a goroutine that runs after its timer on a
// loaded host finds the wait over with the far end's acknowledgement
// already in. It reads that answer; called silent without a look, an open
// port became "filtered" by a middlebox.
func TestAfterConnectLateLook(t *testing.T) {
	held := make(chan *net.TCPConn, 1)
	t.Cleanup(func() {
		if len(held) > 0 {
			(<-held).Close()
		}
	})
	f := connectTo(t, serve(t, func(c *net.TCPConn) { held <- c }))
	rc, _ := f.SyscallConn()
	if c := WaitConnect(context.Background(), f, rc, time.Now().Add(2*time.Second)); !c.Connected {
		t.Fatalf("connect: %+v", c)
	}
	afterClock = func() time.Time { // late: the ACK is in, the wait long over
		time.Sleep(50 * time.Millisecond)
		return time.Now().Add(time.Hour)
	}
	defer func() { afterClock = time.Now }()
	if a := AfterConnect(context.Background(), f, rc, time.Second, time.Now().Add(time.Minute)); a.Outcome != AfterAcked {
		t.Errorf("late look: got %+v, want %s", a, AfterAcked)
	}
}

func TestHandshakeAckWait(t *testing.T) {
	if got := HandshakeAckWait(10 * time.Millisecond); got != HandshakeAckFloor+40*time.Millisecond {
		t.Errorf("HandshakeAckWait(10ms) = %v", got)
	}
	if got := HandshakeAckWait(-time.Second); got != HandshakeAckFloor {
		t.Errorf("HandshakeAckWait(<0) = %v", got)
	}
}
