package pathcmd

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// DefaultPort is the Zoom Rooms controller port.
const DefaultPort = 9090

// afterTrace is how long the neighbour and path-MTU probes may go on once
// the trace has decided: a few more round trips on any path to a room. An
// answer still missing then is reported as unconfirmed, so that a fast
// verdict (reached, rejected) is not held up by a probe that nothing
// answers.
const afterTrace = 250 * time.Millisecond

// Config configures a path check. The zero value is usable.
type Config struct {
	// Timeout bounds each TTL's probe, the neighbour check and the
	// path-MTU probe, which all run at once; zero means
	// netpath.DefaultTraceTimeout.
	Timeout time.Duration
	// MaxHops is the highest TTL probed; zero means netpath.DefaultMaxHops.
	MaxHops int
	// NoRaw keeps the check from using raw sockets even with CAP_NET_RAW
	// (the reset's sender is then not located).
	NoRaw bool
}

// Target is one room to check: the TCP probe's target (a zero Port means
// DefaultPort here).
type Target = probe.TCPTarget

// Checker runs path checks. Build it with NewChecker.
type Checker struct {
	cfg Config
	// The measurements, as seams for tests.
	route    func(netip.Addr) (netpath.Route, error)
	trace    func(context.Context, netip.AddrPort) netpath.Trace
	neighbor func(context.Context, netip.Addr, string) (netpath.Neighbor, error)
	gateway  func(string, netip.Addr) (netip.Addr, bool)
	pmtu     func(context.Context, netip.Addr, int) netpath.PathMTU
	ifMTU    func(string) int
}

// NewChecker returns a Checker for cfg.
func NewChecker(cfg Config) *Checker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = netpath.DefaultTraceTimeout
	}
	if cfg.MaxHops <= 0 {
		cfg.MaxHops = netpath.DefaultMaxHops
	}
	tracer := netpath.NewTracer(netpath.TraceConfig{MaxHops: cfg.MaxHops, Timeout: cfg.Timeout, NoRaw: cfg.NoRaw})
	return &Checker{
		cfg: cfg, route: netpath.LookupRoute, trace: tracer.Run, neighbor: netpath.ProbeNeighbor,
		gateway: netpath.InterfaceGateway, pmtu: netpath.ProbePathMTU, ifMTU: interfaceMTU,
	}
}

// Check runs the path check for one room on port and returns its results:
// one with check "path". It is what `roompath triage` calls.
func Check(ctx context.Context, room netip.Addr, port uint16, cfg Config) []report.Result {
	return NewChecker(cfg).Run(ctx, Target{Addr: room, Port: port})
}

// Run checks the path to t and returns its results (one, check "path").
// Every outcome is a result; nothing here returns an error.
func (c *Checker) Run(ctx context.Context, t Target) []report.Result {
	start := time.Now()
	if t.Port == 0 {
		t.Port = DefaultPort
	}
	t.Addr = t.Addr.Unmap()
	ev, det := c.gather(ctx, t)
	v := judge(ev)
	res := report.Result{
		ID: "path/" + netip.AddrPortFrom(t.Addr, t.Port).String(), Check: "path", Target: t.String(),
		Status: v.status, Expect: ObservedReached, Observed: v.observed, Reason: v.reason,
		ReportedBy: v.reportedBy, Layer: v.layer, RTTMS: v.rtt, Hint: v.hint,
	}
	if v.failure != "" {
		res.Failure, res.Operation = report.Str(v.failure), report.Str(v.operation)
	}
	det.RejectHop, det.ResetHop = v.rejectHop, v.resetHop
	res.Detail = det
	res.DurationMS = report.MS(time.Since(start))
	return []report.Result{res}
}

// gather takes every measurement: the route first, then the trace, the
// neighbour and gateway checks and the path-MTU probe at once.
func (c *Checker) gather(ctx context.Context, t Target) (evidence, *Detail) {
	ev := evidence{target: t.Addr, port: t.Port, maxHops: c.cfg.MaxHops, timeout: c.cfg.Timeout}
	det := &Detail{Address: t.Addr.String(), Port: t.Port, Name: t.Name, Hops: []netpath.Hop{}, MaxHops: c.cfg.MaxHops}
	route, err := c.route(t.Addr)
	ev.route, det.Route, ev.routeErr = route, route, err
	det.MTU = netpath.PathMTU{Interface: c.ifMTU(route.Interface)}
	if err != nil || !route.Usable() || ctx.Err() != nil {
		det.Mode = "none"
		return ev, det
	}
	aux, cancelAux := context.WithCancel(ctx)
	defer cancelAux()
	var wg sync.WaitGroup
	var tr netpath.Trace
	wg.Go(func() {
		tr = c.trace(ctx, netip.AddrPortFrom(t.Addr, t.Port))
		time.AfterFunc(afterTrace, cancelAux)
	})
	wg.Go(func() { ev.neighbor, ev.gateway = c.neighbours(aux, t.Addr, route) })
	wg.Go(func() { det.MTU = c.probeMTU(aux, t.Addr, det.MTU.Interface) })
	wg.Wait()
	ev.trace = &tr
	ev.gateway = gatewayFromTrace(ev.gateway, route, tr)
	fillTrace(det, tr)
	det.Neighbor, det.Gateway = ev.neighbor, ev.gateway
	if det.Neighbor == nil && ev.gateway != nil {
		det.Neighbor = ev.gateway.neighbor
	}
	det.NotMeasured = notMeasured(det)
	return ev, det
}

