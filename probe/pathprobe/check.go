package pathprobe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultPort is the Zoom Rooms controller port, traced when the target
// names none.
const DefaultPort = 9090

// afterTrace is how long the neighbour and path-MTU probes may go on once
// the trace has decided: a few more round trips on any path to a room. An
// answer still missing then is reported as unconfirmed, so that a fast
// verdict (reached, rejected) is not held up by a probe that nothing
// answers.
const afterTrace = 250 * time.Millisecond

// PathConfig configures a path check of one room. Only Target is
// required; the zero value of every other field means its default.
type PathConfig struct {
	// Target is the room: its address, the TCP port traced (zero means
	// DefaultPort) and the name it was given by, if any (shown in the
	// result's target). An IPv4-mapped IPv6 address is checked as IPv4.
	Target probe.TCPTarget
	// Timeout bounds each TTL's probe, the neighbour check and the
	// path-MTU probe, which all run at once; zero or negative means
	// netpath.DefaultTraceTimeout.
	Timeout time.Duration
	// MaxHops is the highest TTL probed, 0 to netpath.MaxHopsLimit; zero
	// means netpath.DefaultMaxHops.
	MaxHops int
	// NoRaw keeps the check from using raw sockets even with CAP_NET_RAW
	// (the reset's sender is then not located).
	NoRaw bool
}

// Path is a path check of one room, built by NewPath.
type Path struct {
	target  probe.TCPTarget
	timeout time.Duration
	maxHops int
	seams
}

// seams are the measurements, replaced in tests (newForTest).
type seams struct {
	route    func(netip.Addr) (netpath.Route, error)
	trace    func(context.Context, netip.AddrPort) netpath.Trace
	neighbor func(context.Context, netip.Addr, string) (netpath.Neighbor, error)
	gateway  func(string, netip.Addr) (netip.Addr, bool)
	pmtu     func(context.Context, netip.Addr, int) netpath.PathMTU
	ifMTU    func(string) int
}

// NewPath returns the path check cfg describes. The error names a MaxHops
// outside 0 to netpath.MaxHopsLimit or a Target without a valid address.
func NewPath(cfg PathConfig) (*Path, error) {
	p, err := newPath(cfg)
	if err != nil {
		return nil, err
	}
	tracer := netpath.NewTracer(netpath.TraceConfig{MaxHops: p.maxHops, Timeout: p.timeout, NoRaw: cfg.NoRaw})
	p.seams = seams{
		route: netpath.LookupRoute, trace: tracer.Run, neighbor: netpath.ProbeNeighbor,
		gateway: netpath.InterfaceGateway, pmtu: netpath.ProbePathMTU, ifMTU: interfaceMTU,
	}
	return p, nil
}

// newForTest is NewPath with the measurements of s.
func newForTest(cfg PathConfig, s seams) (*Path, error) {
	p, err := newPath(cfg)
	if err != nil {
		return nil, err
	}
	p.seams = s
	return p, nil
}

// newPath validates cfg and fills in its defaults.
func newPath(cfg PathConfig) (*Path, error) {
	switch {
	case cfg.MaxHops < 0 || cfg.MaxHops > netpath.MaxHopsLimit:
		return nil, fmt.Errorf("pathprobe: MaxHops must be 0-%d, got %d", netpath.MaxHopsLimit, cfg.MaxHops)
	case !cfg.Target.Addr.IsValid():
		return nil, errors.New("pathprobe: the target has no valid address")
	}
	p := &Path{target: cfg.Target, timeout: cfg.Timeout, maxHops: cfg.MaxHops}
	p.target.Addr = p.target.Addr.Unmap()
	if p.target.Port == 0 {
		p.target.Port = DefaultPort
	}
	if p.timeout <= 0 {
		p.timeout = netpath.DefaultTraceTimeout
	}
	if p.maxHops == 0 {
		p.maxHops = netpath.DefaultMaxHops
	}
	return p, nil
}

// Run checks the path to the room and emits exactly one result, check
// "path", with seq 0 and a *Detail. Every outcome is a result: a route
// that cannot be read is status error, an interrupted trace observed
// not_run.
func (p *Path) Run(ctx context.Context, emit report.Emit) {
	start := time.Now()
	t := p.target
	ev, det := p.gather(ctx)
	v := judge(ev)
	res := report.Result{
		ID: "path/" + netip.AddrPortFrom(t.Addr, t.Port).String(), Check: vocab.CheckPath, Target: t.String(),
		Status: v.status, Expect: string(vocab.PathReached), Observed: v.observed, Reason: v.reason,
		ReportedBy: v.reportedBy, Layer: v.layer, RTTMS: v.rtt, Hint: v.hint,
	}
	res.SetFailure(v.failure, v.operation)
	det.RejectHop, det.ResetHop = v.rejectHop, v.resetHop
	res.Detail = det
	res.DurationMS = report.MS(time.Since(start))
	emit(0, res)
}

// failureOf gives the failure string of a reason (DESIGN.md).
func failureOf(reason vocab.Reason) vocab.Failure {
	switch reason {
	case vocab.ReasonConnRefused, vocab.ReasonPortUnreach, vocab.ReasonForgedReset:
		return vocab.FailureConnectionRefused
	case vocab.ReasonNoResponse:
		return vocab.FailureTimeout
	case vocab.ReasonNetUnreach, vocab.ReasonNoRoute:
		return vocab.FailureNetworkUnreachable
	case vocab.ReasonLocalPolicy:
		return vocab.FailurePermissionDenied
	case "", vocab.ReasonSynAck:
		return ""
	}
	return vocab.FailureHostUnreachable
}
