package probe

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultTCPTimeout is long enough to see the ICMP host-unreachable that
// follows a failed ARP or ND resolution: Linux gives up after three
// solicitations one second apart, so about 3 s.
const DefaultTCPTimeout = 3500 * time.Millisecond

// Expectations a TCP check can be held to.
const (
	ExpectOpen = "open"
	// ExpectBlocked passes on anything but open: a must-not-reach check.
	ExpectBlocked = "blocked"
	// ExpectAnswer passes when the host answers at all (open or closed)
	// and warns otherwise: a control measurement beside the real check.
	ExpectAnswer = "answer"
)

// TCPConfig configures a TCP connect probe. The zero value is usable.
type TCPConfig struct {
	// Timeout bounds each attempt; zero means DefaultTCPTimeout.
	Timeout time.Duration
	// Attempts is the number of tries per target; zero means 1.
	Attempts int
	// Expect is ExpectOpen (the default, when empty), ExpectBlocked or
	// ExpectAnswer.
	Expect string
	// Target is what Run probes; a Sweep probes its own targets and
	// ignores it.
	Target TCPTarget
	// NoRaw keeps the probe from opening a raw socket even with
	// CAP_NET_RAW: a handshake found to come from a middlebox is then not
	// located by IP TTL (detail.handshake_check stays post_handshake).
	NoRaw bool
}

// MaxTCPAttempts bounds TCPConfig.Attempts.
const MaxTCPAttempts = 100

// TCPTarget is one address and port to probe.
type TCPTarget struct {
	// Addr and Port are where to connect.
	Addr netip.Addr
	Port uint16
	// Name is what the user wrote: a hostname, or empty for a literal
	// address.
	Name string
	// Via is the resolver whose answer gave Addr for Name
	// (Resolution.Via); empty for a literal address.
	Via string
}

// String renders the target as the user would write it.
func (t TCPTarget) String() string {
	ap := netip.AddrPortFrom(t.Addr, t.Port).String()
	if t.Name != "" && t.Name != t.Addr.String() {
		return t.Name + " (" + ap + ")"
	}
	return ap
}

// TCPDetail is the evidence of a TCP result.
type TCPDetail struct {
	// Address and Port are where the probe connected.
	Address string `json:"address"`
	Port    uint16 `json:"port"`
	// Name is the hostname the address belongs to; empty for a literal
	// address.
	Name string `json:"name,omitempty"`
	// ResolvedVia is the resolver whose answer gave Address for Name
	// (probe.ViaSystem for the hosts file or the platform's resolver);
	// empty for a literal address.
	ResolvedVia string `json:"resolved_via,omitempty"`
	// Mode is how errors were read: "recverr" (Linux, ICMP from the socket
	// error queue) or "errno" (elsewhere: errno only).
	Mode string `json:"mode"`
	// ICMP is the last ICMP error that ended an attempt, if any.
	ICMP *ICMP `json:"icmp,omitempty"`
	// RouteType is set for no_route: unreachable, prohibit, blackhole or none.
	RouteType string `json:"route_type,omitempty"`
	// NeighborFailed is true when this host's own ARP/ND resolution failed.
	NeighborFailed bool `json:"neighbor_failed,omitempty"`
	// Intermittent is true when attempts disagreed.
	Intermittent bool `json:"intermittent,omitempty"`
	// Undistinguished lists what this platform could not tell apart.
	Undistinguished []string `json:"undistinguished,omitempty"`
	// HandshakeCheck says how the probe judged who completed the
	// handshake, when one did (empty otherwise): HandshakeCheckPost,
	// HandshakeCheckRawTTL or HandshakeCheckResetOnly.
	HandshakeCheck string `json:"handshake_check,omitempty"`
	// AfterHandshake is what followed the last completed handshake
	// (netpath.AfterHandshake*: acked, reset, silent, unconfirmed); empty
	// when none completed or the platform could not tell.
	AfterHandshake string `json:"after_handshake,omitempty"`
	// AfterHandshakeMS is how long the probe watched the socket after that
	// handshake.
	AfterHandshakeMS *float64 `json:"after_handshake_ms,omitempty"`
	// ZeroWindow is true when the far end still offered no receive window
	// when the watch ended: a SYN proxy offers none until the room behind
	// it answers.
	ZeroWindow bool `json:"zero_window,omitempty"`
	// SynAck is the IP TTL evidence of the SYN-ACK (raw_ttl only): the
	// hop distance of whatever completed the handshake.
	SynAck *netpath.ResetEvidence `json:"syn_ack,omitempty"`
	// Reset is the IP TTL evidence of the reset that followed the
	// handshake (raw_ttl only).
	Reset *netpath.ResetEvidence `json:"reset,omitempty"`
	// HandshakeNote says what the handshake check could not tell; empty
	// when it has nothing to add.
	HandshakeNote string `json:"handshake_note,omitempty"`
}

