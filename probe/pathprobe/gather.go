package pathprobe

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/report"
)

// gather takes every measurement: the route first, then the trace, the
// neighbour and gateway checks and the path-MTU probe at once.
func (p *Path) gather(ctx context.Context) (evidence, *Detail) {
	t := p.target
	ev := evidence{target: t.Addr, port: t.Port, maxHops: p.maxHops, timeout: p.timeout}
	det := &Detail{Address: t.Addr.String(), Port: t.Port, Name: t.Name, Hops: []netpath.Hop{}, MaxHops: p.maxHops}
	route, err := p.route(t.Addr)
	ev.route, det.Route, ev.routeErr = route, route, err
	det.MTU = netpath.PathMTU{Interface: p.ifMTU(route.Interface)}
	if err != nil || !route.Usable() || ctx.Err() != nil {
		det.Mode = "none"
		return ev, det
	}
	aux, cancelAux := context.WithCancel(ctx)
	defer cancelAux()
	var wg sync.WaitGroup
	var tr netpath.Trace
	var ctl *Control
	wg.Go(func() {
		tr = p.trace(ctx, netip.AddrPortFrom(t.Addr, t.Port))
		time.AfterFunc(afterTrace, cancelAux)
		ctl = p.controlTrace(ctx, route, tr)
	})
	wg.Go(func() { ev.neighbor, ev.gateway = p.neighbours(aux, t.Addr, route) })
	wg.Go(func() { det.MTU = p.probeMTU(aux, t.Addr, det.MTU.Interface) })
	wg.Wait()
	ev.trace = &tr
	ev.gateway = gatewayFromTrace(ev.gateway, route, tr)
	fillTrace(det, tr)
	det.Neighbor, det.Gateway = ev.neighbor, ev.gateway
	if det.Neighbor == nil && ev.gateway != nil {
		det.Neighbor = ev.gateway.neighbor
	}
	addDropEvidence(&ev, det, ctl)
	det.NotMeasured = notMeasured(det)
	return ev, det
}

// probeMTU runs the path-MTU probe within the check's timeout.
func (p *Path) probeMTU(ctx context.Context, dst netip.Addr, ifMTU int) netpath.PathMTU {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	return p.pmtu(ctx, dst, ifMTU)
}

// neighbours probes the on-link room's neighbour entry, and the gateway's:
// the route's gateway, or the gateway of the room's interface when the room
// is on-link.
func (p *Path) neighbours(ctx context.Context, dst netip.Addr, r netpath.Route) (*netpath.Neighbor, *Gateway) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	var wg sync.WaitGroup
	var room *netpath.Neighbor
	gw, via := gatewayAddr(r)
	if !gw.IsValid() && r.OnLink && r.Interface != "" {
		gw, via = p.gatewayOf(r.Interface, dst)
	}
	if r.OnLink && r.Interface != "" {
		wg.Go(func() { room = p.probeNeighbor(ctx, dst, r.Interface) })
	}
	var g *Gateway
	if gw.IsValid() {
		wg.Go(func() {
			n := p.probeNeighbor(ctx, gw, r.Interface)
			g = &Gateway{Address: gw.String(), Via: via, neighbor: n}
			if n != nil {
				g.State, g.Reachable, g.MAC = n.State, n.Reachable(), n.MAC
			}
		})
	}
	wg.Wait()
	return room, g
}

func (p *Path) gatewayOf(ifName string, dst netip.Addr) (netip.Addr, string) {
	if gw, ok := p.gateway(ifName, dst); ok {
		return gw, GatewayViaInterface
	}
	return netip.Addr{}, ""
}

func (p *Path) probeNeighbor(ctx context.Context, a netip.Addr, ifName string) *netpath.Neighbor {
	n, err := p.neighbor(ctx, a, ifName)
	if err != nil {
		return nil
	}
	return &n
}

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
	det.Reset, det.ResetNote, det.Loop, det.SilentHops = tr.Reset, tr.ResetNote, s.Loop, s.SilentHops
	fillHandshake(det, tr)
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
