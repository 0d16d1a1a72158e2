//go:build linux

package sockerr

import (
	"context"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Connect is how a non-blocking TCP connect ended.
type Connect struct {
	// Connected is true when the handshake completed.
	Connected bool
	// Errno is the socket's pending error (SO_ERROR) when the kernel ended
	// the connect; zero otherwise.
	Errno unix.Errno
	// Queued holds the error-queue entries read while waiting: an ICMP
	// error that reached the socket while connect() held its lock is kept
	// by the kernel as a "soft" error and the SYN retried, so it shows only
	// here, with Errno zero.
	Queued []Error
	// TimedOut and Canceled say why the wait ended without an answer.
	TimedOut, Canceled bool
}

// WaitConnect waits through the runtime poller for the non-blocking
// connect on f (whose RawConn is rc) to end, until deadline or ctx ends.
//
// With IP_RECVERR set, a queued error makes poll report POLLERR while the
// socket is still connecting; that is not a finished connect (SO_ERROR is
// zero and the socket has no peer). The queued ICMP error ends the wait all
// the same: had it arrived a moment later the kernel would have aborted the
// connect with it. A queued error that is not final (fragmentation needed,
// packet too big) is drained and the wait goes on.
func WaitConnect(ctx context.Context, f *os.File, rc syscall.RawConn, deadline time.Time) Connect {
	var c Connect
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := f.SetWriteDeadline(deadline); err != nil {
		c.TimedOut = true
		return c
	}
	werr := rc.Write(func(fd uintptr) bool { return c.check(int(fd)) })
	if werr != nil && !c.ended() {
		c.Canceled, c.TimedOut = ctx.Err() != nil, ctx.Err() == nil
	}
	return c
}

// check is one look at the socket; true when the connect has ended.
func (c *Connect) check(fd int) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	if n, _ := unix.Poll(pfd, 0); n == 0 {
		return false
	}
	if soErr, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); soErr != 0 {
		c.Errno = unix.Errno(soErr)
		return true
	}
	if pfd[0].Revents&unix.POLLOUT != 0 {
		if _, err := unix.Getpeername(fd); err == nil {
			c.Connected = true
			return true
		}
	}
	errs := ReadFD(fd)
	c.Queued = append(c.Queued, errs...)
	return finalICMP(errs)
}

func (c *Connect) ended() bool { return c.Connected || c.Errno != 0 || finalICMP(c.Queued) }

// finalICMP reports whether errs hold an ICMP error that ends a connect
// (anything but fragmentation needed and packet too big).
func finalICMP(errs []Error) bool {
	for _, e := range errs {
		if !e.ICMP() {
			continue
		}
		frag := !e.V6() && e.Type == 3 && e.Code == 4
		tooBig := e.V6() && e.Type == 2
		if !frag && !tooBig {
			return true
		}
	}
	return false
}