// How a TCP probe judged who completed a handshake
// (TCPDetail.HandshakeCheck).
const (
	// HandshakeCheckPost: what followed the SYN-ACK on the probe's own
	// socket, unprivileged: it sent a FIN (no data reaches the room's
	// application, which sees the end of stream it would see anyway) and
	// watched for the far end's acknowledgement (TCP_INFO) or a reset.
	HandshakeCheckPost = "post_handshake"
	// HandshakeCheckRawTTL: that, and, when it found a middlebox, one more
	// connect whose SYN-ACK and reset were read with a raw socket
	// (CAP_NET_RAW) to place their senders by IP TTL.
	HandshakeCheckRawTTL = "raw_ttl"
	// HandshakeCheckResetOnly: platforms without TCP_INFO: only a reset
	// right after the handshake is seen, not a far end that stays silent.
	HandshakeCheckResetOnly = "reset_only"
)

// TCP connects to a target and classifies the outcome.
type TCP struct {
	cfg TCPConfig
	// dial runs one attempt; a seam for tests.
	dial func(ctx context.Context, dst netip.AddrPort, timeout time.Duration) attempt
	// route looks up the local route after a synchronous failure.
	route func(netip.Addr) (netpath.Route, error)
	// locate connects once more with a raw capture open, after a
	// middlebox was found (wantReset: wait for the reset too).
	locate func(ctx context.Context, dst netip.AddrPort, timeout time.Duration, wantReset bool) located
	// hints words each distinct hint of a sweep once.
	hints hintCache
}

// located is what the raw capture of one more connect read: the IP TTL
// evidence of its SYN-ACK and of the reset after it, or a note saying why
// there is none.
type located struct {
	synAck, reset *netpath.ResetEvidence
	note          string
}

// attempt is what one connect produced.
type attempt struct {
	out      outcome
	icmp     *ICMP
	rtt      time.Duration // zero when nothing answered
	duration time.Duration
	// syncErr is true when connect failed before anything was sent, so the
	// local routing table should be consulted.
	syncErr bool
	// err is set when the attempt could not be made (e.g. out of fds).
	err error
	// after is what followed a completed handshake
	// (netpath.AfterHandshake*); empty when none completed or the
	// platform cannot tell. checked says whether it was looked at.
	after   string
	checked bool
	// waited is how long the probe watched the socket after the
	// handshake; zeroWindow whether the far end still offered no window.
	waited     time.Duration
	zeroWindow bool
}

// NewTCP returns a TCP connect probe.
func NewTCP(cfg TCPConfig) (*TCP, error) {
	switch {
	case cfg.Attempts < 0 || cfg.Attempts > MaxTCPAttempts:
		return nil, fmt.Errorf("attempts must be 1-%d, got %d", MaxTCPAttempts, cfg.Attempts)
	case cfg.Expect != "" && cfg.Expect != ExpectOpen && cfg.Expect != ExpectBlocked && cfg.Expect != ExpectAnswer:
		return nil, fmt.Errorf("expect must be open, blocked or answer, got %q", cfg.Expect)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTCPTimeout
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 1
	}
	if cfg.Expect == "" {
		cfg.Expect = ExpectOpen
	}
	return &TCP{cfg: cfg, dial: dialTCP, route: netpath.LookupRoute, locate: locateHandshake}, nil
}

// Run probes the configured target and emits its one result (seq 0):
// every outcome, including "could not try", is a result.
func (p *TCP) Run(ctx context.Context, emit report.Emit) {
	emit(0, p.probe(ctx, p.cfg.Target))
}

// probe probes t and returns its result.
func (p *TCP) probe(ctx context.Context, t TCPTarget) report.Result {
	start := time.Now()
	dst := netip.AddrPortFrom(t.Addr.Unmap(), t.Port)
	res := report.Result{
		ID: "tcp/" + dst.String(), Check: vocab.CheckTCP, Target: t.String(), Expect: p.cfg.Expect, Layer: vocab.LayerTransport,
	}
	det := &TCPDetail{Address: dst.Addr().String(), Port: t.Port, Name: t.Name, ResolvedVia: t.Via, Mode: tcpMode, Undistinguished: tcpUndistinguished}
	var atts []attempt
	for i := 0; i < p.cfg.Attempts && ctx.Err() == nil; i++ {
		a := p.dial(ctx, dst, p.cfg.Timeout)
		if a.syncErr {
			p.refineLocal(&a, dst.Addr(), det)
		}
		if a.out.reason == vocab.ReasonHandshakeByMiddlebox && det.HandshakeCheck != HandshakeCheckRawTTL {
			p.locateAnswerer(ctx, dst, &a, det)
		}
		atts = append(atts, a)
	}
	p.summarise(&res, det, atts)
	res.DurationMS = report.MS(time.Since(start))
	res.Detail = det
	res.Hint = p.hints.hint(res, det, p.cfg.Timeout)
	return res
}

