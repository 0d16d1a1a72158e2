package report

import (
	"fmt"
	"strings"
)

// pathDetail is the part of a path result's detail (pathprobe.Detail) the
// diagram draws, read from its JSON form.
type pathDetail struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
	Name    string `json:"name"`
	Mode    string `json:"mode"`
	Route   struct {
		Interface     string  `json:"interface"`
		InterfaceKind string  `json:"interface_kind"`
		Source        string  `json:"source"`
		Gateway       *string `json:"gateway"`
		OnLink        bool    `json:"on_link"`
		Type          string  `json:"type"`
	} `json:"route"`
	Gateway *struct {
		Address   string `json:"address"`
		Reachable *bool  `json:"reachable"`
		Via       string `json:"via"`
	} `json:"gateway"`
	Hops       []pathHop `json:"hops"`
	MaxHops    int       `json:"max_hops"`
	ReachTTL   *int      `json:"reach_ttl"`
	LastHopTTL *int      `json:"last_hop_ttl"`
	RejectHop  *int      `json:"reject_hop"`
	ResetHop   *int      `json:"reset_hop"`
	SilentHops []int     `json:"silent_hops"`
	SynAck     *struct {
		Hop int `json:"hop"`
	} `json:"syn_ack"`
	ProxyARP *struct {
		Gateway string `json:"gateway"`
		SameMAC bool   `json:"same_mac"`
		Hairpin *struct {
			TTL int `json:"ttl"`
		} `json:"hairpin"`
	} `json:"proxy_arp"`
	LastHopIsRoomGateway *bool `json:"last_hop_is_room_gateway"`
}

// Node kinds of a lane: each has its own shape and glyph in the SVG.
const (
	nodeHost   = "host"   // this host: a rounded square
	nodeRouter = "router" // a hop that answered: a circle
	nodeSilent = "silent" // a hop that stayed silent: a dashed circle
	nodeFail   = "fail"   // where the path broke: a diamond with ✗
	nodeWarn   = "warn"   // something off: a triangle with !
	nodeOK     = "ok"     // the room answered: a double circle with ✓
	nodeGhost  = "ghost"  // the room, not reached: a dashed square
)

// laneNode is one row of a lane before layout.
type laneNode struct {
	kind  string
	title string
	lines []string
	ttl   int // the hop's TTL; 0 for this host, markers and the room
	addr  string
}

// pathLane builds the rows of one path result: this host, the gateway, each
// hop, where TCP died, the room.
func pathLane(r *Result, d *pathDetail) []laneNode {
	nodes := []laneNode{hostNode(r, d)}
	if r.Observed == "no_route" || r.Observed == "local_denied" || (len(d.Hops) == 0 && r.Observed != "reached") {
		return append(nodes, roomNode(r, d))
	}
	term := -1
	for i, h := range d.Hops {
		if isTerminal(h.Reply) {
			term = i
			break
		}
	}
	upto := len(d.Hops)
	if term >= 0 {
		upto = term
	}
	last := -1
	for i := 0; i < upto; i++ {
		if d.Hops[i].Reply != "none" {
			last = i
		}
	}
	nodes = append(nodes, hopNodes(d.Hops[:last+1])...)
	nodes = markGateway(nodes, d)
	if tail := d.Hops[last+1 : upto]; len(tail) > 0 {
		nodes = append(nodes, tailNode(r, d, tail, term >= 0))
	}
	if term >= 0 {
		nodes = terminalNodes(nodes, r, d, d.Hops[term])
	}
	nodes = append(nodes, middleboxNodes(nodes, r, d)...)
	return append(nodes, roomNode(r, d))
}

func isTerminal(reply string) bool {
	switch reply {
	case "syn_ack", "rst", "unreachable", "local_error":
		return true
	}
	return false
}

func hostNode(r *Result, d *pathDetail) laneNode {
	n := laneNode{kind: nodeHost, title: "this host"}
	if d.Route.Source != "" {
		n.lines = append(n.lines, "from "+d.Route.Source)
	}
	if d.Route.Interface != "" {
		via := "via " + d.Route.Interface
		if d.Route.InterfaceKind != "" {
			via += " (" + d.Route.InterfaceKind + ")"
		}
		if d.Route.OnLink {
			via += ", on-link"
		}
		n.lines = append(n.lines, via)
	}
	switch r.Observed {
	case "no_route":
		n.kind = nodeFail
		n.lines = append(n.lines, "✗ no usable route (type "+dashIfEmpty(d.Route.Type)+")")
	case "local_denied":
		n.kind = nodeFail
		n.lines = append(n.lines, "✗ a local firewall refused to send")
	}
	if d.Route.OnLink && d.Gateway != nil {
		n.lines = append(n.lines, "gateway "+d.Gateway.Address+": "+reachText(d.Gateway.Reachable))
	}
	return n
}

