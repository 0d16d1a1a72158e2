package dnsprobe

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Transports of a DNS exchange.
const (
	TransportUDP = "udp"
	TransportTCP = "tcp"
)

// dnsHeaderLen is the fixed DNS header (RFC 1035 §4.1.1).
const dnsHeaderLen = 12

// maxUDPReply is the read buffer for one datagram: the largest UDP payload.
const maxUDPReply = 65535

// dnsExchange is what one query over one transport saw: the accepted reply
// (nil when none came) and the replies that were refused on the way, which
// are evidence of interference.
type dnsExchange struct {
	// Transport is "udp" or "tcp".
	Transport string
	// ID is the query id sent.
	ID uint16
	// Reply is the accepted reply: from the resolver's address and port,
	// with the query's id and question. Nil when none came.
	Reply *dns.Msg
	// From is where the accepted reply came from.
	From netip.AddrPort
	// RTT is the time from sending to the accepted reply.
	RTT time.Duration
	// Err is why no reply was accepted (timeout, refused, reset…).
	Err error
	// WrongIDs are the first maxExamples ids of replies from the
	// resolver that did not match the query's id; WrongIDCount counts
	// them all (a reply flood must not grow the result without bound).
	WrongIDs     []uint16
	WrongIDCount int
	// Strays are the first maxExamples sources of replies from an
	// address or port the query was not sent to; StrayCount counts them
	// all.
	Strays     []netip.AddrPort
	StrayCount int
	// Malformed counts replies with the right id that did not parse.
	Malformed int
	// WrongQuestion counts replies with the right id for another question.
	WrongQuestion int
	// Note is a short, escaped remark on the first reply refused as
	// malformed, or on a TCP message cut short; empty when none.
	Note string
	// duration is the wall time of the exchange, set by the caller.
	duration time.Duration
}

// exchangeFunc sends one packed query to server and waits, until ctx ends,
// for the reply; it is the seam the probe's tests replace.
type exchangeFunc func(ctx context.Context, server netip.AddrPort, q *dns.Msg, transport string) dnsExchange

// dnsSockets opens the sockets of the real exchanges; nil fields mean the
// net package's.
type dnsSockets struct {
	listen func(network, address string) (net.PacketConn, error)
	dial   func(ctx context.Context, network, address string) (net.Conn, error)
}

// exchange is the real exchangeFunc.
func (ns dnsSockets) exchange(ctx context.Context, server netip.AddrPort, q *dns.Msg, transport string) dnsExchange {
	if transport == TransportTCP {
		return ns.exchangeTCP(ctx, server, q)
	}
	return ns.exchangeUDP(ctx, server, q)
}

// exchangeUDP sends q from an unconnected socket so that a reply from an
// unexpected address is seen (a connected socket would have the kernel drop
// it silently), then reads until a reply is accepted or ctx ends.
func (ns dnsSockets) exchangeUDP(ctx context.Context, server netip.AddrPort, q *dns.Msg) dnsExchange {
	ex := dnsExchange{Transport: TransportUDP, ID: q.Id}
	wire, err := q.Pack()
	if err != nil {
		ex.Err = err
		return ex
	}
	conn, err := ns.listenUDPFor(server.Addr())
	if err != nil {
		ex.Err = err
		return ex
	}
	defer conn.Close()
	stop := bindDeadline(ctx, conn)
	defer stop()
	start := time.Now()
	if _, err := conn.WriteTo(wire, net.UDPAddrFromAddrPort(server)); err != nil {
		ex.Err = err
		return ex
	}
	buf := make([]byte, maxUDPReply)
	for {
		n, addr, err := conn.ReadFrom(buf)
		if err != nil {
			ex.Err = ctxErr(ctx, err)
			return ex
		}
		from := addrPortOf(addr)
		if !sameEndpoint(from, server) {
			ex.stray(from)
			continue
		}
		if ex.accept(buf[:n], q) {
			ex.From, ex.RTT = from, time.Since(start)
			return ex
		}
	}
}

// listenUDPFor opens an unconnected UDP socket of the server's family on an
// ephemeral port, with ICMP errors reported where the platform can.
func (ns dnsSockets) listenUDPFor(server netip.Addr) (net.PacketConn, error) {
	network, laddr := "udp4", "0.0.0.0:0"
	if server.Is6() {
		network, laddr = "udp6", "[::]:0"
	}
	listen := ns.listen
	if listen == nil {
		listen = net.ListenPacket
	}
	conn, err := listen(network, laddr)
	if err != nil {
		return nil, err
	}
	if uc, ok := conn.(*net.UDPConn); ok {
		setRecvErr(uc, server.Is6())
	}
	return conn, nil
}

// addrPortOf returns a datagram's source, IPv4-mapped addresses unmapped.
func addrPortOf(a net.Addr) netip.AddrPort {
	ua, ok := a.(*net.UDPAddr)
	if !ok {
		return netip.AddrPort{}
	}
	ap := ua.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// sameEndpoint compares addresses ignoring an IPv6 zone the kernel may add
// or drop.
func sameEndpoint(a, b netip.AddrPort) bool {
	return a.Port() == b.Port() && a.Addr().WithZone("") == b.Addr().WithZone("")
}

// accept judges one reply from the right source: true when it answers q.
// Anything else is counted as evidence and the wait goes on.
func (ex *dnsExchange) accept(b []byte, q *dns.Msg) bool {
	if len(b) < dnsHeaderLen {
		ex.malformedf("a %d-byte reply, shorter than a DNS header (first bytes %s)", len(b), excerpt(b))
		return false
	}
	if id := binary.BigEndian.Uint16(b); id != q.Id {
		ex.wrongID(id)
		return false
	}
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		if !truncatedHeader(b) {
			ex.malformedf("a %d-byte reply that does not parse (%s; first bytes %s)", len(b), shortErr(err), excerpt(b))
			return false
		}
		// A truncated reply may be cut mid-record; its header is enough
		// to send the query again over TCP.
		m = headerOnly(b)
	}
	if !m.Response || !sameQuestion(m, q) {
		ex.WrongQuestion++
		if ex.Note == "" {
			ex.Note = wrongQuestionNote(m)
		}
		return false
	}
	ex.Reply = m
	return true
}

// truncatedHeader reports whether the header's TC bit is set.
func truncatedHeader(b []byte) bool {
	return len(b) >= dnsHeaderLen && b[2]&0x02 != 0
}

// headerOnly keeps the header of a reply that did not parse past it, with
// the question assumed to be the one asked (its id matched).
func headerOnly(b []byte) *dns.Msg {
	m := new(dns.Msg)
	_ = m.Unpack(b[:dnsHeaderLen]) // a bare header always parses
	return m
}

// sameQuestion is true when the reply echoes the query's question, or has
// none (a header-only reply, e.g. some REFUSED or truncated ones).
func sameQuestion(r, q *dns.Msg) bool {
	if len(r.Question) == 0 {
		return true
	}
	a, b := r.Question[0], q.Question[0]
	return a.Qtype == b.Qtype && a.Qclass == b.Qclass && strings.EqualFold(a.Name, b.Name)
}

// bindDeadline makes conn's reads and writes end when ctx does; the
// returned func releases the binding.
func bindDeadline(ctx context.Context, conn deadliner) func() {
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	return func() { stop() }
}

// deadliner is what bindDeadline needs of a socket.
type deadliner interface{ SetDeadline(time.Time) error }

// ctxErr prefers the context's error when ctx has ended, so a deadline
// reads as a timeout whatever the socket said.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return context.DeadlineExceeded
		}
		return ctx.Err()
	}
	return err
}
