//go:build linux

package sockerr

import (
	"context"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// What followed a completed handshake (After.Outcome).
const (
	// AfterAcked: the far end's TCP sent something after the SYN-ACK
	// that is not a reset: it acknowledged this side's FIN, opened the
	// window a SYN proxy keeps shut until the room answers it, sent data
	// or its own FIN. Something behind the handshake answered.
	AfterAcked = "acked"
	// AfterReset: a reset ended the connection right after the handshake.
	AfterReset = "reset"
	// AfterSilent: nothing acknowledged the FIN within the wait: the
	// handshake was answered by a device with nothing behind it (or
	// nothing that answers).
	AfterSilent = "silent"
	// AfterUnconfirmed: the deadline ended the wait before it was long
	// enough to call the far end silent.
	AfterUnconfirmed = "unconfirmed"
)

// HandshakeAckRTTs and HandshakeAckFloor make the wait of AfterConnect:
// HandshakeAckFloor plus HandshakeAckRTTs round trips of the handshake.
// The floor covers a peer that delays its acknowledgement (Linux's delayed
// ACK is at most 200 ms and Windows' 200 ms by default; a FIN is usually
// acknowledged at once) or one lost FIN, resent after Linux's minimum RTO
// of 200 ms. The round trips cover a device that answered the handshake
// nearer than the room: the FIN still has to reach the room and come back.
// A healthy far end answers after one round trip, so only a silent one
// costs the whole wait.
const (
	HandshakeAckRTTs  = 4
	HandshakeAckFloor = 250 * time.Millisecond
)

// HandshakeAckWait is how long AfterConnect waits after a handshake whose
// SYN-ACK took rtt.
func HandshakeAckWait(rtt time.Duration) time.Duration {
	return HandshakeAckFloor + HandshakeAckRTTs*max(rtt, 0)
}

// recheckMin and recheckMax bound the interval at which AfterConnect
// looks at the socket again when no wakeup came: the wakeups it waits for
// (a state change, a reset, data) normally end the wait at once.
const (
	recheckMin = time.Millisecond
	recheckMax = 32 * time.Millisecond
)

// After is what followed a completed handshake.
type After struct {
	// Outcome is one of the After* constants; empty when ctx ended the
	// wait (Canceled).
	Outcome string
	// ZeroWindow is true when the far end still offered a zero receive
	// window when the wait ended: the handshake's SYN-ACK offered none, as
	// a SYN proxy's does until the room behind it answers. False when the
	// window opened or the kernel does not report it.
	ZeroWindow bool
	// Retransmits is how many times the FIN was sent again, or the zero
	// window probed, while waiting.
	Retransmits int
	// Waited is how long the check waited.
	Waited time.Duration
	// Canceled is true when ctx ended the wait.
	Canceled bool

	ackedBefore uint64 // tcpi_bytes_acked before the FIN
}

// AfterConnect sends a FIN on the connected socket behind f and rc (a
// half-close: no data reaches the far end's application, which sees an
// end of stream, as it would when the socket is closed) and waits until
// the far end's TCP answers (AfterAcked), a reset arrives (AfterReset),
// wait passes (AfterSilent), deadline passes first (AfterUnconfirmed) or
// ctx ends. The caller closes f afterwards.
func AfterConnect(ctx context.Context, f *os.File, rc syscall.RawConn, wait time.Duration, deadline time.Time) After {
	start := time.Now()
	end, cut := start.Add(wait), false
	if deadline.Before(end) {
		end, cut = deadline, true
	}
	var a After
	_ = rc.Control(func(fd uintptr) {
		ti, _ := tcpInfo(int(fd)) // the handshake's own acknowledgement counts
		a.ackedBefore = ti.Bytes_acked
		_ = unix.Shutdown(int(fd), unix.SHUT_WR)
	})
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	for step := recheckMin; a.Outcome == ""; step = min(2*step, recheckMax) {
		if ctx.Err() != nil {
			a.Canceled = true
			break
		}
		if !afterClock().Before(end) {
			a.lastLook(rc, cut)
			break
		}
		next := time.Now().Add(step)
		if next.After(end) {
			next = end
		}
		_ = f.SetWriteDeadline(next)
		_ = rc.Write(func(fd uintptr) bool { return a.look(int(fd)) })
	}
	_ = f.SetWriteDeadline(time.Time{})
	a.Waited = time.Since(start)
	return a
}

// afterClock is AfterConnect's clock for ending the wait; a test makes
// it late.
var afterClock = time.Now

// lastLook looks at the socket once more when the wait is over, before
// calling the far end silent: on a loaded host the goroutine can run
// after its timer with the answer already in (the poller's wakeup and the
// deadline both past), and a far end that answered in time must not
// become a middlebox's handshake.
func (a *After) lastLook(rc syscall.RawConn, cut bool) {
	_ = rc.Control(func(fd uintptr) { a.look(int(fd)) })
	switch {
	case a.Outcome != "":
	case cut:
		a.Outcome = AfterUnconfirmed
	default:
		a.Outcome = AfterSilent
	}
}

// look is one look at the socket; true when the wait is over. After a
// half-close the socket stays writable, so the runtime poller calls it
// again on every wakeup of the socket: a state change (the FIN
// acknowledged), a reset, data.
func (a *After) look(fd int) bool {
	ti, n := tcpInfo(fd)
	if n == 0 {
		return false
	}
	a.Retransmits = int(ti.Retransmits)
	a.ZeroWindow = n >= sndWndEnd && ti.Snd_wnd == 0
	switch {
	case ti.Bytes_acked > a.ackedBefore || ti.Bytes_received > 0:
		// Nothing but the FIN was sent: an acknowledgement of anything is
		// one of the FIN. Data is an answer too.
		a.Outcome = AfterAcked
	case ti.State != unix.BPF_TCP_CLOSE && n >= segsInEnd && ti.Segs_in > 1 && !a.ZeroWindow:
		// A segment after the SYN-ACK that opened the window: the window
		// update a SYN proxy sends once the room answered it (the room may
		// then miss a FIN sent in the same instant: seen with nftables
		// synproxy, whose timestamps the room's PAWS check can refuse). A
		// segment that leaves the window shut (a SYN proxy repeating its
		// SYN-ACK while the room's reset is on its way) says nothing of
		// the room: the wait goes on.
		a.Outcome = AfterAcked
	case ti.State == unix.BPF_TCP_CLOSING || ti.State == unix.BPF_TCP_CLOSE_WAIT || ti.State == unix.BPF_TCP_LAST_ACK:
		a.Outcome = AfterAcked // the far end sent its own FIN
	case ti.State == unix.BPF_TCP_CLOSE:
		// Closed with nothing acknowledged: a reset, whose error may
		// already have been read by the connect.
		a.Outcome = AfterReset
		if e, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); e != 0 && e != int(unix.ECONNRESET) && e != int(unix.EPIPE) {
			a.Outcome = AfterSilent // ended by another error, without an answer
		}
	}
	return a.Outcome != ""
}

// segsInEnd is the length of TCP_INFO up to and including tcpi_segs_in
// (Linux 4.2).
const segsInEnd = int(unsafe.Offsetof(unix.TCPInfo{}.Segs_in) + unsafe.Sizeof(unix.TCPInfo{}.Segs_in))

// sndWndEnd is the length of TCP_INFO up to and including tcpi_snd_wnd
// (Linux 6.2): a shorter answer does not report the window.
const sndWndEnd = int(unsafe.Offsetof(unix.TCPInfo{}.Snd_wnd) + unsafe.Sizeof(unix.TCPInfo{}.Snd_wnd))

// tcpInfo reads TCP_INFO and how many bytes of it the kernel filled; n is
// zero when the call failed.
func tcpInfo(fd int) (unix.TCPInfo, int) {
	var ti unix.TCPInfo
	l := uint32(unsafe.Sizeof(ti))
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.IPPROTO_TCP, unix.TCP_INFO,
		uintptr(unsafe.Pointer(&ti)), uintptr(unsafe.Pointer(&l)), 0)
	if e != 0 {
		return ti, 0
	}
	return ti, int(l)
}