func reachText(b *bool) string {
	switch {
	case b == nil:
		return "not known"
	case *b:
		return "answers"
	}
	return "does not answer ARP/ND"
}

// hopNodes draws the hops that answered and the silent ones between
// them; three or more silent TTLs in a row share one node.
func hopNodes(hops []pathHop) []laneNode {
	var out []laneNode
	for i := 0; i < len(hops); i++ {
		h := hops[i]
		if h.Reply != "none" {
			n := laneNode{kind: nodeRouter, title: fmt.Sprintf("hop %d  %s", h.TTL, h.addr()), ttl: h.TTL, addr: h.addr()}
			if h.addr() == "" {
				n.title = fmt.Sprintf("hop %d  (sender not told)", h.TTL)
			}
			if h.RTTMS != nil {
				n.lines = append(n.lines, fmtMS(*h.RTTMS)+", "+strings.ReplaceAll(h.Reply, "_", " "))
			}
			out = append(out, n)
			continue
		}
		j := i
		for j+1 < len(hops) && hops[j+1].Reply == "none" {
			j++
		}
		out = append(out, silentNode(h.TTL, hops[j].TTL, "silent: sends no time exceeded"))
		i = j
	}
	return out
}

func silentNode(from, to int, why string) laneNode {
	title := fmt.Sprintf("hop %d  silent", from)
	if to > from {
		title = fmt.Sprintf("hops %d–%d  silent", from, to)
	}
	return laneNode{kind: nodeSilent, title: title, lines: []string{why}, ttl: from}
}

// markGateway names the route's gateway: hop 1 when it answered from
// that address, or a node of its own when it did not.
func markGateway(nodes []laneNode, d *pathDetail) []laneNode {
	if d.Gateway == nil || d.Gateway.Address == "" {
		return nodes
	}
	if d.Route.OnLink {
		if len(nodes) > 1 && nodes[1].ttl == 1 && nodes[1].addr == d.Gateway.Address {
			nodes[1].title += "  (gateway)"
		}
		return nodes
	}
	if len(nodes) > 1 && nodes[1].ttl == 1 && nodes[1].kind == nodeRouter {
		if nodes[1].addr == d.Gateway.Address {
			nodes[1].title += "  (gateway)"
		} else {
			nodes[1].lines = append(nodes[1].lines, "the first router; gateway "+d.Gateway.Address)
		}
		return nodes
	}
	g := laneNode{kind: nodeRouter, title: "gateway " + d.Gateway.Address, lines: []string{reachText(d.Gateway.Reachable)}}
	if d.Gateway.Reachable != nil && !*d.Gateway.Reachable {
		g.kind = nodeFail
		g.lines = []string{"✗ does not answer ARP/ND"}
	}
	return append(nodes[:1], append([]laneNode{g}, nodes[1:]...)...)
}

// tailNode is the silence after the last answer: where a dropped SYN died,
// or silent hops before a terminal answer.
func tailNode(r *Result, d *pathDetail, tail []pathHop, terminal bool) laneNode {
	from, to := tail[0].TTL, tail[len(tail)-1].TTL
	if terminal {
		return silentNode(from, to, "silent: sends no time exceeded")
	}
	n := laneNode{kind: nodeFail, title: fmt.Sprintf("✗ dropped: no answer for TTL %d–%d", from, to)}
	if from == to {
		n.title = fmt.Sprintf("✗ dropped: no answer for TTL %d", from)
	}
	port := fmt.Sprint(d.Port)
	switch {
	case r.Observed == "max_hops":
		n.kind, n.title = nodeWarn, fmt.Sprintf("! no end within %d hops", d.MaxHops)
	case d.LastHopIsRoomGateway != nil && *d.LastHopIsRoomGateway:
		n.lines = []string{"TCP " + port + " dies between the room's", "last router and the room (the room", "answers the control port)"}
	case d.LastHopIsRoomGateway != nil:
		n.lines = []string{"TCP " + port + " dies before the room's last router"}
	default:
		n.lines = []string{"TCP " + port + " SYNs got no reply"}
	}
	return n
}

