package netpath

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/roompath/roompath/report"
)

// DefaultTraceTimeout bounds each TTL's probe. Every TTL is probed at once,
// so it also bounds the whole trace. It is long enough to see the ICMP
// host-unreachable that follows a failed ARP or ND resolution (Linux gives
// up after three solicitations one second apart).
const DefaultTraceTimeout = 3500 * time.Millisecond

// DefaultMaxHops is the highest TTL probed by default, as in traceroute.
const DefaultMaxHops = 30

// MaxHopsLimit is the largest TTL an IP header can carry.
const MaxHopsLimit = 255

// Trace modes: how the hops were read.
const (
	// TraceModeRecvErr: hops from ICMP errors in each socket's error queue
	// (IP_RECVERR), unprivileged (Linux).
	TraceModeRecvErr = "recverr"
	// TraceModeRaw: as TraceModeRecvErr, plus a raw socket (CAP_NET_RAW)
	// that read the IP TTL of the resets and SYN-ACKs, for Trace.Reset and
	// Trace.SynAck.
	TraceModeRaw = "raw"
	// TraceModeConnect: only each connect's outcome (errno) per TTL; the
	// routers' addresses are not seen (platforms without an error queue).
	TraceModeConnect = "connect"
)

// TraceConfig configures a TCP trace. The zero value is usable.
type TraceConfig struct {
	// MaxHops is the highest TTL probed; zero means DefaultMaxHops.
	MaxHops int
	// Timeout bounds each TTL's probe; zero means DefaultTraceTimeout.
	Timeout time.Duration
	// NoRaw keeps the trace from opening a raw socket even when it could
	// (Trace.Reset and Trace.SynAck then stay nil, with a note saying
	// why).
	NoRaw bool
}

// ResetEvidence is what the IP header of a TCP reset (or SYN-ACK) says
// about its sender.
type ResetEvidence struct {
	// TTL is the IP TTL (IPv6 hop limit) the reset arrived with.
	TTL int `json:"ttl"`
	// InitialTTL is the sender's inferred initial TTL: 64, 128 or 255 (32
	// for very old stacks).
	InitialTTL int `json:"initial_ttl"`
	// Hop is the sender's inferred distance in hops (1: on-link):
	// InitialTTL - TTL + 1.
	Hop int `json:"hop"`
}

// Trace is the outcome of a TCP trace toward one address and port.
type Trace struct {
	// Mode is one of the TraceMode* constants.
	Mode string
	// Hops lists every TTL probed, in order, up to the first terminal reply
	// (a SYN-ACK, a reset, an unreachable, a local error); higher TTLs say
	// nothing more and are left out.
	Hops []Hop
	// Summary is what the hops say about the path.
	Summary PathSummary
	// Reset is set when the terminal reply was a reset and its IP TTL was
	// read (raw mode).
	Reset *ResetEvidence
	// ResetNote says why Reset is nil after a reset: no CAP_NET_RAW, or the
	// reset was not captured.
	ResetNote string
	// SynAck is set when the terminal reply was a SYN-ACK and its IP TTL
	// was read (raw mode): the hop distance of whatever completed the
	// handshake, to hold against the TTL the SYN needed.
	SynAck *ResetEvidence
	// SynAckNote says why SynAck is nil after a SYN-ACK (the ResetNote*
	// texts).
	SynAckNote string
	// Sent is the number of probes sent (one per TTL launched).
	Sent int
	// Duration is the trace's wall time.
	Duration time.Duration
	// Interrupted is true when the caller's context ended the trace early;
	// the hops still pending are reported as silent.
	Interrupted bool
}

// ttlProbe is one TTL's probe in flight: the SYN has been sent.
type ttlProbe interface {
	// wait blocks until the probe ends, ctx ends or deadline passes, and
	// returns the hop (Reply ReplyNone on silence). It closes the socket.
	// A probe that checks what follows a SYN-ACK first hands the SYN-ACK
	// to early, so the trace knows the TTL answered while it checks.
	wait(ctx context.Context, deadline time.Time, early func(Hop)) Hop
	// localPort is the probe's local TCP port (0 if none was bound).
	localPort() uint16
}

