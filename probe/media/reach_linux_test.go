package media

import (
	"context"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/probe/vocab"
)

// TestSendAfterPendingICMP: when the ICMP port unreachable of one request
// is pending as the next request is sent, the send fails and consumes it;
// the error queue still tells unreachable (port_unreach, from 127.0.0.1),
// never a silent port.
func TestSendAfterPendingICMP(t *testing.T) {
	dst := netipAddrPort(freePort(t))
	conn, err := dialUDP(context.Background(), dst, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("first"))
	rc, _ := conn.SyscallConn()
	pending := false
	for end := time.Now().Add(5 * time.Second); !pending && time.Now().Before(end); {
		rc.Control(func(fd uintptr) {
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			if n, _ := unix.Poll(pfd, 100); n > 0 && pfd[0].Revents&unix.POLLERR != 0 {
				pending = true
			}
		})
	}
	if !pending {
		t.Fatal("no ICMP error became pending")
	}
	_, werr := conn.Write([]byte("second"))
	if werr == nil {
		t.Fatal("the send did not fail with the pending error")
	}
	o := failedSend(conn, werr)
	if o.observed != vocab.UDPUnreachable || o.reason != vocab.ReasonPortUnreach || o.reportedBy.String() != "127.0.0.1" {
		t.Fatalf("outcome %+v", o)
	}
}
