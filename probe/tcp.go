package probe

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"strconv"
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
}

// TCP connects to a target and classifies the outcome.
type TCP struct {
	cfg TCPConfig
	// dial runs one attempt; a seam for tests.
	dial func(ctx context.Context, dst netip.AddrPort, timeout time.Duration) attempt
	// route looks up the local route after a synchronous failure.
	route func(netip.Addr) (netpath.Route, error)
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
	return &TCP{cfg: cfg, dial: dialTCP, route: netpath.LookupRoute}, nil
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
		atts = append(atts, a)
	}
	p.summarise(&res, det, atts)
	res.DurationMS = report.MS(time.Since(start))
	res.Detail = det
	res.Hint = tcpHint(res, det, p.cfg.Timeout)
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
	if final.err != nil {
		res.Status, res.Observed = report.StatusError, vocab.TCPNotRun
		res.Failure, res.Operation = report.Str(Classify(final.err)), report.Str(vocab.OpConnect)
		return
	}
	res.Observed, res.Reason = final.out.observed, final.out.reason
	if final.icmp != nil {
		res.ReportedBy = final.icmp.From
	} else if final.out.observed == vocab.TCPOpen || final.out.observed == vocab.TCPClosed {
		res.ReportedBy = det.Address
	}
	if final.out.failure != "" {
		res.Failure, res.Operation = report.Str(final.out.failure), report.Str(vocab.OpConnect)
	}
	res.RTT, res.RTTMS = rttStats(rtts)
	res.Status = p.status(final.out.observed, det.Intermittent)
}

func (p *TCP) status(observed vocab.Observed, intermittent bool) report.Status {
	open := observed == vocab.TCPOpen
	switch {
	case p.cfg.Expect == ExpectAnswer && (open || observed == vocab.TCPClosed):
		return report.StatusPass
	case p.cfg.Expect == ExpectAnswer:
		return report.StatusWarn
	case p.cfg.Expect == ExpectBlocked && open:
		return report.StatusFail
	case p.cfg.Expect == ExpectBlocked:
		return report.StatusPass
	case open && intermittent:
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

func portName(p uint16) string {
	switch p {
	case 9090:
		return "9090 (Zoom Rooms controller pairing)"
	case 443:
		return "443 (HTTPS)"
	case 8801, 8802:
		return strconv.Itoa(int(p)) + " (Zoom media over TCP)"
	case 8888:
		return "8888 (direct share)"
	case 2244:
		return "2244 (Zoom Rooms control API)"
	}
	return strconv.Itoa(int(p))
}

// tcpHint says, in one or two sentences, what a failed result means and
// what to do about it.
func tcpHint(res report.Result, det *TCPDetail, timeout time.Duration) string {
	if res.Status == report.StatusPass && res.Expect != ExpectBlocked {
		return ""
	}
	if res.Expect == ExpectBlocked && res.Status == report.StatusPass {
		return ""
	}
	addr, port, by := det.Address, portName(det.Port), res.ReportedBy
	switch res.Reason {
	case vocab.ReasonSynAck:
		if res.Expect == ExpectBlocked {
			return fmt.Sprintf("%s accepts TCP %s from here although it must not: the segmentation (ACL, firewall, Wi-Fi policy) between this network and %s is missing.", addr, port, addr)
		}
		if det.Intermittent {
			return fmt.Sprintf("%s accepted TCP %s only on some attempts: look for packet loss, a flapping path, or a host or firewall rate-limiting new connections.", addr, port)
		}
	case vocab.ReasonNoResponse:
		return fmt.Sprintf("Nothing answered the SYN to %s TCP %s within %s: a firewall or ACL on the path drops it silently. If %s answers other traffic (ping, another port), the filter is specific to this port; run pathcheck %s to find the hop where it dies.", addr, port, timeout, addr, addr)
	case vocab.ReasonConnRefused:
		why := "nothing listens on " + port
		if det.Port == 9090 {
			why = "nothing listens on 9090: the Zoom Rooms app is not running or not ready"
		}
		return fmt.Sprintf("%s answered with a TCP reset: the host is up but %s; or a firewall that rejects with a forged reset stands in between (pathcheck names the hop that sent it).", addr, why)
	case vocab.ReasonAdminProhibited:
		return fmt.Sprintf("%s rejected TCP %s to %s with %s (administratively prohibited): an ACL or firewall on %s refuses this traffic; ask for a permit from this subnet to %s TCP %d on that device.", by, port, addr, det.ICMP, by, addr, det.Port)
	case vocab.ReasonPortUnreach:
		return fmt.Sprintf("%s answered ICMP port unreachable for TCP %s: a firewall rule that rejects (such as iptables REJECT) refuses this port on %s or on the path.", by, port, by)
	case vocab.ReasonHostUnreach:
		if det.NeighborFailed {
			return fmt.Sprintf("%s is on this host's own subnet but did not answer ARP/ND: the room is off or unplugged, has another address or VLAN, or Wi-Fi client isolation (no hairpinning on the AP) keeps this client from wired hosts.", addr)
		}
		return fmt.Sprintf("%s reports host unreachable: it has a route toward %s but the host does not answer ARP/ND there; the room is off, unplugged, on another VLAN, or has another address.", dash(by), addr)
	case vocab.ReasonNetUnreach:
		return fmt.Sprintf("%s reports network unreachable: it has no route to %s's subnet; add the route (or fix the redistribution) on %s or upstream.", dash(by), addr, dash(by))
	case vocab.ReasonTTLExceeded:
		return fmt.Sprintf("The SYN to %s expired in transit (reported by %s): a routing loop between routers on the path.", addr, dash(by))
	case vocab.ReasonParameterProblem:
		return fmt.Sprintf("%s answered the SYN to %s with an ICMP parameter problem: a device on the path could not parse the packet (odd IP options, a broken middlebox).", dash(by), addr)
	case vocab.ReasonNoRoute:
		return fmt.Sprintf("This host's routing table has no usable route to %s (route type %s): fix the local route, the VPN's split-tunnel list, or the interface addressing before testing further.", addr, det.RouteType)
	case vocab.ReasonLocalPolicy:
		return fmt.Sprintf("A firewall on this host refused to send to %s TCP %s: check the local firewall (nftables/iptables, endpoint-security software).", addr, port)
	}
	if res.Status == report.StatusError {
		return "The probe could not be run: " + dash(derefStr(res.Failure)) + "."
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "a router"
	}
	return s
}

func derefStr[T ~string](s *T) string {
	if s == nil {
		return ""
	}
	return string(*s)
}