// probeMTU runs the path-MTU probe within the check's timeout.
func (c *Checker) probeMTU(ctx context.Context, dst netip.Addr, ifMTU int) netpath.PathMTU {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	return c.pmtu(ctx, dst, ifMTU)
}

// neighbours probes the on-link room's neighbour entry, and the gateway's:
// the route's gateway, or the gateway of the room's interface when the room
// is on-link.
func (c *Checker) neighbours(ctx context.Context, dst netip.Addr, r netpath.Route) (*netpath.Neighbor, *Gateway) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var wg sync.WaitGroup
	var room *netpath.Neighbor
	gw, via := gatewayAddr(r)
	if !gw.IsValid() && r.OnLink && r.Interface != "" {
		gw, via = c.gatewayOf(r.Interface, dst)
	}
	if r.OnLink && r.Interface != "" {
		wg.Go(func() { room = c.probeNeighbor(ctx, dst, r.Interface) })
	}
	var g *Gateway
	if gw.IsValid() {
		wg.Go(func() {
			n := c.probeNeighbor(ctx, gw, r.Interface)
			g = &Gateway{Address: gw.String(), Via: via, neighbor: n}
			if n != nil {
				g.State, g.Reachable = n.State, n.Reachable()
			}
		})
	}
	wg.Wait()
	return room, g
}

func (c *Checker) gatewayOf(ifName string, dst netip.Addr) (netip.Addr, string) {
	if gw, ok := c.gateway(ifName, dst); ok {
		return gw, GatewayViaInterface
	}
	return netip.Addr{}, ""
}

func (c *Checker) probeNeighbor(ctx context.Context, a netip.Addr, ifName string) *netpath.Neighbor {
	n, err := c.neighbor(ctx, a, ifName)
	if err != nil {
		return nil
	}
	return &n
}

// Where a Gateway came from (Gateway.Via).
const (
	GatewayViaRoute     = "route"
	GatewayViaInterface = "interface"
)

// gatewayAddr is the route's gateway, if it has one.
func gatewayAddr(r netpath.Route) (netip.Addr, string) {
	if r.Gateway == nil {
		return netip.Addr{}, ""
	}
	a, err := netip.ParseAddr(*r.Gateway)
	if err != nil {
		return netip.Addr{}, ""
	}
	return a.Unmap(), GatewayViaRoute
}

// gatewayFromTrace marks the route's gateway reachable when anything
// answered through it: a router's time exceeded, or the room.
func gatewayFromTrace(g *Gateway, r netpath.Route, tr netpath.Trace) *Gateway {
	if g == nil || g.Via != GatewayViaRoute {
		return g
	}
	for _, h := range tr.Hops {
		if h.Address != nil && !h.Local {
			t := true
			g.Reachable = &t
			break
		}
	}
	return g
}

// fillTrace copies the trace's evidence into the detail.
func fillTrace(det *Detail, tr netpath.Trace) {
	det.Mode, det.Hops, det.Probes, det.TraceMS = tr.Mode, tr.Hops, tr.Sent, report.MS(tr.Duration)
	if det.Hops == nil {
		det.Hops = []netpath.Hop{}
	}
	s := tr.Summary
	if s.LastHop != nil {
		a, ttl := s.LastHop.Addr(), s.LastHop.TTL
		det.LastHop, det.LastHopTTL = &a, &ttl
	}
	if t := s.Terminal; t != nil && (t.Reply == netpath.ReplySynAck || t.Reply == netpath.ReplyRST) {
		ttl := t.TTL
		det.ReachTTL = &ttl
	}
	det.Reset, det.ResetNote, det.Loop = tr.Reset, tr.ResetNote, s.Loop
}

// notMeasured says what the run could not measure.
func notMeasured(det *Detail) []string {
	var out []string
	if det.Mode == netpath.TraceModeConnect {
		out = append(out, "the routers' addresses (no socket error queue on this platform): hops short of the room read as silent, and a reject reads as unreachable without its sender")
	}
	if det.Route.Type == netpath.RouteUnknown {
		out = append(out, "the route's type, gateway and table (the route was found by the connected-UDP-socket method)")
	}
	if det.Neighbor != nil && det.Neighbor.State == netpath.NeighUnknown {
		out = append(out, "the neighbour (ARP/ND) table")
	}
	if det.MTU.Path == nil && det.MTU.Note != "" {
		out = append(out, det.MTU.Note)
	}
	if det.ResetNote != "" {
		out = append(out, "reset_hop: "+det.ResetNote)
	}
	return out
}

// interfaceMTU is the MTU of interface name; 0 when unknown.
func interfaceMTU(name string) int {
	if name == "" {
		return 0
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return 0
	}
	return ifc.MTU
}

// failureOf gives the failure string of a reason (DESIGN.md).
func failureOf(reason string) string {
	switch reason {
	case probe.ReasonConnRefused, probe.ReasonPortUnreach, ReasonForgedReset:
		return probe.FailureConnectionRefused
	case probe.ReasonNoResponse:
		return probe.FailureTimeout
	case probe.ReasonNetUnreach, probe.ReasonNoRoute:
		return probe.FailureNetworkUnreachable
	case probe.ReasonLocalPolicy:
		return probe.FailurePermissionDenied
	case "", probe.ReasonSynAck:
		return ""
	}
	return probe.FailureHostUnreachable
}
