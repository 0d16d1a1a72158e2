// Package dnstest holds fake DNS resolvers for tests, benchmarks and the
// dig comparison script: miekg/dns servers on a loopback address that
// answer from a small zone, or misbehave on command (sinkhole, NXDOMAIN,
// SERVFAIL, REFUSED, silence, truncation, wrong ids, answers from another
// address, slow answers, malformed replies, NXDOMAIN rewriting, and
// hijacking of every name as captive-portal DNS does), and hostile
// DNS-over-TCP servers that write raw bytes, framing included
// (StartStream). Start and StartStream return once the server listens
// (readiness is signalled, never slept for). Only loopback addresses are bound, unless the caller hands in
// sockets it made inside a test's own network namespace.
package dnstest

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Mode is how a fake resolver behaves.
type Mode int

// The behaviours of a fake resolver.
const (
	// Answer answers from the zone: NXDOMAIN for names it lacks, an empty
	// NOERROR for types a name lacks.
	Answer Mode = iota
	// Sinkhole answers A queries with Config.Sinkhole and AAAA queries
	// with Config.Sinkhole6 (empty: no AAAA) for the names in
	// Config.Names (nil: every name in the zone; the names it lacks stay
	// NXDOMAIN, as behind a DNS filter, unlike Hijack).
	Sinkhole
	// NXDomain answers NXDOMAIN to everything.
	NXDomain
	// ServFail answers SERVFAIL to everything.
	ServFail
	// Refused answers REFUSED to everything.
	Refused
	// Silent reads queries and never answers.
	Silent
	// Truncate answers over UDP with the TC bit and no records, and in
	// full over TCP.
	Truncate
	// TruncateNoTCP truncates over UDP and closes TCP connections without
	// an answer (TCP 53 blocked or broken).
	TruncateNoTCP
	// WrongID answers with an id that is not the query's (Config.Flood
	// such replies, each with another id: a reply flood).
	WrongID
	// WrongIDThenRight sends a reply with a wrong id, then the right one.
	WrongIDThenRight
	// OtherSource answers from Config.From instead of its own address.
	OtherSource
	// Slow answers after Config.Delay.
	Slow
	// Malformed answers with the query's id and a body that does not
	// parse.
	Malformed
	// Hijack answers every name, nonexistent and whoami names included,
	// as captive-portal DNS and walled gardens do: A queries with
	// Config.Hijack, AAAA queries with Config.Hijack6 (empty: an empty
	// NOERROR), every other type with an empty NOERROR. Unlike
	// Config.RewriteNX, which rewrites only the names the zone lacks, the
	// real answers are never given.
	Hijack
)

var modeNames = map[Mode]string{
	Answer: "answer", Sinkhole: "sinkhole", NXDomain: "nxdomain", ServFail: "servfail",
	Refused: "refused", Silent: "silent", Truncate: "truncate", TruncateNoTCP: "truncate-notcp",
	WrongID: "wrongid", WrongIDThenRight: "wrongid-then-right", OtherSource: "othersource",
	Slow: "slow", Malformed: "malformed", Hijack: "hijack",
}

// String names the mode as ParseMode accepts it.
func (m Mode) String() string { return modeNames[m] }

