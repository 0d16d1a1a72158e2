package netpath

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// ReplyUDP: the destination answered the trace's datagram with one of its
// own (whatever the payload meant to it). It ends a UDP trace as a
// terminal reply would: higher TTLs reach the same answer.
const ReplyUDP = "udp_reply"

// DefaultUDPTracePayload is the payload size of a UDP trace's datagrams
// when UDPTraceConfig.Payload is nil: 32 zero bytes, which a roompath
// responder drops unanswered (not its protocol).
const DefaultUDPTracePayload = 32

// MaxUDPTracePayload is the largest payload a UDP trace sends: small
// enough that no path fragments it (1280-byte IPv6 minimum MTU less
// headers).
const MaxUDPTracePayload = 1200

// TOSDSCPMask selects the DSCP bits of a TOS or traffic-class byte. A UDP
// trace compares only them: the two ECN bits may change on the way (a
// router marks congestion) without anyone re-marking the traffic.
const TOSDSCPMask = 0xfc

// Notes on missing TOS evidence (UDPTrace.TOSNote).
const (
	TOSNoteNoCap    = "no CAP_NET_RAW: the TOS the routers' ICMP quotes carry was not read, so where the DSCP mark changes is not placed (run as root or give the binary cap_net_raw)"
	TOSNoteDisabled = "raw sockets turned off: the TOS of the routers' ICMP quotes was not read"
	TOSNoteNoQuotes = "no hop's ICMP quote was captured, so the TOS the path delivers is not known"
	TOSNotePlatform = "this platform's build does not read the TOS of ICMP quotes"
	// TOSNoteHidden is a format: the first TTL whose quote showed another
	// DSCP, when no lower hop quoted the one sent.
	TOSNoteHidden = "the DSCP had changed by hop %d, whose quote is the first read; the silent hops below it hide where"
)

// ErrUDPTracePlatform is TraceUDP's error on platforms without a socket
// error queue.
var ErrUDPTracePlatform = errors.New("this platform's build does not trace UDP: without IP_RECVERR the ICMP time exceeded and unreachable messages toward a UDP socket, and their senders, are not read, so the last hop of a silent UDP port is not placed")

// UDPTraceConfig configures a UDP trace. The zero value is usable.
type UDPTraceConfig struct {
	// MaxHops is the highest TTL probed; zero means DefaultMaxHops (at
	// most MaxHopsLimit).
	MaxHops int
	// Timeout bounds each TTL's probe, and so the trace; zero means
	// DefaultTraceTimeout.
	Timeout time.Duration
	// TOS is the TOS (IPv6 traffic-class) byte the datagrams carry,
	// DSCP<<2 | ECN; zero sends none (0). 0-255.
	TOS int
	// Payload is every datagram's payload; nil means
	// DefaultUDPTracePayload zero bytes. At most MaxUDPTracePayload bytes.
	Payload []byte
	// NoRaw keeps the trace from opening a raw ICMP socket even when it
	// could: Hop.QuotedTOS stays nil, with TOSNoteDisabled.
	NoRaw bool
}

// UDPTrace is the outcome of a UDP trace toward one address and port.
type UDPTrace struct {
	// Mode is TraceModeRecvErr, or TraceModeRaw when a raw ICMP socket also
	// read the TOS of each ICMP quote (Hop.QuotedTOS).
	Mode string
	// Hops lists every TTL probed, in order, up to the first terminal
	// reply: time_exceeded, unreachable (port_unreach from the
	// destination itself), udp_reply, none, local_error.
	Hops []Hop
	// Summary is what the hops say about the path.
	Summary PathSummary
	// TOSChangedAfterHop is the TTL of the last hop whose ICMP quote still
	// carried the DSCP sent, when a later hop's quote shows another (0:
	// the first hop's quote already differs, so this host or its link
	// changed it). Nil when no change was seen: unprivileged, no change,
	// or no quotes.
	TOSChangedAfterHop *int
	// TOSReceived is the TOS byte the farthest quoting hop received, when
	// read.
	TOSReceived *int
	// TOSNote says why the TOS evidence is missing or partial, when it is.
	TOSNote string
	// Sent is the number of datagrams sent (one per TTL launched).
	Sent int
	// Duration is the trace's wall time.
	Duration time.Duration
	// Interrupted is true when ctx ended the trace early; the hops still
	// pending are reported as silent.
	Interrupted bool
}

// quote is what one ICMP error said about a trace datagram: who sent it,
// the local port the datagram came from, and the TOS it arrived with.
type quote struct {
	from      netip.Addr
	localPort uint16
	tos       int
}

// quoteCapture collects the ICMP errors about a trace's datagrams.
type quoteCapture interface {
	// stop ends the capture and returns the quotes read, by local port.
	stop() map[uint16]quote
}

