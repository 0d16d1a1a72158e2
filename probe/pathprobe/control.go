package pathprobe

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/roompath/roompath/netpath"
)

// DefaultControlPort is the port of the control trace: HTTPS, which rooms
// and appliances often answer (open, or a reset), and triage's control
// port.
const DefaultControlPort = 443

// controlTrace traces the room's control port when the traced port died
// silently after a router that answered, on a routed path (or through a
// tunnel, whose far end is a router): the TTL at
// which the room answers the control port tells whether that router is
// the room's last one. It runs after the trace, so a drop can cost one
// more timeout when the control port is silent too. nil when it does not
// run (the traced port is the control port, or the trace decided
// otherwise, or ctx ended).
func (p *Path) controlTrace(ctx context.Context, r netpath.Route, tr netpath.Trace) *Control {
	s := tr.Summary
	if (r.OnLink && !r.Tunnel) || p.target.Port == DefaultControlPort || tr.Interrupted || s.Terminal != nil || s.Exhausted || s.LastHop == nil || ctx.Err() != nil {
		return nil
	}
	ct := p.trace(ctx, netip.AddrPortFrom(p.target.Addr, DefaultControlPort))
	if ct.Interrupted {
		return nil
	}
	c := &Control{Port: DefaultControlPort, Hops: ct.Hops, ReachTTL: controlReach(ct)}
	if c.Hops == nil {
		c.Hops = []netpath.Hop{}
	}
	c.NextRouter = nextRouter(c.Hops, s.LastHop.TTL)
	return c
}

// controlReach is the TTL at which the room answered the control trace: a
// SYN-ACK, or a reset whose IP TTL does not put its sender short of the
// room; nil otherwise.
func controlReach(ct netpath.Trace) *int {
	t := ct.Summary.Terminal
	if t == nil || (t.Reply != netpath.ReplySynAck && t.Reply != netpath.ReplyRST) {
		return nil
	}
	if t.Reply == netpath.ReplyRST && ct.Reset != nil && ct.Reset.Hop < t.TTL {
		return nil // forged short of the room
	}
	ttl := t.TTL
	return &ttl
}

// nextRouter is the first hop beyond TTL after that answered time
// exceeded.
func nextRouter(hops []netpath.Hop, after int) *netpath.Hop {
	for _, h := range hops {
		if h.TTL > after && h.Reply == netpath.ReplyTimeExceeded && h.Address != nil {
			return &h
		}
	}
	return nil
}

// roomGatewayOf says whether last, the last hop that answered the traced
// port, is the room's last router, as the control trace c shows it (see
// Detail.LastHopIsRoomGateway).
func roomGatewayOf(last *netpath.Hop, c *Control) *bool {
	if last == nil || c == nil {
		return nil
	}
	yes, no := true, false
	if n := c.NextRouter; n != nil && (c.ReachTTL == nil || n.TTL < *c.ReachTTL) {
		return &no
	}
	if c.ReachTTL != nil && *c.ReachTTL == last.TTL+1 && agreesAt(c.Hops, last) {
		return &yes
	}
	return nil
}

// agreesAt reports whether the control trace did not contradict last at
// its TTL: the same router answered there, or none did.
func agreesAt(hops []netpath.Hop, last *netpath.Hop) bool {
	for _, h := range hops {
		if h.TTL == last.TTL {
			return h.Address == nil || h.Addr() == last.Addr()
		}
	}
	return true
}

// addDropEvidence files the evidence that places a silent drop: the
// control trace and the proxy-ARP signs.
func addDropEvidence(ev *evidence, det *Detail, c *Control) {
	ev.control, det.Control = c, c
	if ev.trace != nil {
		det.LastHopIsRoomGateway = roomGatewayOf(ev.trace.Summary.LastHop, c)
		ev.proxyARP = proxyARPOf(ev.target, ev.route, ev.neighbor, ev.gateway, *ev.trace)
	}
	det.ProxyARP = ev.proxyARP
}

// lastHopDropHint words a silent drop after the last hop that answered,
// placing it as far as the control trace allows: between the room's last
// router and the room, where an ACL on that router and the room's own
// firewall look the same; before that router; or not placed.
func lastHopDropHint(e evidence) string {
	last := e.trace.Summary.LastHop
	head := fmt.Sprintf("TCP %d toward %s dies silently after hop %d (%s)", e.port, e.target, last.TTL, last.Addr())
	c := e.control
	switch g := roomGatewayOf(last, c); {
	case g != nil && *g:
		return head + fmt.Sprintf(", the room's last router: the room answers TCP %d (the control port) at hop %d, right behind it. An ACL on %s toward the room and the room's own firewall look the same from here: both drop the SYN beyond the last router that answers, and neither sends anything back. %s",
			c.Port, *c.ReachTTL, last.Addr(), tellApart(e, "the ACL on "+last.Addr()))
	case g != nil:
		return head + beforeLastRouter(e, last, c)
	}
	return head + unplacedDrop(e, c)
}

// beforeLastRouter words a drop the control trace places before the
// room's last router.
func beforeLastRouter(e evidence, last *netpath.Hop, c *Control) string {
	n := c.NextRouter
	room := ""
	if c.ReachTTL != nil {
		room = fmt.Sprintf(", and the room answers it at hop %d", *c.ReachTTL)
	}
	return fmt.Sprintf(", before the room's last router: TCP %d (the control port) gets as far as hop %d (%s)%s, so TCP %d is dropped between %s and %s by an ACL or firewall that drops rather than rejects, not by the room's own firewall. Ask for a permit for TCP %d to %s on %s (outbound) or %s (inbound).",
		c.Port, n.TTL, n.Addr(), room, e.port, last.Addr(), n.Addr(), e.port, e.target, last.Addr(), n.Addr())
}

// unplacedDrop words a drop the evidence does not place: the next device
// may be a router or the room itself.
func unplacedDrop(e evidence, c *Control) string {
	why := ""
	switch {
	case c == nil:
	case c.ReachTTL == nil:
		why = fmt.Sprintf(" The room does not answer TCP %d (the control port) either, so how far it is, and whether that device is the room, is not known from here.", c.Port)
	case *c.ReachTTL > e.trace.Summary.LastHop.TTL+1:
		why = fmt.Sprintf(" The room answers TCP %d (the control port) at hop %d, but the hops in between answer neither port, so a router there and the room itself cannot be told apart.", c.Port, *c.ReachTTL)
	default:
		why = fmt.Sprintf(" TCP %d (the control port) takes another path, so it does not place the drop.", c.Port)
	}
	return fmt.Sprintf(": the next device or the link beyond it drops it, typically an ACL or firewall that drops rather than rejects, or the room's own firewall if the next device is the room. If %s answers another port or ping, the filter is specific to %d.%s %s",
		e.target, e.port, why, tellApart(e, "a filter on the way"))
}

// tellApart says how to tell the room's own firewall from a filter
// elsewhere (filter names it), from the room's side.
func tellApart(e evidence, filter string) string {
	return fmt.Sprintf("To tell them apart, check the room's inbound firewall rules for Zoom Rooms (TCP %d), or test TCP %d from the room's own VLAN or switch port: if it fails there too, the room drops it; if it works there, %s does.",
		e.port, e.port, filter)
}