// ParseMode parses a mode name ("answer", "sinkhole", "wrongid"…).
func ParseMode(s string) (Mode, error) {
	for m, n := range modeNames {
		if n == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown mode %q", s)
}

// DefaultHijack is the A answer of Hijack mode when Config.Hijack is
// empty: a private address, as a guest Wi-Fi portal's usually is.
const DefaultHijack = "10.99.0.1"

// Config configures a fake resolver. Zero values are usable.
type Config struct {
	// IP is the loopback address to listen on; empty means 127.0.0.1.
	IP string
	// Port is the port for UDP and TCP; zero picks a free one.
	Port int
	// Mode is the behaviour; zero is Answer.
	Mode Mode
	// Zone is the data answered from; nil means DefaultZone().
	Zone *Zone
	// Sinkhole is the A answer of Sinkhole mode; empty means 0.0.0.0.
	Sinkhole string
	// Sinkhole6 is the AAAA answer of Sinkhole mode; empty means none.
	Sinkhole6 string
	// Names limits Sinkhole to these names (without trailing dot); nil
	// means every name in the zone.
	Names []string
	// From is the loopback address OtherSource answers from.
	From string
	// Hijack is the A answer of Hijack mode; empty means DefaultHijack.
	Hijack string
	// Hijack6 is the AAAA answer of Hijack mode; empty means none (an
	// empty NOERROR).
	Hijack6 string
	// Flood is how many wrong-id replies WrongID sends to each query (a
	// reply flood); zero means one.
	Flood int
	// Delay is how long Slow waits before answering.
	Delay time.Duration
	// RewriteNX, when set, answers names the zone lacks with this A
	// address instead of NXDOMAIN (NXDOMAIN rewriting).
	RewriteNX string
	// Whoami is the egress address answered for whoami names (A and TXT);
	// empty means the server's own address.
	Whoami string
	// PacketConn and Listener, when both set, are served instead of
	// binding IP and Port: sockets the caller made elsewhere, e.g. inside
	// a network namespace of the lab (any address then, not only
	// loopback). OtherSource is not available with them.
	PacketConn net.PacketConn
	Listener   net.Listener
}

// Server is a running fake resolver.
type Server struct {
	// Addr is where it listens, on UDP and TCP.
	Addr netip.AddrPort
	cfg  Config
	udp  *dns.Server
	tcp  *dns.Server
	from net.PacketConn
	n    atomic.Int64
	once sync.Once
}

// Start starts a fake resolver and returns once it serves both UDP and
// TCP. Close it when done.
func Start(cfg Config) (*Server, error) {
	if cfg.Zone == nil {
		cfg.Zone = DefaultZone()
	}
	if cfg.PacketConn != nil && cfg.Listener != nil {
		s := &Server{cfg: cfg}
		return s, s.serve(cfg.PacketConn, cfg.Listener)
	}
	if cfg.IP == "" {
		cfg.IP = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(cfg.IP)
	if err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("dnstest: %q is not a loopback address", cfg.IP)
	}
	s := &Server{cfg: cfg}
	if err := s.listen(ip); err != nil {
		return nil, err
	}
	return s, nil
}

// listen binds UDP and TCP on the same port, retrying a few ephemeral
// ports when the TCP side of one is taken.
func (s *Server) listen(ip netip.Addr) error {
	var err error
	for i := 0; i < 10; i++ {
		if err = s.listenOnce(ip); err == nil {
			return nil
		}
		if s.cfg.Port != 0 {
			break
		}
	}
	return err
}

func (s *Server) listenOnce(ip netip.Addr) error {
	pc, err := net.ListenPacket("udp", netip.AddrPortFrom(ip, uint16(s.cfg.Port)).String())
	if err != nil {
		return err
	}
	addr := pc.LocalAddr().(*net.UDPAddr).AddrPort()
	ln, err := net.Listen("tcp", addr.String())
	if err != nil {
		pc.Close()
		return err
	}
	if s.cfg.Mode == OtherSource {
		if s.from, err = otherSource(s.cfg.From); err != nil {
			pc.Close()
			ln.Close()
			return err
		}
	}
	return s.serve(pc, ln)
}

// serve runs the DNS servers on pc and ln and waits until both serve.
func (s *Server) serve(pc net.PacketConn, ln net.Listener) error {
	addr := pc.LocalAddr().(*net.UDPAddr).AddrPort()
	s.Addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	s.udp = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.handle), MsgAcceptFunc: acceptAll}
	s.tcp = &dns.Server{Listener: ln, Handler: dns.HandlerFunc(s.handle), MsgAcceptFunc: acceptAll}
	return startBoth(s.udp, s.tcp)
}

// otherSource opens the socket OtherSource answers from.
func otherSource(from string) (net.PacketConn, error) {
	ip, err := netip.ParseAddr(from)
	if err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("dnstest: OtherSource needs a loopback From address, got %q", from)
	}
	return net.ListenPacket("udp", netip.AddrPortFrom(ip, 0).String())
}

// startBoth runs the servers and waits for both to signal readiness.
func startBoth(servers ...*dns.Server) error {
	errc := make(chan error, len(servers))
	for _, srv := range servers {
		ready := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(ready) }
		go func() { errc <- srv.ActivateAndServe() }()
		select {
		case <-ready:
		case err := <-errc:
			return fmt.Errorf("dnstest: serving: %w", err)
		}
	}
	return nil
}

// acceptAll lets every query reach the handler (the default rejects some
// shapes before the fake can misbehave on them).
func acceptAll(dh dns.Header) dns.MsgAcceptAction {
	if dh.Bits&(1<<15) != 0 { // a response, not a query
		return dns.MsgIgnore
	}
	return dns.MsgAccept
}

// Queries returns how many queries the server has received.
func (s *Server) Queries() int { return int(s.n.Load()) }

// Close stops the server.
func (s *Server) Close() {
	s.once.Do(func() {
		_ = s.udp.Shutdown()
		_ = s.tcp.Shutdown()
		if s.from != nil {
			s.from.Close()
		}
	})
}

// String describes the server for logs.
func (s *Server) String() string { return s.cfg.Mode.String() + "@" + s.Addr.String() }

// isTCP reports whether w is a TCP exchange.
func isTCP(w dns.ResponseWriter) bool {
	return strings.HasPrefix(w.LocalAddr().Network(), "tcp")
}
