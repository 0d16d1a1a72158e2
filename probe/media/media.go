// Package media is mediacheck's engine: UDP reachability of a roompath
// responder's ports (udp results) and a media-like stream to one of them
// (a media result: loss, burst loss, jitter each way, round trip,
// reordering, duplicates and DSCP, judged against thresholds). The
// protocol is probe/media/wire; the responder is `roompath responder
// --udp` (docs/responder.md, docs/mediacheck.md).
package media

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/media/wire"
	"github.com/roompath/roompath/report"
)

// Defaults and bounds of Config.
const (
	DefaultStreamPort = 8801
	DefaultDuration   = 10 * time.Second
	DefaultPPS        = 50
	DefaultSize       = 200
	DefaultDSCP       = 56 // Zoom's audio mark
	DefaultTimeout    = 2 * time.Second

	MinDuration, MaxDuration = time.Second, 10 * time.Minute
	MinPPS, MaxPPS           = 1, 1000
	MinSize, MaxSize         = 64, wire.MaxLen
	// MaxPackets bounds a stream (duration x pps).
	MaxPackets = 200000
)

// DefaultPorts are Zoom's UDP media ports: 8801-8810, 3478, 3479.
func DefaultPorts() []uint16 {
	return []uint16{8801, 8802, 8803, 8804, 8805, 8806, 8807, 8808, 8809, 8810, 3478, 3479}
}

// Config configures a probe (the contract of docs/mediacheck.md).
type Config struct {
	// Responder is a host, address or host:port as the user wrote it (the
	// port, when given, is the stream port).
	Responder  string
	Ports      []uint16 // UDP ports for reachability; nil = DefaultPorts
	StreamPort uint16   // 0 = 8801
	Duration   time.Duration
	PPS        int
	Size       int
	DSCP       int        // 0-63, or -1 for none
	Thresholds Thresholds // zero = ZoomThresholds()
	Key        []byte     // HMAC key shared with the responder; nil = none
	Timeout    time.Duration
	NoRaw      bool
	Guard      probe.AddrGuard
}

// Probe runs a configured check.
type Probe struct {
	cfg  Config
	host string // the responder's host, as given
	// resolve looks the host up; a seam for tests.
	resolve func(ctx context.Context, host string) (probe.Resolution, error)
	// trace places silent ports and DSCP changes; a seam for tests.
	trace tracer
}

// New checks cfg and fills in its defaults; a bad config is an error
// (a usage error for the CLI).
func New(cfg Config) (*Probe, error) {
	host, port, err := splitResponder(cfg.Responder)
	if err != nil {
		return nil, err
	}
	if port != 0 && cfg.StreamPort != 0 && port != cfg.StreamPort {
		return nil, fmt.Errorf("responder %q names port %d but the stream port is %d", cfg.Responder, port, cfg.StreamPort)
	}
	if port != 0 {
		cfg.StreamPort = port
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	return &Probe{cfg: cfg, host: host, resolve: probe.Resolve, trace: netpathTrace}, nil
}

func (c *Config) defaults() error {
	if c.Ports == nil {
		c.Ports = DefaultPorts()
	}
	c.StreamPort = cmpOr(c.StreamPort, DefaultStreamPort)
	if !slices.Contains(c.Ports, c.StreamPort) {
		c.Ports = append(slices.Clone(c.Ports), c.StreamPort)
	}
	c.Duration, c.PPS, c.Size = cmpOr(c.Duration, DefaultDuration), cmpOr(c.PPS, DefaultPPS), cmpOr(c.Size, DefaultSize)
	c.Timeout = cmpOr(c.Timeout, DefaultTimeout)
	if c.Thresholds == (Thresholds{}) {
		c.Thresholds = ZoomThresholds()
	}
	switch {
	case c.Duration < MinDuration || c.Duration > MaxDuration:
		return fmt.Errorf("duration %s outside %s-%s", c.Duration, MinDuration, MaxDuration)
	case c.PPS < MinPPS || c.PPS > MaxPPS:
		return fmt.Errorf("pps %d outside %d-%d", c.PPS, MinPPS, MaxPPS)
	case c.Size < max(MinSize, wire.NewCodec(c.Key).MinLen()) || c.Size > MaxSize:
		return fmt.Errorf("size %d outside %d-%d bytes", c.Size, MinSize, MaxSize)
	case c.DSCP < -1 || c.DSCP > 63:
		return fmt.Errorf("dscp %d outside 0-63 (or -1 for none)", c.DSCP)
	case c.packets() > MaxPackets:
		return fmt.Errorf("a stream of %d packets (duration x pps) is more than %d", c.packets(), MaxPackets)
	}
	return c.Thresholds.Check()
}

func (c *Config) packets() int { return max(1, int(c.Duration.Seconds()*float64(c.PPS))) }

// tos is the TOS byte of the datagrams (DSCP<<2), 0 for none.
func (c *Config) tos() int { return max(c.DSCP, 0) << 2 }

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// splitResponder splits "host", "addr", "[v6]:port", "host:port" or a bare
// IPv6 address.
func splitResponder(s string) (string, uint16, error) {
	if s == "" {
		return "", 0, fmt.Errorf("no responder given")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), 0, nil
	}
	host, ps, err := net.SplitHostPort(s)
	if err != nil {
		if containsAny(s, "[]/ ") {
			return "", 0, fmt.Errorf("responder %q is not a host, address or host:port", s)
		}
		return s, 0, nil
	}
	p, err := strconv.ParseUint(ps, 10, 16)
	if err != nil || p == 0 || host == "" || containsAny(host, "/ ") {
		return "", 0, fmt.Errorf("responder %q: want HOST or HOST:PORT with a port 1-65535", s)
	}
	return host, uint16(p), nil
}

func containsAny(s, chars string) bool {
	for _, c := range chars {
		for _, d := range s {
			if c == d {
				return true
			}
		}
	}
	return false
}

// newSession is a random session id.
func newSession() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}

// Run emits one udp result per port (seq 1..n, in Ports order), then one
// media result. Network failures are results; the error is nil.
func (p *Probe) Run(ctx context.Context, emit report.Emit) error {
	start := time.Now()
	addr, err := p.address(ctx)
	if err != nil {
		p.emitUnreached(emit, err, time.Since(start))
		return nil
	}
	ports := p.reachAll(ctx, addr)
	for i, r := range ports {
		emit(i+1, p.udpResult(addr, r))
	}
	emit(len(ports)+1, p.mediaResult(ctx, addr, ports))
	return nil
}

// address resolves the responder (the first address: IPv4 before IPv6)
// and applies the guard.
func (p *Probe) address(ctx context.Context) (netip.Addr, error) {
	a, err := netip.ParseAddr(p.host)
	if err != nil {
		res, rerr := p.resolve(ctx, p.host)
		if rerr != nil {
			return netip.Addr{}, &resolveError{rerr}
		}
		a = res.Addrs[0]
	}
	a = a.Unmap()
	if p.cfg.Guard != nil {
		if gerr := p.cfg.Guard.Check(netip.AddrPortFrom(a, p.cfg.StreamPort).String()); gerr != nil {
			return a, gerr
		}
	}
	return a, nil
}

// resolveError marks a failed lookup of the responder.
type resolveError struct{ err error }

func (e *resolveError) Error() string { return e.err.Error() }
func (e *resolveError) Unwrap() error { return e.err }