// TraceUDP traces the UDP path to dst: for every TTL from 1 to MaxHops at
// once, a datagram from its own connected socket, whose ICMP errors
// (IP_RECVERR, unprivileged) name the hop. With CAP_NET_RAW a raw ICMP
// socket also reads the TOS each hop's quote carries. A network outcome
// is a hop; the error is for a bad dst or cfg, or a platform that cannot
// trace UDP (ErrUDPTracePlatform).
func TraceUDP(ctx context.Context, dst netip.AddrPort, cfg UDPTraceConfig) (UDPTrace, error) {
	cfg, err := checkUDPTrace(dst, cfg)
	if err != nil {
		return UDPTrace{}, err
	}
	if !udpTraceSupported {
		return UDPTrace{TOSNote: TOSNotePlatform}, ErrUDPTracePlatform
	}
	return traceUDP(ctx, dst, cfg, startUDPProbe, openQuoteCapture)
}

// checkUDPTrace validates dst and cfg and fills in the defaults.
func checkUDPTrace(dst netip.AddrPort, cfg UDPTraceConfig) (UDPTraceConfig, error) {
	if !dst.Addr().IsValid() || dst.Port() == 0 {
		return cfg, fmt.Errorf("udp trace: invalid destination %q", dst)
	}
	if cfg.TOS < 0 || cfg.TOS > 255 {
		return cfg, fmt.Errorf("udp trace: TOS %d out of range 0-255", cfg.TOS)
	}
	if len(cfg.Payload) > MaxUDPTracePayload {
		return cfg, fmt.Errorf("udp trace: payload of %d bytes exceeds %d", len(cfg.Payload), MaxUDPTracePayload)
	}
	if cfg.Payload == nil {
		cfg.Payload = make([]byte, DefaultUDPTracePayload)
	}
	return cfg, nil
}

// udpStart sends one TTL's datagram; a seam for tests.
type udpStart func(dst netip.AddrPort, ttl int, cfg UDPTraceConfig) ttlProbe

// traceUDP runs the trace with the given probe and capture constructors,
// reusing the TCP trace's collection (Tracer.probeAll).
func traceUDP(ctx context.Context, dst netip.AddrPort, cfg UDPTraceConfig, start udpStart,
	capture func(netip.AddrPort) (quoteCapture, string)) (UDPTrace, error) {
	begin := time.Now()
	tr := UDPTrace{Mode: TraceModeRecvErr}
	t := NewTracer(TraceConfig{MaxHops: cfg.MaxHops, Timeout: cfg.Timeout})
	t.start = func(d netip.AddrPort, ttl int) ttlProbe { return start(d, ttl, cfg) }
	capt, note := (quoteCapture)(nil), TOSNoteDisabled
	if !cfg.NoRaw {
		capt, note = capture(dst)
	}
	if capt != nil {
		tr.Mode = TraceModeRaw
	}
	hops, ports, interrupted := t.probeAll(ctx, dst)
	tr.Sent, tr.Interrupted = len(hops), interrupted
	if capt != nil {
		addQuotedTOS(hops, ports, capt.stop())
	}
	tr.Hops, tr.Summary = summarizeUDP(hops)
	tr.TOSChangedAfterHop, tr.TOSReceived, tr.TOSNote = tosEvidence(tr.Hops, cfg.TOS, note)
	tr.Duration = time.Since(begin)
	return tr, nil
}

// summarizeUDP is Summarize, with a udp_reply ending the path too.
func summarizeUDP(hops []Hop) ([]Hop, PathSummary) {
	byTTL, s := Summarize(hops)
	for i := range byTTL {
		if byTTL[i].Reply == ReplyUDP {
			byTTL, s = Summarize(byTTL[:i+1])
			s.Terminal = &byTTL[i]
			break
		}
	}
	return byTTL, s
}

// addQuotedTOS sets QuotedTOS on the hops whose ICMP error the capture
// read: matched by the probe's local port and the error's sender.
func addQuotedTOS(hops []Hop, ports map[int]uint16, got map[uint16]quote) {
	for i := range hops {
		h := &hops[i]
		q, ok := got[ports[h.TTL]]
		if !ok || ports[h.TTL] == 0 || h.ICMP == nil || h.Addr() != q.from.String() {
			continue
		}
		tos := q.tos
		h.QuotedTOS = &tos
	}
}

// tosEvidence derives where the DSCP changed from the hops' quotes (in TTL
// order): after the last hop that still quoted the DSCP sent, when a later
// one quotes another. note is the capture's note when it did not run.
func tosEvidence(hops []Hop, sent int, note string) (changedAfter, received *int, why string) {
	if note != "" {
		return nil, nil, note
	}
	lastSame, quoted := 0, false
	for _, h := range hops {
		if h.QuotedTOS == nil {
			continue
		}
		tos := *h.QuotedTOS
		received = &tos
		if tos&TOSDSCPMask == sent&TOSDSCPMask {
			lastSame, quoted = h.TTL, true
			continue
		}
		if changedAfter == nil && (quoted || h.TTL == 1) {
			after := lastSame
			changedAfter = &after
		} else if changedAfter == nil && why == "" {
			why = fmt.Sprintf(TOSNoteHidden, h.TTL)
		}
	}
	if received == nil {
		return nil, nil, TOSNoteNoQuotes
	}
	return changedAfter, received, why
}
