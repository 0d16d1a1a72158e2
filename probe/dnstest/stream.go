package dnstest

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"

	"github.com/miekg/dns"
)

// StreamConfig configures a hostile DNS-over-TCP fake: one that writes raw
// bytes, framing included, where a resolver would write a length-prefixed
// reply (a length prefix larger than what follows, a zero length, a
// stream that stops mid-message, a flood of messages with other ids).
type StreamConfig struct {
	// IP is the loopback address to listen on; empty means 127.0.0.1.
	IP string
	// Reply returns the bytes written on a connection after its query q
	// was read; Frame and Packed build them. Nil writes nothing.
	Reply func(q *dns.Msg) []byte
	// Hold keeps each connection open and silent after the reply until
	// the client closes it (a stalled stream); false closes it at once.
	Hold bool
	// TruncateUDP also serves UDP on the same port, answering every query
	// with an empty truncated reply, so that a client retries over TCP.
	TruncateUDP bool
}

// Stream is a running hostile DNS-over-TCP fake.
type Stream struct {
	// Addr is where it listens (TCP, and UDP with TruncateUDP).
	Addr netip.AddrPort
	cfg  StreamConfig
	ln   net.Listener
	pc   net.PacketConn
	wg   sync.WaitGroup
	mu   sync.Mutex
	conn map[net.Conn]bool
	// closed is set by Close: a connection accepted after it is dropped.
	closed bool
	once   sync.Once
}

// StartStream starts a hostile DNS-over-TCP fake and returns once it
// listens. Close it when done.
func StartStream(cfg StreamConfig) (*Stream, error) {
	if cfg.IP == "" {
		cfg.IP = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(cfg.IP)
	if err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("dnstest: %q is not a loopback address", cfg.IP)
	}
	s := &Stream{cfg: cfg, conn: map[net.Conn]bool{}}
	for i := 0; i < 10; i++ {
		if err = s.listen(ip); err == nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	s.wg.Add(1)
	go s.accept()
	if s.pc != nil {
		s.wg.Add(1)
		go s.truncateUDP()
	}
	return s, nil
}

// listen binds TCP, and UDP on the same port when asked for.
func (s *Stream) listen(ip netip.Addr) error {
	ln, err := net.Listen("tcp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		return err
	}
	addr := ln.Addr().(*net.TCPAddr).AddrPort()
	if s.cfg.TruncateUDP {
		if s.pc, err = net.ListenPacket("udp", addr.String()); err != nil {
			ln.Close()
			return err
		}
	}
	s.ln, s.Addr = ln, netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	return nil
}

func (s *Stream) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conn[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c)
	}
}

// serve reads one query, writes the configured bytes, then holds or
// closes the connection.
func (s *Stream) serve(c net.Conn) {
	defer s.wg.Done()
	defer s.drop(c)
	q, err := readQuery(c)
	if err != nil {
		return
	}
	if s.cfg.Reply != nil {
		if _, err := c.Write(s.cfg.Reply(q)); err != nil {
			return
		}
	}
	if s.cfg.Hold {
		_, _ = io.Copy(io.Discard, c) // until the client closes, or Close
	}
}

func (s *Stream) drop(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conn, c)
	s.mu.Unlock()
}

// readQuery reads one length-prefixed query.
func readQuery(r io.Reader) (*dns.Msg, error) {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	q := new(dns.Msg)
	if err := q.Unpack(b); err != nil || len(q.Question) == 0 {
		return nil, fmt.Errorf("dnstest: not a query")
	}
	return q, nil
}

// truncateUDP answers every UDP query with an empty truncated reply.
func (s *Stream) truncateUDP() {
	defer s.wg.Done()
	buf := make([]byte, 65535)
	for {
		n, from, err := s.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		q := new(dns.Msg)
		if q.Unpack(buf[:n]) != nil || len(q.Question) == 0 {
			continue
		}
		m := new(dns.Msg).SetReply(q)
		m.Truncated = true
		if b, err := m.Pack(); err == nil {
			_, _ = s.pc.WriteTo(b, from)
		}
	}
}

// Close stops the fake and ends every connection it holds.
func (s *Stream) Close() {
	s.once.Do(func() {
		s.ln.Close()
		if s.pc != nil {
			s.pc.Close()
		}
		s.mu.Lock()
		s.closed = true
		for c := range s.conn {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
}

// Frame prefixes msg with a length of n bytes (RFC 7766), n being
// len(msg) for a well-framed message and anything else for a hostile one.
func Frame(n uint16, msg []byte) []byte {
	return append(binary.BigEndian.AppendUint16(nil, n), msg...)
}

// Packed is the wire form of the reply the default zone gives to q, with
// its id replaced by id (q.Id for the right one).
func Packed(q *dns.Msg, id uint16) []byte {
	m := new(dns.Msg).SetReply(q)
	rrs, _ := DefaultZone().Lookup(q.Question[0].Name, q.Question[0].Qtype)
	m.Answer, m.Id = rrs, id
	b, _ := m.Pack() // a reply from the zone always packs
	return b
}