// resetCapture collects the resets and SYN-ACKs dst sends to this host's
// probes.
type resetCapture interface {
	// stop ends the capture and returns, for each local port, the IP TTL
	// of the first reset and of the first SYN-ACK seen.
	stop() map[uint16]captured
}

// Tracer runs TCP traces: for every TTL from 1 to MaxHops at once, a TCP
// connect to the destination with that TTL, whose outcome names the hop.
type Tracer struct {
	cfg TraceConfig
	// start sends one TTL's SYN; a seam for tests.
	start func(dst netip.AddrPort, ttl int) ttlProbe
	// capture opens the raw reset capture before the first SYN; it returns
	// a note instead when it cannot (a seam for tests).
	capture func(dst netip.AddrPort) (resetCapture, string)
	// mode is the TraceMode* of start.
	mode string
}

// NewTracer returns a Tracer for cfg.
func NewTracer(cfg TraceConfig) *Tracer {
	if cfg.MaxHops <= 0 {
		cfg.MaxHops = DefaultMaxHops
	}
	cfg.MaxHops = min(cfg.MaxHops, MaxHopsLimit)
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTraceTimeout
	}
	t := &Tracer{cfg: cfg, start: startTTLProbe, capture: openResetCapture, mode: traceMode}
	if cfg.NoRaw {
		t.capture = func(netip.AddrPort) (resetCapture, string) { return nil, ResetNoteDisabled }
	}
	return t
}

// Run traces the path to dst. It sends one SYN per TTL, in TTL order and
// without waiting in between, then waits for all of them at once; it stops
// as soon as a TTL got a terminal reply and every lower TTL has ended. It
// never fails: a probe that could not be sent is a hop with ReplyLocalError.
func (t *Tracer) Run(ctx context.Context, dst netip.AddrPort) Trace {
	begin := time.Now()
	tr := Trace{Mode: t.mode}
	capt, note := t.capture(dst)
	if capt != nil {
		tr.Mode = TraceModeRaw
	}
	hops, ports, interrupted := t.probeAll(ctx, dst)
	tr.Sent, tr.Interrupted = len(hops), interrupted
	tr.Hops, tr.Summary = Summarize(hops)
	var got map[uint16]captured
	if capt != nil {
		got = capt.stop()
	}
	tr.Reset, tr.ResetNote = resetOf(tr.Summary.Terminal, ports, got, note)
	tr.SynAck, tr.SynAckNote = synAckOf(tr.Summary.Terminal, ports, got, note)
	tr.Duration = time.Since(begin)
	return tr
}

// probeAll launches every TTL in order, then collects the hops until the
// trace is decided. ports maps TTL to local port.
func (t *Tracer) probeAll(parent context.Context, dst netip.AddrPort) ([]Hop, map[int]uint16, bool) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	results := make(chan Hop, 2*t.cfg.MaxHops) // a hop, and maybe its early SYN-ACK
	ports := map[int]uint16{}
	var wg sync.WaitGroup
	for ttl := 1; ttl <= t.cfg.MaxHops && ctx.Err() == nil; ttl++ {
		p := t.start(dst, ttl)
		ports[ttl] = p.localPort()
		deadline := time.Now().Add(t.cfg.Timeout)
		early := func(h Hop) { h.pending = true; results <- fromDst(h, dst.Addr()) }
		wg.Go(func() { results <- fromDst(p.wait(ctx, deadline, early), dst.Addr()) })
	}
	go func() { wg.Wait(); close(results) }()
	hops := collectHops(results, len(ports), cancel)
	interrupted := parent.Err() != nil && !decided(hops)
	return fillSilent(hops, len(ports)), ports, interrupted
}

