//go:build !linux

package netpath

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/roompath/roompath/probe/vocab"
)

// traceMode: only each connect's errno is seen.
const traceMode = TraceModeConnect

// dialProbe is one TTL's connect through the standard dialer, with the TTL
// set before the SYN leaves. Without an error queue the sender of an ICMP
// error is not seen, and most stacks ignore time exceeded for a connecting
// socket, so hops before the destination read as silent.
type dialProbe struct {
	ttl  int
	t0   time.Time
	done chan Hop
	stop context.CancelFunc
}

// startTTLProbe starts the connect for ttl in the background.
func startTTLProbe(dst netip.AddrPort, ttl int) ttlProbe {
	ctx, cancel := context.WithCancel(context.Background())
	p := &dialProbe{ttl: ttl, t0: time.Now(), done: make(chan Hop, 1), stop: cancel}
	go func() { p.done <- p.dial(ctx, dst) }()
	return p
}

func (p *dialProbe) localPort() uint16 { return 0 }

func (p *dialProbe) dial(ctx context.Context, dst netip.AddrPort) Hop {
	d := net.Dialer{Control: func(network, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) { serr = setTTL(fd, dst.Addr().Unmap().Is4(), p.ttl) }); err != nil {
			return err
		}
		return serr
	}}
	c, err := d.DialContext(ctx, "tcp", dst.String())
	if err == nil {
		c.Close()
		return Hop{TTL: p.ttl, Reply: ReplySynAck, RTTMS: rttMS(time.Since(p.t0))}
	}
	return p.classify(ctx, err)
}

// classify names the outcome of a failed connect from its errno.
func (p *dialProbe) classify(ctx context.Context, err error) Hop {
	if ctx.Err() != nil {
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return Hop{TTL: p.ttl, Reply: ReplyNone}
		}
		return *localErrorHop(p.ttl, err)
	}
	h := Hop{TTL: p.ttl, RTTMS: rttMS(time.Since(p.t0)), Failure: errnoOrUnknown(errno)}
	switch h.Failure {
	case vocab.FailureConnectionRefused:
		h.Reply, h.Failure = ReplyRST, ""
	case vocab.FailureConnectionReset:
		// Reset once established: the handshake completed, then a reset.
		h.Reply, h.Failure, h.AfterHandshake = ReplySynAck, "", AfterHandshakeReset
	case vocab.FailureHostUnreachable:
		h.Reply, h.Unreachable = ReplyUnreachable, vocab.ReasonHostUnreach
	case vocab.FailureNetworkUnreachable:
		h.Reply, h.Unreachable = ReplyUnreachable, vocab.ReasonNetUnreach
	case vocab.FailureTimeout:
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	default:
		h.Reply, h.RTTMS = ReplyLocalError, nil
	}
	return h
}

// wait waits for the connect until deadline or ctx. What follows a
// SYN-ACK is not checked here (no TCP_INFO): Hop.AfterHandshake stays
// empty unless the connect itself ended in a reset.
func (p *dialProbe) wait(ctx context.Context, deadline time.Time, _ func(Hop)) Hop {
	defer p.stop()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case h := <-p.done:
		return h
	case <-timer.C:
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	case <-ctx.Done():
		return Hop{TTL: p.ttl, Reply: ReplyNone, cancelled: true}
	}
}
