package media

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// UDPDetail is the evidence of a udp result.
type UDPDetail struct {
	Port uint16 `json:"port"`
	// LastHop is the last hop that answered the concurrent UDP trace (for
	// a silent port: where the datagrams die beyond); nil when none did.
	LastHop    *netpath.Hop `json:"last_hop"`
	SilentHops []int        `json:"silent_hops"`
	// Mode is how ICMP errors were read: recverr (the socket error queue,
	// unprivileged) or errno (platforms without one).
	Mode      string `json:"mode"`
	TraceNote string `json:"trace_note,omitempty"`
}

// target renders addr:port, the ids' form.
func target(a netip.Addr, port uint16) string {
	return net.JoinHostPort(a.String(), strconv.Itoa(int(port)))
}

// udpResult is the result of one port.
func (p *Probe) udpResult(addr netip.Addr, o portOutcome) report.Result {
	t := target(addr, o.port)
	r := report.Result{ID: "udp/" + t, Check: vocab.CheckUDP, Target: net.JoinHostPort(p.host, strconv.Itoa(int(o.port))),
		Expect: string(vocab.UDPOpen), Observed: o.observed, Reason: o.reason, Layer: vocab.LayerMedia,
		DurationMS: report.MS(o.duration)}
	d := &UDPDetail{Port: o.port, Mode: reachMode, SilentHops: []int{}}
	if o.trace != nil {
		d.LastHop = o.trace.Summary.LastHop
		if o.trace.Summary.SilentHops != nil {
			d.SilentHops = o.trace.Summary.SilentHops
		}
	}
	if o.traceErr != nil {
		d.TraceNote = o.traceErr.Error()
	}
	r.Detail = d
	if o.reportedBy.IsValid() {
		r.ReportedBy = o.reportedBy.String()
	}
	if o.failure != "" {
		r.SetFailure(o.failure, vocab.OpUDPRoundTrip)
	}
	switch {
	case o.observed == vocab.UDPOpen && o.reason == vocab.ReasonEchoed:
		r.Status, r.RTTMS = report.StatusPass, report.Float(report.MS(o.rtt))
	case o.observed == vocab.UDPOpen:
		r.Status = report.StatusWarn
		r.Hint = fmt.Sprintf("Something answers UDP %d in %s's name, but not with a valid mediacheck echo: another service listens there, a device answers for it, or the responder has a --key this run lacks (or not the same one).", o.port, p.host)
	case o.observed == vocab.UDPNotRun:
		r.Status = report.StatusError
	default:
		r.Status = report.StatusFail
		r.Hint = udpHint(o, d, p.host)
	}
	return r
}

// udpHint says what a failed port means and where to look.
func udpHint(o portOutcome, d *UDPDetail, host string) string {
	switch {
	case o.observed == vocab.UDPFiltered && d.LastHop != nil:
		// The row names the port: one wording for every port dropped at
		// the same hop, so a report groups them under one hint.
		return fmt.Sprintf("No answer: the datagrams are dropped after %s (hop %d, the last that answered a UDP trace); a firewall or ACL there (or beyond it) drops these UDP ports, or the responder runs without --udp for them.", d.LastHop.Addr(), d.LastHop.TTL)
	case o.observed == vocab.UDPFiltered:
		return "No answer, and no hop of a UDP trace answered: a firewall drops these UDP ports, or the responder runs without --udp for them (or with a --key this run lacks)."
	case o.fromResponder && o.reason == vocab.ReasonAdminProhibited:
		return fmt.Sprintf("%s itself rejected UDP %d (admin_prohibited): the path passes, but its own host firewall refuses the port.", host, o.port)
	case o.fromResponder && o.reason == vocab.ReasonPortUnreach:
		return fmt.Sprintf("%s itself answered UDP %d with port unreachable: the path passes, but nothing listens there: run the responder with --udp %d (or its host firewall rejects).", host, o.port, o.port)
	case o.observed == vocab.UDPUnreachable && o.reportedBy.IsValid():
		return fmt.Sprintf("%s rejected UDP %d (%s): the device at that address filters or cannot route it.", o.reportedBy, o.port, o.reason)
	case o.observed == vocab.UDPNoRoute:
		return "This host has no usable route to the responder: check its routes and default gateway."
	case o.observed == vocab.UDPLocalDenied:
		return fmt.Sprintf("A firewall on this host refuses to send UDP %d: check its outbound rules.", o.port)
	}
	return ""
}

