package responder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
)

// Defaults of UDPConfig's limits.
const (
	// DefaultUDPRate is the datagrams per second answered per source
	// address: mediacheck's highest --pps with room to spare.
	DefaultUDPRate = 1200
	// DefaultUDPBurst is how many datagrams a source may send at once
	// above its rate.
	DefaultUDPBurst = 200
	// DefaultUDPSources caps the sources tracked at once; a new source
	// past it is dropped until idle ones expire.
	DefaultUDPSources = 4096
	// udpSourceIdle forgets a source silent this long.
	udpSourceIdle = 30 * time.Second
)

// UDPConfig holds the UDP reflector's settings; zero fields take the
// defaults.
type UDPConfig struct {
	// Key is the HMAC key of the mediacheck protocol; nil answers unkeyed
	// datagrams only, a key only datagrams signed with it.
	Key []byte
	// Rate and Burst bound the datagrams answered per second per source
	// address (DefaultUDPRate, DefaultUDPBurst).
	Rate, Burst int
	// MaxSources caps the source addresses tracked (DefaultUDPSources).
	MaxSources int
	// Log receives one line per new session of a source (never contents).
	Log io.Writer
}

func (c *UDPConfig) defaults() {
	if c.Rate <= 0 {
		c.Rate = DefaultUDPRate
	}
	if c.Burst <= 0 {
		c.Burst = DefaultUDPBurst
	}
	if c.MaxSources <= 0 {
		c.MaxSources = DefaultUDPSources
	}
}

// UDPStats counts what a reflector did (for tests and its log): requests
// answered (a reply was sent), datagrams dropped as not the protocol, and
// requests dropped by the rate limit.
type UDPStats struct {
	Answered, Malformed, Limited uint64
}

// Reflector answers the mediacheck protocol on UDP sockets.
type Reflector struct {
	cfg   UDPConfig
	start time.Time
	mu    sync.Mutex
	srcs  map[netip.Addr]*bucket
	stats UDPStats
}

type bucket struct {
	tokens  float64
	last    time.Time
	session uint64
}

// NewReflector returns a reflector with cfg's settings.
func NewReflector(cfg UDPConfig) *Reflector {
	cfg.defaults()
	return &Reflector{cfg: cfg, start: time.Now(), srcs: map[netip.Addr]*bucket{}}
}

// Stats returns the counts so far.
func (r *Reflector) Stats() UDPStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Serve answers on c until ctx ends, then closes c. Each valid request is
// answered once, to its source only, with a reply of the same length; the
// rest is dropped. It returns nil after ctx ends, or the read error that
// stopped it.
func (r *Reflector) Serve(ctx context.Context, c *net.UDPConn) error {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	setRecvOptions(c)
	codec := wire.NewCodec(r.cfg.Key)
	buf, out := make([]byte, wire.MaxLen+1), make([]byte, 0, wire.MaxLen)
	oob, replyOOB := make([]byte, 256), make([]byte, 0, 64)
	for {
		n, oobn, _, src, err := c.ReadMsgUDPAddrPort(buf, oob)
		recv := time.Since(r.start).Nanoseconds()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			continue // a queued ICMP error of an earlier reply: nothing to do
		}
		req, perr := codec.Parse(buf[:n])
		if perr != nil || req.Kind != wire.KindRequest || src.Port() == 0 {
			r.count(func(s *UDPStats) { s.Malformed++ })
			continue
		}
		if !r.admit(src.Addr().Unmap(), req.Session) {
			continue
		}
		info := parseRecvOOB(oob[:oobn])
		out, err = codec.Reply(out[:0], req, n, info.tos, recv, time.Since(r.start).Nanoseconds())
		if err != nil {
			continue
		}
		r.count(func(s *UDPStats) { s.Answered++ })
		_, _, _ = c.WriteMsgUDPAddrPort(out, replyOOBFor(replyOOB[:0], info), src)
	}
}

func (r *Reflector) count(f func(*UDPStats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}

// admit takes a token from src's bucket (a new bucket starts full) and
// logs a new session.
func (r *Reflector) admit(src netip.Addr, session uint64) bool {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.srcs[src]
	if b == nil {
		if len(r.srcs) >= r.cfg.MaxSources {
			r.expire(now)
		}
		if len(r.srcs) >= r.cfg.MaxSources {
			r.stats.Limited++
			return false
		}
		b = &bucket{tokens: float64(r.cfg.Burst), last: now}
		r.srcs[src] = b
	}
	b.tokens = min(float64(r.cfg.Burst), b.tokens+now.Sub(b.last).Seconds()*float64(r.cfg.Rate))
	b.last = now
	if b.tokens < 1 {
		r.stats.Limited++
		return false
	}
	b.tokens--
	if b.session != session {
		b.session = session
		if r.cfg.Log != nil {
			fmt.Fprintf(r.cfg.Log, "%s %s udp-session %016x\n", now.UTC().Format(time.RFC3339), src, session)
		}
	}
	return true
}

func (r *Reflector) expire(now time.Time) {
	for a, b := range r.srcs {
		if now.Sub(b.last) > udpSourceIdle {
			delete(r.srcs, a)
		}
	}
}

// recvInfo is what a datagram's control messages said: the TOS it came
// with (-1 unknown) and the local address it was sent to (to answer from
// it on a wildcard socket).
type recvInfo struct {
	tos     int
	dst     netip.Addr
	ifindex int
}