// fromDst names the destination as the sender of a SYN-ACK or a reset:
// they come in its name (whoever really sent them).
func fromDst(h Hop, dst netip.Addr) Hop {
	if (h.Reply == ReplySynAck || h.Reply == ReplyRST) && h.Address == nil {
		a := dst.Unmap().String()
		h.Address = &a
	}
	return h
}

// resetOf finds the IP TTL of the terminal reset, if there was one: a
// reset in answer to the SYN, or one right after a SYN-ACK.
func resetOf(term *Hop, ports map[int]uint16, got map[uint16]captured, note string) (*ResetEvidence, string) {
	if term == nil || (term.Reply != ReplyRST && term.AfterHandshake != AfterHandshakeReset) {
		return nil, ""
	}
	return ttlOf(term, ports, got, note, func(c captured) int { return c.rst })
}

// synAckOf finds the IP TTL of the terminal SYN-ACK, if there was one.
func synAckOf(term *Hop, ports map[int]uint16, got map[uint16]captured, note string) (*ResetEvidence, string) {
	if term == nil || term.Reply != ReplySynAck {
		return nil, ""
	}
	return ttlOf(term, ports, got, synAckNote(note), func(c captured) int { return c.synAck })
}

// ttlOf reads one kind of captured TTL for the terminal TTL's port, or,
// failing that, for another TTL's probe (the same sender answered it).
func ttlOf(term *Hop, ports map[int]uint16, got map[uint16]captured, note string, kind func(captured) int) (*ResetEvidence, string) {
	if note != "" {
		return nil, note
	}
	if ttl := kind(got[ports[term.TTL]]); ttl != 0 {
		return ResetFromTTL(ttl), ""
	}
	for _, c := range got {
		if ttl := kind(c); ttl != 0 {
			return ResetFromTTL(ttl), ""
		}
	}
	return nil, ResetNoteMissed
}

// Notes on a reset whose IP TTL was not read.
const (
	ResetNoteNoCap    = "no CAP_NET_RAW: the IP TTL of the reset was not read, so a firewall's forged reset cannot be told from the room's own (run as root or give the binary cap_net_raw)"
	ResetNoteDisabled = "raw sockets turned off: the IP TTL of the reset was not read"
	ResetNoteMissed   = "the raw socket did not capture it"
	ResetNotePlatform = "this platform's build does not read the IP TTL of a reset"
)

// Notes on a SYN-ACK whose IP TTL was not read (Trace.SynAckNote, and the
// TCP probe's HandshakeCapture).
const (
	SynAckNoteNoCap    = "no CAP_NET_RAW: the IP TTL of the SYN-ACK (and of a reset after it) was not read, so the device that answered is not placed (run as root or give the binary cap_net_raw)"
	SynAckNoteDisabled = "raw sockets turned off: the IP TTL of the SYN-ACK was not read"
	SynAckNotePlatform = "this platform's build does not read the IP TTL of a SYN-ACK"
)

// synAckNote is the SynAckNote* text for a ResetNote* one.
func synAckNote(note string) string {
	switch note {
	case ResetNoteNoCap:
		return SynAckNoteNoCap
	case ResetNoteDisabled:
		return SynAckNoteDisabled
	case ResetNotePlatform:
		return SynAckNotePlatform
	}
	return note
}

// initialTTLs are the initial TTLs stacks use: very old stacks 32, Linux
// and macOS 64, Windows 128, routers and many appliances 255.
var initialTTLs = []int{32, 64, 128, 255}

// ResetFromTTL infers the sender's initial TTL and hop distance from the
// TTL a packet arrived with: the smallest common initial TTL not below it.
func ResetFromTTL(ttl int) *ResetEvidence {
	ttl = max(min(ttl, 255), 1)
	initial := 255
	for _, i := range initialTTLs {
		if ttl <= i {
			initial = i
			break
		}
	}
	return &ResetEvidence{TTL: ttl, InitialTTL: initial, Hop: initial - ttl + 1}
}

// rttMS is a hop's RTT for the report.
func rttMS(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	return report.Float(report.MS(d))
}
