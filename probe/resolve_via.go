package probe

import (
	"context"
	"net"
	"net/netip"
	"sync"

	"github.com/miekg/dns"
)

// replyWatch learns which resolver's reply carried each address of a
// lookup: the resolver's connections pass through it, and every reply
// read is parsed for its A and AAAA records. The system resolver's own
// protocol is left as it is; only what it reads is looked at.
type replyWatch struct {
	mu   sync.Mutex
	from map[netip.Addr]string
}

// dial is the net.Resolver's Dial: the connection to one resolver.
func (w *replyWatch) dial(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	wc := &watchedConn{Conn: c, w: w, server: address}
	if pc, ok := c.(packetConn); ok {
		// The resolver frames its messages by whether the connection is a
		// PacketConn (UDP) or a stream (TCP): keep what it was.
		return &watchedPacketConn{packetConn: pc, watchedConn: wc}, nil
	}
	return wc, nil
}

// seen records the addresses of one reply from server.
func (w *replyWatch) seen(server string, b []byte) {
	var m dns.Msg
	if m.Unpack(b) != nil {
		return // a TCP length prefix, or a part of a reply
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.from == nil {
		w.from = map[netip.Addr]string{}
	}
	for _, rr := range m.Answer {
		var ip net.IP
		switch rr := rr.(type) {
		case *dns.A:
			ip = rr.A
		case *dns.AAAA:
			ip = rr.AAAA
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			if _, dup := w.from[a.Unmap()]; !dup {
				w.from[a.Unmap()] = server
			}
		}
	}
}

// via maps each address to the resolver that gave it, or ViaSystem.
func (w *replyWatch) via(addrs []netip.Addr) map[netip.Addr]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[netip.Addr]string, len(addrs))
	for _, a := range addrs {
		out[a] = ViaSystem
		if s, ok := w.from[a]; ok {
			out[a] = s
		}
	}
	return out
}

// watchedConn hands every read to its watch.
type watchedConn struct {
	net.Conn
	w      *replyWatch
	server string
}

// Read reads from the resolver and lets the watch parse what came.
func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.w.seen(c.server, b[:n])
	}
	return n, err
}

// packetConn is a connected datagram socket (*net.UDPConn).
type packetConn interface {
	net.Conn
	net.PacketConn
}

// watchedPacketConn is a watchedConn that stays a net.PacketConn.
type watchedPacketConn struct {
	packetConn
	watchedConn *watchedConn
}

// Read reads one datagram and lets the watch parse it.
func (c *watchedPacketConn) Read(b []byte) (int, error) { return c.watchedConn.Read(b) }
