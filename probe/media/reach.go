package media

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/media/wire"
	"github.com/roompath/roompath/probe/vocab"
)

// reachTries is how many datagrams a port gets within the timeout, so one
// lost datagram does not read as a filter.
const reachTries = 3

// reachConcurrency bounds the ports probed (and traced) at once.
const reachConcurrency = 12

// tracer runs a UDP trace (netpath.TraceUDP; a seam for tests).
type tracer func(ctx context.Context, dst netip.AddrPort, cfg netpath.UDPTraceConfig) (netpath.UDPTrace, error)

var netpathTrace tracer = netpath.TraceUDP

// portOutcome is what one port's probe found.
type portOutcome struct {
	port       uint16
	observed   vocab.Observed
	reason     vocab.Reason
	failure    vocab.Failure
	reportedBy netip.Addr
	// fromResponder: the ICMP error came from the responder's own address.
	fromResponder bool
	rtt           time.Duration
	answered      bool // a datagram came back that was not a valid echo
	duration      time.Duration
	trace         *netpath.UDPTrace
	traceErr      error
}

// reachAll probes every port (and traces it) concurrently, in Ports order.
func (p *Probe) reachAll(ctx context.Context, addr netip.Addr) []portOutcome {
	out := make([]portOutcome, len(p.cfg.Ports))
	sem := make(chan struct{}, reachConcurrency)
	var wg sync.WaitGroup
	for i, port := range p.cfg.Ports {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = p.reachPort(ctx, netip.AddrPortFrom(addr, port))
		})
	}
	wg.Wait()
	return out
}

// reachPort sends a request to dst and waits for its echo, an ICMP error
// or the timeout. A port still silent when its second request is due gets
// a UDP trace beside the rest of the wait (detail.last_hop); the stream
// port gets one after its echo, to place a DSCP change. Ports that answer
// get none, so the traces' sockets do not delay their round trips. The
// trace sends netpath's default payload, which the responder drops before
// its rate limit counts it.
func (p *Probe) reachPort(ctx context.Context, dst netip.AddrPort) portOutcome {
	start := time.Now()
	quiet, exDone := make(chan struct{}), make(chan struct{})
	var o portOutcome
	go func() { defer close(exDone); o = p.exchange(ctx, dst, func() { close(quiet) }) }()
	var tr *netpath.UDPTrace
	var terr error
	select {
	case <-quiet:
		trDone := make(chan struct{})
		go func() { defer close(trDone); tr, terr = p.traceOf(ctx, dst) }()
		<-exDone
		<-trDone
	case <-exDone:
		if o.observed == vocab.UDPOpen && dst.Port() == p.cfg.StreamPort && ctx.Err() == nil {
			tr, terr = p.traceOf(ctx, dst)
		}
	}
	o.port, o.duration, o.trace, o.traceErr = dst.Port(), time.Since(start), tr, terr
	if o.reportedBy.IsValid() && o.reportedBy == dst.Addr() {
		o.fromResponder = true
	}
	return o
}

// traceOf traces the UDP path to dst with the stream's TOS.
func (p *Probe) traceOf(ctx context.Context, dst netip.AddrPort) (*netpath.UDPTrace, error) {
	tr, err := p.trace(ctx, dst, netpath.UDPTraceConfig{Timeout: p.cfg.Timeout, TOS: p.cfg.tos(), NoRaw: p.cfg.NoRaw})
	return &tr, err
}