// terminalNodes marks the hop that ended the trace short of the room: a
// rejecting router, this host's failed ARP, a local error.
func terminalNodes(nodes []laneNode, r *Result, d *pathDetail, h pathHop) []laneNode {
	if (h.Reply == "syn_ack" || h.Reply == "rst") && !h.Local {
		return nodes
	}
	what := "✗ " + strings.ReplaceAll(h.Reply, "_", " ")
	if h.Reply == "unreachable" {
		what = "✗ rejected: " + dashIfEmpty(h.Unreachable)
		if r.Observed != "rejected" {
			what = "✗ unreachable: " + dashIfEmpty(h.Unreachable)
		}
	}
	detail := h.replyText()
	if h.ICMP != nil && !h.Local {
		detail = fmt.Sprintf("ICMP %d/%d at TTL %d", h.ICMP.Type, h.ICMP.Code, h.TTL)
		if h.ICMP.V6 {
			detail = "ICMPv6" + strings.TrimPrefix(detail, "ICMP")
		}
	}
	if h.Local {
		return append(nodes, laneNode{kind: nodeFail, title: "✗ no ARP/ND answer from the room", lines: []string{"this host's own neighbour resolution", "failed (" + detail + ")"}})
	}
	at := h.TTL
	if d.RejectHop != nil {
		at = *d.RejectHop
	}
	for i := range nodes {
		if nodes[i].ttl == at && nodes[i].addr == h.addr() && nodes[i].kind == nodeRouter {
			nodes[i].kind = nodeFail
			nodes[i].lines = append(nodes[i].lines, what, detail)
			return nodes
		}
	}
	return append(nodes, laneNode{kind: nodeFail, title: fmt.Sprintf("hop %d  %s", at, dashIfEmpty(h.addr())), lines: []string{what, detail}, ttl: at, addr: h.addr()})
}

// middleboxNodes marks a reset or handshake that came from a device short
// of the room, at the hop its IP TTL points to.
func middleboxNodes(nodes []laneNode, r *Result, d *pathDetail) []laneNode {
	var hop int
	var what string
	switch {
	case r.Observed == "reset_by_middlebox" && d.ResetHop != nil:
		hop, what = *d.ResetHop, "✗ forged a TCP reset in the room's name"
	case r.Reason == "handshake_by_middlebox" && d.SynAck != nil:
		hop, what = d.SynAck.Hop, "! answered the handshake for the room"
	case d.ProxyARP != nil && (d.ProxyARP.SameMAC || d.ProxyARP.Hairpin != nil):
		return proxyARPNodes(nodes, d)
	default:
		return nil
	}
	for i := range nodes {
		if nodes[i].ttl == hop && nodes[i].kind != nodeHost {
			nodes[i].kind = map[bool]string{true: nodeFail, false: nodeWarn}[what[0] != '!']
			nodes[i].lines = append(nodes[i].lines, what)
			return nil
		}
	}
	return []laneNode{{kind: nodeFail, title: fmt.Sprintf("a device at hop %d (by IP TTL)", hop), lines: []string{what}}}
}

// proxyARPNodes marks the router that answers for an on-link room (its
// ARP entry holds the gateway's MAC, or the router sent time exceeded for
// it) on that router's hop, or on a node of its own.
func proxyARPNodes(nodes []laneNode, d *pathDetail) []laneNode {
	p := d.ProxyARP
	lines := []string{"! forwards traffic for an address on", "this host's own subnet (hairpin)"}
	if p.SameMAC {
		lines = []string{"! answers ARP for the room with its", "own MAC (proxy ARP: client isolation)"}
	}
	for i := range nodes {
		if nodes[i].kind == nodeRouter && nodes[i].addr != "" && nodes[i].addr == p.Gateway {
			nodes[i].kind = nodeWarn
			nodes[i].lines = append(nodes[i].lines, lines...)
			return nil
		}
	}
	return []laneNode{{kind: nodeWarn, title: "gateway " + dashIfEmpty(p.Gateway), lines: lines}}
}

func roomNode(r *Result, d *pathDetail) laneNode {
	n := laneNode{kind: nodeGhost, title: fmt.Sprintf("room %s  TCP %d", d.Address, d.Port)}
	if d.Name != "" {
		n.lines = append(n.lines, "name "+d.Name)
	}
	at := ""
	if d.ReachTTL != nil {
		at = fmt.Sprintf(" at hop %d", *d.ReachTTL)
	}
	switch {
	case r.Observed == "reached" && r.Reason == "syn_ack" && r.Status == StatusPass:
		n.kind = nodeOK
		n.lines = append(n.lines, "✓ open"+at+" "+rttText(r.RTTMS))
	case r.Observed == "reached" && r.Reason == "conn_refused":
		n.kind = nodeFail
		n.lines = append(n.lines, "✗ refused by the room itself"+at, "(a reset: nothing listens)")
	case r.Reason == "handshake_by_middlebox":
		n.kind = map[bool]string{true: nodeWarn, false: nodeGhost}[r.Observed == "reached"]
		n.lines = append(n.lines, "! not confirmed as the room: a device", "short of it answered the handshake")
	case r.Observed == "reached":
		n.kind = nodeWarn
		n.lines = append(n.lines, "! answered"+at+", "+dashIfEmpty(string(r.Reason)))
	default:
		n.lines = append(n.lines, "not reached: "+string(r.Observed))
	}
	return n
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
