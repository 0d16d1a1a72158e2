package probe

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// slowListener is a loopback listener whose accept queue (backlog 0: one
// connection) is held full, so the kernel drops the SYNs that reach it,
// as an overloaded host does; free accepts the queued connection, after
// which the next SYN retransmission (about 1 s after the first) is
// answered. Loopback only.
func slowListener(t *testing.T) (ap netip.AddrPort, free func()) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	ap = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(sa.(*unix.SockaddrInet4).Port))
	filler, err := net.DialTimeout("tcp", ap.String(), 2*time.Second) // fills the queue
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { filler.Close() })
	return ap, func() {
		go func() {
			for {
				nfd, _, err := unix.Accept(fd)
				if err != nil {
					return
				}
				unix.Close(nfd)
			}
		}()
	}
}

// TestSweepSlowButAliveHostIsOpen: among hosts that answer at once, one
// whose first SYN is dropped (its accept queue full) and whose
// retransmitted SYN is answered about a second later is open, not
// filtered; while it waits, its concurrency slot goes to the targets
// behind it, which finish first.
func TestSweepSlowButAliveHostIsOpen(t *testing.T) {
	p, err := NewTCP(TCPConfig{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	fast := probetest.Open(t)
	slow, free := slowListener(t)
	const before, after = 20, 10
	targets := func(yield func(int, TCPTarget) bool) {
		for i := range before + 1 + after {
			ap := fast
			if i == before {
				ap = slow
				go func() { awaitSynSent(t, slow.Port()); free() }()
			}
			if !yield(i, TCPTarget{Addr: ap.Addr(), Port: ap.Port()}) {
				return
			}
		}
	}
	var order []int
	var slowRes report.Result
	NewSweep(p, SweepConfig{Concurrency: 1, MaxOpen: 64}).Run(context.Background(), targets, func(seq int, res report.Result) {
		order = append(order, seq)
		if seq == before {
			slowRes = res
		}
	})
	if slowRes.Observed != vocab.TCPOpen {
		t.Fatalf("the slow host: %s/%s, want open (%s)", slowRes.Observed, slowRes.Reason, slowRes.Hint)
	}
	if slowRes.RTTMS == nil || *slowRes.RTTMS < 500 {
		t.Errorf("the slow host's RTT %v ms: its first SYN was not dropped, so the test proved nothing", slowRes.RTTMS)
	}
	if last := order[len(order)-1]; last != before {
		t.Errorf("emitted in order %v: the slow host kept its slot (want it last)", order)
	}
}

// awaitSynSent waits (5 s at most) until a socket to port is in SYN_SENT
// in /proc/net/tcp: its SYN went out into the full queue and was dropped
// (loopback delivers it within connect), so freeing the queue now lets
// only the retransmission through, however late the probe started.
func awaitSynSent(t *testing.T, port uint16) {
	remPort := fmt.Sprintf(":%04X", port) // rem_address ends in it
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		b, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Error(err)
			return
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 3 && strings.HasSuffix(f[2], remPort) && f[3] == "02" {
				return
			}
		}
	}
	t.Error("no SYN_SENT socket toward the slow listener within 5 s")
}