// exchange is the probe itself: reachTries requests spread over the
// timeout on one connected socket; onQuiet is called when the second is
// due without an echo (at most once).
func (p *Probe) exchange(ctx context.Context, dst netip.AddrPort, onQuiet func()) portOutcome {
	conn, err := dialUDP(ctx, dst, p.cfg.tos())
	if err != nil {
		return errnoOutcome(err, true)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	codec, session := wire.NewCodec(p.cfg.Key), newSession()
	out, buf := make([]byte, 0, wire.MaxLen), make([]byte, wire.MaxLen+1)
	start := time.Now()
	deadline := start.Add(p.cfg.Timeout)
	var o portOutcome
	sentAt := make([]time.Time, 0, reachTries)
	for try := 0; ; {
		if try < reachTries && !time.Now().Before(start.Add(time.Duration(try)*p.cfg.Timeout/reachTries)) {
			out, _ = codec.Append(out[:0], &wire.Packet{Kind: wire.KindRequest, Session: session, Seq: uint32(try)}, max(MinSize, codec.MinLen()))
			sentAt = append(sentAt, time.Now())
			if _, err := conn.Write(out); err != nil {
				// A pending ICMP error fails the send and is consumed by it:
				// the error queue still says what it was.
				return failedSend(conn, err)
			}
			if try++; try == 2 {
				onQuiet()
			}
		}
		if ctx.Err() != nil {
			return portOutcome{observed: vocab.UDPNotRun, failure: vocab.FailureInterrupted}
		}
		next := deadline
		if try < reachTries {
			next = start.Add(time.Duration(try) * p.cfg.Timeout / reachTries)
		}
		conn.SetReadDeadline(next)
		n, err := conn.Read(buf)
		switch {
		case ctx.Err() != nil:
			return portOutcome{observed: vocab.UDPNotRun, failure: vocab.FailureInterrupted}
		case err == nil:
			if rp, perr := codec.Parse(buf[:n]); perr == nil && rp.Kind == wire.KindReply && rp.Session == session && int(rp.Seq) < len(sentAt) {
				return portOutcome{observed: vocab.UDPOpen, reason: vocab.ReasonEchoed, rtt: time.Since(sentAt[rp.Seq])}
			}
			o.answered = true
		case isTimeout(err):
			if !time.Now().Before(deadline) {
				return silentOutcome(o.answered)
			}
		default:
			if icmp, ok := queuedICMP(conn); ok {
				if io, final := icmpOutcome(icmp); final {
					return io
				}
				continue
			}
			return errnoOutcome(err, false)
		}
	}
}

// failedSend classifies a send error by the queued ICMP error behind it,
// or by its errno.
func failedSend(conn *net.UDPConn, err error) portOutcome {
	if icmp, ok := queuedICMP(conn); ok {
		if o, final := icmpOutcome(icmp); final {
			return o
		}
	}
	return errnoOutcome(err, true)
}

// silentOutcome: no valid echo before the deadline.
func silentOutcome(answered bool) portOutcome {
	if answered {
		return portOutcome{observed: vocab.UDPOpen, reason: vocab.ReasonNotResponder, answered: true}
	}
	return portOutcome{observed: vocab.UDPFiltered, reason: vocab.ReasonNoResponse, failure: vocab.FailureTimeout}
}

// icmpOutcome classifies an ICMP error with netpath's one table; final is
// false for messages that do not say the datagram died (frag needed).
func icmpOutcome(m icmpError) (portOutcome, bool) {
	reply, kind, ok := netpath.ClassifyICMP(m.v6, m.typ, m.code)
	if !ok {
		return portOutcome{}, false
	}
	if reply == netpath.ReplyTimeExceeded {
		kind = vocab.ReasonTTLExceeded
	}
	o := portOutcome{observed: vocab.UDPUnreachable, reason: kind, reportedBy: m.from, failure: vocab.FailureHostUnreachable}
	switch kind {
	case vocab.ReasonPortUnreach:
		o.failure = vocab.FailureConnectionRefused
	case vocab.ReasonNetUnreach:
		o.failure = vocab.FailureNetworkUnreachable
	}
	return o, true
}

// errnoOutcome classifies a socket error without an ICMP message; onSend
// is true for errors of dialling or sending (no route, a local firewall).
func errnoOutcome(err error, onSend bool) portOutcome {
	f := probe.Classify(err)
	var en syscall.Errno
	if errors.As(err, &en) {
		if ef, ok := netpath.ErrnoFailure(en); ok {
			f = ef
		}
	}
	o := portOutcome{observed: vocab.UDPNotRun, failure: f}
	switch f {
	case vocab.FailureConnectionRefused:
		o.observed, o.reason = vocab.UDPUnreachable, vocab.ReasonPortUnreach
	case vocab.FailureHostUnreachable:
		o.observed, o.reason = vocab.UDPUnreachable, vocab.ReasonHostUnreach
	case vocab.FailureNetworkUnreachable, vocab.FailureNetworkDown:
		o.observed, o.reason = vocab.UDPUnreachable, vocab.ReasonNetUnreach
		if onSend {
			o.observed, o.reason = vocab.UDPNoRoute, vocab.ReasonNoRoute
		}
	case vocab.FailurePermissionDenied:
		o.observed, o.reason = vocab.UDPLocalDenied, vocab.ReasonLocalPolicy
	}
	return o
}

// dialUDP opens a connected UDP socket to dst carrying TOS tos (0: none),
// with the error queue on where the platform has one.
func dialUDP(ctx context.Context, dst netip.AddrPort, tos int) (*net.UDPConn, error) {
	network := "udp4"
	if dst.Addr().Is6() {
		network = "udp6"
	}
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error { setRecvErr(rc, dst.Addr().Is6()); return nil }}
	c, err := d.DialContext(ctx, network, dst.String())
	if err != nil {
		return nil, err
	}
	uc := c.(*net.UDPConn)
	if tos != 0 {
		if dst.Addr().Is6() {
			_ = ipv6.NewConn(uc).SetTrafficClass(tos)
		} else {
			_ = ipv4.NewConn(uc).SetTOS(tos)
		}
	}
	return uc, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// icmpError is an ICMP error read from the socket's error queue.
type icmpError struct {
	v6        bool
	typ, code uint8
	from      netip.Addr
}
