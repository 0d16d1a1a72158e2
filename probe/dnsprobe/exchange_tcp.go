package dnsprobe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

// exchangeTCP sends q over a fresh TCP connection (RFC 7766 framing) and
// reads replies until one is accepted, the stream proves broken, or ctx
// ends.
func (ns dnsSockets) exchangeTCP(ctx context.Context, server netip.AddrPort, q *dns.Msg) dnsExchange {
	ex := dnsExchange{Transport: TransportTCP, ID: q.Id}
	wire, err := q.Pack()
	if err != nil {
		ex.Err = err
		return ex
	}
	start := time.Now()
	dial := ns.dial
	if dial == nil {
		dial = new(net.Dialer).DialContext
	}
	conn, err := dial(ctx, "tcp", server.String())
	if err != nil {
		ex.Err = ctxErr(ctx, err)
		return ex
	}
	defer conn.Close()
	stop := bindDeadline(ctx, conn)
	defer stop()
	// One write: the length prefix and the message in one segment.
	if _, err = conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(wire))), wire...)); err != nil {
		ex.Err = ctxErr(ctx, err)
		return ex
	}
	return readTCPReplies(ctx, conn, q, ex, server, start)
}

// readTCPReplies reads messages until one answers q. Only the resolver (or
// something in its place on the path) writes to this connection, which
// carries this one query: a message with the query's id that is not an
// answer (it does not parse, is truncated, or answers another question)
// and a framing fault end the exchange at once as dns_malformed_reply. A
// message with another id is counted and the wait goes on until ctx ends.
func readTCPReplies(ctx context.Context, conn io.Reader, q *dns.Msg, ex dnsExchange, server netip.AddrPort, start time.Time) dnsExchange {
	for {
		b, err := readTCPMsg(conn)
		if err != nil {
			ex.Err = ex.framingErr(ctx, err)
			return ex
		}
		refused := ex.Malformed + ex.WrongQuestion
		if ex.accept(b, q) {
			if !ex.Reply.Truncated {
				ex.From, ex.RTT = server, time.Since(start)
				return ex
			}
			ex.Reply = nil // a truncated reply over TCP is not an answer
			ex.malformed("a reply over TCP with the TC bit set: no whole answer can come")
		}
		if ex.Malformed+ex.WrongQuestion > refused {
			ex.Err = malformedReply(ex.Note)
			return ex
		}
	}
}

// framingErr is the failure of a read of the stream: a message cut short
// is malformed (noted), except when the run was interrupted or the
// connection failed in its own way (a reset); the rest is ctxErr's.
func (ex *dnsExchange) framingErr(ctx context.Context, err error) error {
	var pe *probe.Error
	if errors.As(err, &pe) {
		ex.noteOnce(pe.Err.Error())
		return err
	}
	var sm *shortMessage
	if !errors.As(err, &sm) {
		return ctxErr(ctx, err)
	}
	note, cut := sm.judge(ctx)
	ex.noteOnce(note)
	if cut {
		return malformedReply(note)
	}
	return ctxErr(ctx, sm.err)
}

// readTCPMsg reads one length-prefixed message. A stream that ends or
// times out before any byte of it gives the read's error (io.EOF: the
// resolver closed without answering); a zero length is a malformed reply;
// a message the stream stops inside is a *shortMessage.
func readTCPMsg(r io.Reader) ([]byte, error) {
	var l [2]byte
	if n, err := io.ReadFull(r, l[:]); err != nil {
		if n == 0 {
			return nil, err
		}
		return nil, &shortMessage{got: n, want: len(l), what: "length bytes", err: err}
	}
	size := int(binary.BigEndian.Uint16(l[:]))
	if size == 0 {
		return nil, malformedReply("a zero-length message (length prefix 0)")
	}
	b := make([]byte, size)
	if n, err := io.ReadFull(r, b); err != nil {
		return nil, &shortMessage{got: n, want: size, what: "bytes the length prefix announced", err: err}
	}
	return b, nil
}

// shortMessage is a message the stream stopped inside: got of its want
// bytes (what: the length prefix or the body) came, then err.
type shortMessage struct {
	got, want int
	what      string
	err       error
}

func (e *shortMessage) Error() string {
	return fmt.Sprintf("%d of the %d %s, then %v", e.got, e.want, e.what, e.err)
}

func (e *shortMessage) Unwrap() error { return e.err }

// judge says how the message ended, and whether that makes the reply
// malformed: the stream ended inside it, or it was still incomplete at
// the exchange's deadline (a resolver writes a reply at once once it has
// one; what stops midway is a wrong length prefix or a broken stream). An
// interrupted run or a failed connection (a reset) keeps its own failure.
func (e *shortMessage) judge(ctx context.Context) (note string, malformed bool) {
	var ne net.Error
	switch {
	case errors.Is(e.err, io.EOF) || errors.Is(e.err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the stream ended after %d of the %d %s", e.got, e.want, e.what), true
	case errors.As(e.err, &ne) && ne.Timeout() && (ctx.Err() == nil || errors.Is(ctx.Err(), context.DeadlineExceeded)):
		return fmt.Sprintf("only %d of the %d %s came before the deadline (a wrong length prefix or a stalled stream)", e.got, e.want, e.what), true
	}
	return fmt.Sprintf("%d of the %d %s came before the connection failed", e.got, e.want, e.what), false
}

// malformedReply is the classified failure of a reply that is not one.
func malformedReply(note string) error {
	return &probe.Error{Failure: vocab.FailureDNSMalformedReply, Operation: vocab.OpDNSRoundTrip, Err: errors.New(note)}
}
