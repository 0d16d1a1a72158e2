//go:build linux

package probe

import (
	"context"
	"net/netip"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/netpath/sockerr"
)

// locateHandshake connects to dst once more with a raw capture open
// (CAP_NET_RAW) and returns the IP TTL evidence of the SYN-ACK and, when
// wantReset, of the reset that follows it; it waits for nothing else. The
// note says why nothing was read.
func locateHandshake(ctx context.Context, dst netip.AddrPort, timeout time.Duration, wantReset bool) located {
	capt, note := netpath.CaptureHandshake(dst)
	if capt == nil {
		return located{note: note}
	}
	port := connectOnce(ctx, dst, time.Now().Add(timeout), wantReset)
	var l located
	l.synAck, l.reset = capt.Stop(port)
	if l.synAck == nil {
		l.note = netpath.ResetNoteMissed
	}
	return l
}

// connectOnce connects to dst, waits for the reset after the handshake
// when wantReset, closes the socket and returns its local port (0 when
// none was bound).
func connectOnce(ctx context.Context, dst netip.AddrPort, deadline time.Time, wantReset bool) uint16 {
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	fam, sa := sockaddrOf(dst)
	fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return 0
	}
	f := os.NewFile(uintptr(fd), "tcp-locate")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	t0 := time.Now()
	err = unix.Connect(fd, sa)
	var port uint16
	if lsa, gerr := unix.Getsockname(fd); gerr == nil {
		port = localPortOf(lsa)
	}
	connected := err == nil
	if err == unix.EINPROGRESS {
		connected = sockerr.WaitConnect(ctx, f, rc, deadline).Connected
	}
	if connected && wantReset {
		sockerr.AfterConnect(ctx, f, rc, sockerr.HandshakeAckWait(time.Since(t0)), deadline)
	}
	return port
}

func localPortOf(sa unix.Sockaddr) uint16 {
	switch s := sa.(type) {
	case *unix.SockaddrInet4:
		return uint16(s.Port)
	case *unix.SockaddrInet6:
		return uint16(s.Port)
	}
	return 0
}