// emitUnreached reports every port and the stream when the responder has
// no usable address (it did not resolve, or the guard refused it).
func (p *Probe) emitUnreached(emit report.Emit, err error, took time.Duration) {
	for i, port := range p.cfg.Ports {
		var r report.Result
		var re *resolveError
		if errors.As(err, &re) {
			r = probe.Unresolved(vocab.CheckUDP, p.host, port, re.err, string(vocab.UDPOpen), "")
			r.Observed = vocab.UDPUnresolved
		} else {
			t := net.JoinHostPort(p.host, strconv.Itoa(int(port)))
			r = report.Result{ID: "udp/" + t, Check: vocab.CheckUDP, Target: t, Status: report.StatusError,
				Expect: string(vocab.UDPOpen), Observed: vocab.UDPNotRun, Layer: vocab.LayerMedia}
			r.SetFailure(probe.Classify(err), vocab.OpUDPRoundTrip)
		}
		r.DurationMS = report.MS(took)
		emit(i+1, r)
	}
	t := net.JoinHostPort(p.host, strconv.Itoa(int(p.cfg.StreamPort)))
	m := report.Result{ID: "media/" + t, Check: vocab.CheckMedia, Target: t, Status: report.StatusError,
		Expect: string(vocab.MediaGood), Observed: vocab.MediaNotRun, Layer: vocab.LayerMedia,
		Hint: "The stream was not run: the responder has no usable address (see the udp results)."}
	m.SetFailure(probe.Classify(err), vocab.OpResolve)
	if !errors.As(err, new(*resolveError)) {
		m.SetFailure(probe.Classify(err), vocab.OpMediaStream)
	}
	emit(len(p.cfg.Ports)+1, m)
}

// mediaResult decides from the ports whether a stream can run, runs it and
// judges it.
func (p *Probe) mediaResult(ctx context.Context, addr netip.Addr, ports []portOutcome) report.Result {
	start := time.Now()
	port, verdict := p.pickStreamPort(ports)
	t := target(addr, port)
	r := report.Result{ID: "media/" + t, Check: vocab.CheckMedia, Target: net.JoinHostPort(p.host, strconv.Itoa(int(port))),
		Expect: string(vocab.MediaGood), Layer: vocab.LayerMedia}
	d := &Detail{Port: port, PPS: p.cfg.PPS, Size: p.cfg.Size, Thresholds: p.cfg.Thresholds.Name, Crossed: []Crossed{}, Windows: []Window{}}
	if ctx.Err() == nil && verdict == "" {
		run := p.stream(ctx, netip.AddrPortFrom(addr, port))
		if run.dialErr == nil {
			*d = run.detail
			d.Thresholds, d.Crossed = p.cfg.Thresholds.Name, []Crossed{}
			if d.Windows == nil {
				d.Windows = []Window{}
			}
		}
		p.judge(&r, d, run)
	} else {
		p.notStreamed(&r, verdict, ports)
	}
	p.dscp(d, ports, port)
	if h := dscpHint(d); h != "" {
		r.Hint = strings.TrimSpace(r.Hint + " " + h)
		if r.Status == report.StatusPass {
			// The stream passes its thresholds, but QoS on the path does
			// not see the mark Zoom sets: it works, and something is off.
			r.Status = report.StatusWarn
		}
	}
	r.Detail, r.DurationMS = d, report.MS(time.Since(start))
	if ctx.Err() != nil {
		r.Status, r.Observed, r.Reason, r.Hint = report.StatusError, vocab.MediaNotRun, "", "Interrupted: the figures cover only what was sent."
		r.SetFailure(vocab.FailureInterrupted, vocab.OpMediaStream)
	}
	return r
}