// refineLocal consults the routing table after a connect that failed before
// a packet left: an unusable route makes it no_route.
func (p *TCP) refineLocal(a *attempt, dst netip.Addr, det *TCPDetail) {
	r, err := p.route(dst)
	if err != nil || r.Usable() {
		return
	}
	a.out = classifyConnectFailure(a.out.failure, true)
	det.RouteType = r.Type
}

// summarise folds attempts into the result: open if any attempt connected,
// else the last attempt's outcome.
func (p *TCP) summarise(res *report.Result, det *TCPDetail, atts []attempt) {
	if len(atts) == 0 {
		res.Status, res.Observed = report.StatusError, vocab.TCPNotRun
		res.SetFailure(vocab.FailureInterrupted, vocab.OpConnect)
		return
	}
	final, rtts := foldAttempts(res, det, atts)
	if final.err != nil {
		res.Status, res.Observed = report.StatusError, vocab.TCPNotRun
		res.Failure, res.Operation = report.Str(Classify(final.err)), report.Str(vocab.OpConnect)
		return
	}
	fillHandshake(det, final)
	res.Observed, res.Reason = final.out.observed, final.out.reason
	if final.icmp != nil {
		res.ReportedBy = final.icmp.From
	} else if (final.out.observed == vocab.TCPOpen || final.out.observed == vocab.TCPClosed) && final.out.reason != vocab.ReasonHandshakeByMiddlebox {
		res.ReportedBy = det.Address // a middlebox answered in its name: who is not known
	}
	if final.out.failure != "" {
		res.Failure, res.Operation = report.Str(final.out.failure), report.Str(vocab.OpConnect)
	}
	res.RTT, res.RTTMS = rttStats(rtts)
	res.Status = p.status(final, det.Intermittent)
}

// foldAttempts records every attempt in res and det and picks the one the
// result reports: the last, or an open one.
func foldAttempts(res *report.Result, det *TCPDetail, atts []attempt) (attempt, []float64) {
	final := atts[len(atts)-1]
	var rtts []float64
	for i, a := range atts {
		if a.out.observed == vocab.TCPOpen && final.out.observed != vocab.TCPOpen {
			final = a
		}
		if a.out.observed != atts[0].out.observed {
			det.Intermittent = true
		}
		if a.icmp != nil {
			det.ICMP = a.icmp
			det.NeighborFailed = a.icmp.Local && a.out.reason == vocab.ReasonHostUnreach
		}
		ra := report.Attempt{N: i + 1, Observed: a.out.observed, Reason: a.out.reason, DurationMS: report.MS(a.duration)}
		if a.out.failure != "" {
			ra.Failure = report.Str(a.out.failure)
		}
		if a.icmp != nil {
			ra.ReportedBy = a.icmp.From
		}
		if a.rtt > 0 {
			ra.RTTMS = report.Float(report.MS(a.rtt))
			rtts = append(rtts, *ra.RTTMS)
		}
		res.Attempts = append(res.Attempts, ra)
	}
	return final, rtts
}

// status is the result's status: a middlebox's handshake never passes (a
// warning for a must-not-reach check, whose room may still be cut off),
// nor does an open port whose far end was not waited for long enough.
func (p *TCP) status(final attempt, intermittent bool) report.Status {
	observed, unconfirmed := final.out.observed, final.after == netpath.AfterHandshakeUnconfirmed
	open := observed == vocab.TCPOpen
	switch {
	case observed == vocab.TCPNotRun:
		return report.StatusError
	case final.out.reason == vocab.ReasonHandshakeByMiddlebox && p.cfg.Expect == ExpectBlocked:
		return report.StatusWarn
	case final.out.reason == vocab.ReasonHandshakeByMiddlebox:
		return report.StatusFail
	case p.cfg.Expect == ExpectAnswer && (open || observed == vocab.TCPClosed) && !unconfirmed:
		return report.StatusPass
	case p.cfg.Expect == ExpectAnswer:
		return report.StatusWarn
	case p.cfg.Expect == ExpectBlocked && open:
		return report.StatusFail
	case p.cfg.Expect == ExpectBlocked:
		return report.StatusPass
	case open && (intermittent || unconfirmed):
		return report.StatusWarn
	case open:
		return report.StatusPass
	}
	return report.StatusFail
}

// rttStats summarises answered attempts; the headline RTT is the minimum,
// the least disturbed by queuing.
func rttStats(ms []float64) (*report.RTTStats, *float64) {
	if len(ms) == 0 {
		return nil, nil
	}
	s := report.RTTStats{Count: len(ms), MinMS: ms[0], MaxMS: ms[0]}
	var sum float64
	for _, v := range ms {
		s.MinMS, s.MaxMS = math.Min(s.MinMS, v), math.Max(s.MaxMS, v)
		sum += v
	}
	s.AvgMS = sum / float64(len(ms))
	var sq float64
	for _, v := range ms {
		sq += (v - s.AvgMS) * (v - s.AvgMS)
	}
	s.StddevMS = round3(math.Sqrt(sq / float64(len(ms))))
	s.AvgMS = round3(s.AvgMS)
	return &s, report.Float(s.MinMS)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
