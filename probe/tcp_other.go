//go:build !linux

package probe

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
)

// tcpMode records that only the connect error number was available.
const tcpMode = "errno"

// handshakeCheckMode is how a completed handshake is checked here: only a
// reset right after it is seen (no TCP_INFO).
const handshakeCheckMode = HandshakeCheckResetOnly

// resetWaitRTTs and resetWaitFloor bound how long a completed handshake is
// watched for a reset here: resetWaitRTTs round trips of the handshake, at
// least resetWaitFloor. A SYN proxy whose room refuses sends its reset
// about one round trip after the SYN-ACK; a healthy port pays the whole
// wait, since nothing here shows the far end acknowledging.
const (
	resetWaitRTTs  = 4
	resetWaitFloor = 10 * time.Millisecond
)

// tcpUndistinguished lists what this platform cannot tell apart.
var tcpUndistinguished = []string{
	"an ICMP admin-prohibited reject from a host-unreachable (no socket error queue)",
	"the address of the router that sent an ICMP error",
	"a local neighbour (ARP/ND) failure from a remote host-unreachable",
	"a room from a SYN proxy with nothing behind it (no TCP_INFO: only a reset right after the handshake is seen)",
}

// dialTCP makes one connect with the standard dialer and classifies the
// error number; after a handshake it watches for a reset.
func dialTCP(ctx context.Context, dst netip.AddrPort, timeout time.Duration) attempt {
	start := time.Now()
	d := net.Dialer{Timeout: timeout}
	c, err := d.DialContext(ctx, "tcp", dst.String())
	elapsed := time.Since(start)
	if err == nil {
		a := watchReset(c, elapsed)
		a.duration = time.Since(start)
		return a
	}
	if ctx.Err() != nil {
		return attempt{err: ctx.Err(), duration: elapsed}
	}
	f := Classify(err)
	a := attempt{out: classifyConnectFailure(f, false), duration: elapsed}
	switch a.out.reason {
	case vocab.ReasonConnRefused:
		a.rtt = elapsed
	case vocab.ReasonHandshakeByMiddlebox:
		a.rtt, a.after, a.checked = elapsed, netpath.AfterHandshakeReset, true
	}
	// A failure without any wait is local: let the caller read the route.
	a.syncErr = (f == vocab.FailureNetworkUnreachable || f == vocab.FailureHostUnreachable) && elapsed < 50*time.Millisecond
	return a
}

// watchReset half-closes c, reads until a short wait passes, and closes
// it: a reset is a middlebox's handshake, an end of stream the far end's
// own answer, silence unknown.
func watchReset(c net.Conn, rtt time.Duration) attempt {
	defer c.Close()
	start := time.Now()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = c.SetReadDeadline(start.Add(max(resetWaitRTTs*rtt, resetWaitFloor)))
	_, err := c.Read(make([]byte, 1))
	a := attempt{out: reasonOutcome(vocab.ReasonSynAck), rtt: rtt, checked: true}
	switch {
	case Classify(err) == vocab.FailureConnectionReset:
		a.after = netpath.AfterHandshakeReset
	case err == nil, errors.Is(err, io.EOF):
		a.after = netpath.AfterHandshakeAcked
	}
	a.waited = time.Since(start)
	judgeAfter(&a)
	return a
}

// locateHandshake reads no IP TTL on this platform.
func locateHandshake(context.Context, netip.AddrPort, time.Duration, bool) located {
	return located{note: netpath.SynAckNotePlatform}
}
