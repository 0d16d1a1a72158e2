//go:build !linux

package probe

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/roompath/roompath/probe/vocab"
)

// tcpMode records that only the connect error number was available.
const tcpMode = "errno"

// tcpUndistinguished lists what this platform cannot tell apart.
var tcpUndistinguished = []string{
	"an ICMP admin-prohibited reject from a host-unreachable (no socket error queue)",
	"the address of the router that sent an ICMP error",
	"a local neighbour (ARP/ND) failure from a remote host-unreachable",
}

// dialTCP makes one connect with the standard dialer and classifies the
// error number.
func dialTCP(ctx context.Context, dst netip.AddrPort, timeout time.Duration) attempt {
	start := time.Now()
	d := net.Dialer{Timeout: timeout}
	c, err := d.DialContext(ctx, "tcp", dst.String())
	elapsed := time.Since(start)
	if err == nil {
		c.Close()
		return attempt{out: reasonOutcome(vocab.ReasonSynAck), rtt: elapsed, duration: elapsed}
	}
	if ctx.Err() != nil {
		return attempt{err: ctx.Err(), duration: elapsed}
	}
	f := Classify(err)
	a := attempt{out: classifyConnectFailure(f, false), duration: elapsed}
	if a.out.reason == vocab.ReasonConnRefused {
		a.rtt = elapsed
	}
	// A failure without any wait is local: let the caller read the route.
	a.syncErr = (f == vocab.FailureNetworkUnreachable || f == vocab.FailureHostUnreachable) && elapsed < 50*time.Millisecond
	return a
}
