package responder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Defaults of Config's limits.
const (
	// DefaultMaxHead caps a request head. Browsers send under 8 KiB;
	// anything past 16 KiB gets 431 and the connection is closed.
	DefaultMaxHead = 16 << 10
	// DefaultHeadTimeout is how long a client has to send the whole head
	// (slowloris bound).
	DefaultHeadTimeout = 5 * time.Second
	// DefaultWriteTimeout bounds writing an answer to a slow reader.
	DefaultWriteTimeout = 5 * time.Second
	// DefaultSniffTimeout is how long a first line may take before the
	// connection is treated as plain TCP echo.
	DefaultSniffTimeout = 2 * time.Second
	// DefaultMaxConns caps connections served at once.
	DefaultMaxConns = 256
	// DefaultMaxPerSource caps connections at once from one address.
	DefaultMaxPerSource = 16
	// DefaultEchoMax caps the bytes a plain TCP echo returns per connection.
	DefaultEchoMax = 64 << 10
	// DefaultEchoIdle closes a plain TCP echo idle this long.
	DefaultEchoIdle = 10 * time.Second
	// DefaultEchoLifetime closes any plain TCP echo after this long.
	DefaultEchoLifetime = 30 * time.Second
)

// Config holds the responder's limits; zero fields take the defaults.
type Config struct {
	// MaxHead caps a request head in bytes (DefaultMaxHead).
	MaxHead int
	// HeadTimeout is the time allowed for the whole head (DefaultHeadTimeout).
	HeadTimeout time.Duration
	// WriteTimeout bounds each answer's write (DefaultWriteTimeout).
	WriteTimeout time.Duration
	// SniffTimeout is the time allowed for the first line before the
	// connection becomes a plain echo (DefaultSniffTimeout).
	SniffTimeout time.Duration
	// MaxConns caps connections served at once (DefaultMaxConns).
	MaxConns int
	// MaxPerSource caps connections at once per source address
	// (DefaultMaxPerSource).
	MaxPerSource int
	// EchoMax caps the bytes a plain echo returns (DefaultEchoMax).
	EchoMax int64
	// EchoIdle closes an idle plain echo (DefaultEchoIdle).
	EchoIdle time.Duration
	// EchoLifetime closes any plain echo after this long
	// (DefaultEchoLifetime).
	EchoLifetime time.Duration
	// Log receives one line per connection (never its contents); nil
	// means no log.
	Log io.Writer
}

func (c *Config) defaults() {
	set := func(p *time.Duration, d time.Duration) {
		if *p <= 0 {
			*p = d
		}
	}
	set(&c.HeadTimeout, DefaultHeadTimeout)
	set(&c.WriteTimeout, DefaultWriteTimeout)
	set(&c.SniffTimeout, DefaultSniffTimeout)
	set(&c.EchoIdle, DefaultEchoIdle)
	set(&c.EchoLifetime, DefaultEchoLifetime)
	if c.MaxHead <= 0 {
		c.MaxHead = DefaultMaxHead
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.MaxPerSource <= 0 {
		c.MaxPerSource = DefaultMaxPerSource
	}
	if c.EchoMax <= 0 {
		c.EchoMax = DefaultEchoMax
	}
}

// Mode says what a listener serves.
type Mode int

const (
	// ModeAuto serves the HTTP echo, or a plain TCP echo to clients whose
	// first bytes are not an HTTP request line.
	ModeAuto Mode = iota
	// ModeTCPEcho serves only the plain TCP echo.
	ModeTCPEcho
)

// Server is a responder; one Server may serve several listeners.
type Server struct {
	cfg     Config
	slots   chan struct{}
	mu      sync.Mutex
	sources map[string]int
	conns   sync.WaitGroup
	logMu   sync.Mutex
}

// New returns a responder with cfg's limits.
func New(cfg Config) *Server {
	cfg.defaults()
	return &Server{cfg: cfg, slots: make(chan struct{}, cfg.MaxConns), sources: map[string]int{}}
}

// Serve accepts on ln until ctx ends, then closes ln and waits for the
// connections in progress (each ends by its own deadlines). It returns nil
// after ctx ends, or the accept error that stopped it.
func (s *Server) Serve(ctx context.Context, ln net.Listener, mode Mode) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer s.conns.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("accept on %s: %w", ln.Addr(), err)
		}
		if !s.admit(c) {
			c.Close()
			continue
		}
		s.conns.Add(1)
		go s.handle(c, mode)
	}
}

// admit takes a slot for c, or refuses when the total or per-source cap
// is reached.
func (s *Server) admit(c net.Conn) bool {
	src := sourceOf(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sources[src] >= s.cfg.MaxPerSource {
		return false
	}
	select {
	case s.slots <- struct{}{}:
	default:
		return false
	}
	s.sources[src]++
	return true
}

func (s *Server) release(c net.Conn) {
	src := sourceOf(c)
	s.mu.Lock()
	if s.sources[src]--; s.sources[src] <= 0 {
		delete(s.sources, src)
	}
	s.mu.Unlock()
	<-s.slots
}

func sourceOf(c net.Conn) string {
	if h, _, err := net.SplitHostPort(c.RemoteAddr().String()); err == nil {
		return h
	}
	return c.RemoteAddr().String()
}

func (s *Server) handle(c net.Conn, mode Mode) {
	defer s.conns.Done()
	defer s.release(c)
	defer c.Close()
	start := time.Now()
	var kind string
	var n int64
	if mode == ModeTCPEcho {
		kind, n = "tcp-echo", s.tcpEcho(c, nil, start)
	} else {
		kind, n = s.auto(c, start)
	}
	s.logf("%s %s %s bytes=%d ms=%d", start.UTC().Format(time.RFC3339), c.RemoteAddr(), kind, n, time.Since(start).Milliseconds())
}

func (s *Server) logf(format string, a ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	fmt.Fprintf(s.cfg.Log, format+"\n", a...)
	s.logMu.Unlock()
}
