package triage

import (
	"fmt"
	"strings"

	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func (e evidence) network(failed []report.Result) (string, []string) {
	if path, ok := e.find(vocab.CheckPath, 0); ok && path.Status == report.StatusFail {
		if d := pathDetail(path); d != nil {
			return e.pathStory(path, d)
		}
	}
	f := failed[0]
	by := dashIfEmpty(f.ReportedBy)
	switch f.Reason {
	case vocab.ReasonAdminProhibited, vocab.ReasonPortUnreach:
		return fmt.Sprintf("TCP %d to %s is rejected by %s with %s: an ACL or firewall on %s refuses it.", e.port, e.room, by, rejectText(f.Reason), by),
			[]string{fmt.Sprintf("Ask for a permit from this subnet to %s TCP %d (and its return traffic) on %s.", e.room, e.port, by)}
	case vocab.ReasonHostUnreach:
		return fmt.Sprintf("%s reports %s unreachable: it has a route to the room's subnet but the room does not answer ARP there.", by, e.room),
			[]string{"Check that the room is on, on the right VLAN, and has the address the controller uses."}
	case vocab.ReasonNetUnreach:
		return fmt.Sprintf("%s has no route to %s's subnet.", by, e.room),
			[]string{fmt.Sprintf("Add or redistribute the route to the room VLAN on %s.", by)}
	}
	msg := fmt.Sprintf("TCP %d to %s is silently dropped", e.port, e.room)
	if other := e.answersOther(); other != "" {
		return msg + "; " + other + ", so a firewall or ACL drops TCP " + fmt.Sprint(e.port) + " specifically.", dropSteps(e)
	}
	return msg + ": a firewall or ACL on the path drops it, or the room is off.", dropSteps(e)
}

func dropSteps(e evidence) []string {
	return []string{
		fmt.Sprintf("Find the ACL or firewall between this network and the room VLAN and permit TCP %d to %s, and its return traffic.", e.port, e.room),
		"Check for asymmetric routing through a stateful firewall (ping works, TCP does not).",
	}
}

// pathStory tells where pathcheck saw the path die.
func (e evidence) pathStory(p report.Result, d *pathprobe.Detail) (string, []string) {
	by := dashIfEmpty(p.ReportedBy)
	switch p.Observed {
	case vocab.PathRejected:
		return fmt.Sprintf("TCP %d to %s is rejected by %s%s with %s: an ACL or firewall on that device refuses it.", e.port, e.room, by, hopOf(d.RejectHop), rejectText(p.Reason)),
			[]string{fmt.Sprintf("Ask for a permit from this subnet to %s TCP %d on %s.", e.room, e.port, by)}
	case vocab.PathResetByMiddlebox:
		return fmt.Sprintf("TCP %d to %s is reset by a device at hop %s, not by the room: a firewall that denies with a forged RST.", e.port, e.room, intOr(d.ResetHop)),
			[]string{fmt.Sprintf("Find the firewall at that hop and permit TCP %d to %s.", e.port, e.room)}
	case vocab.PathUnreachable:
		if p.Reason == vocab.ReasonNetUnreach {
			return fmt.Sprintf("%s%s has no route to %s's subnet (ICMP network unreachable).", by, hopOf(d.RejectHop), e.room),
				[]string{fmt.Sprintf("Add or redistribute the route to the room VLAN on %s.", by)}
		}
		return fmt.Sprintf("%s%s has a route to %s but the room does not answer ARP/ND there: the room is off, unplugged, on another VLAN or has another address.", by, hopOf(d.RejectHop), e.room),
			[]string{"Check that the room is on, on the right VLAN, and has the address the controller uses."}
	case vocab.PathMaxHops:
		return fmt.Sprintf("TCP %d to %s did not arrive within %d hops: a routing loop or a very long path.", e.port, e.room, d.MaxHops),
			[]string{"Look for a routing loop between the last hops of the trace (pathcheck shows them)."}
	}
	return e.dropStory(d)
}

// dropStory words a silent drop, citing the last hop that answered, any
// other port the room answers, and what the path check could place: a
// gateway answering ARP for the room, a drop right before the room (its
// last router or its own firewall) or one before its last router.
func (e evidence) dropStory(d *pathprobe.Detail) (string, []string) {
	if msg, steps, ok := e.proxyARPStory(d); ok {
		return msg, steps
	}
	why := "a firewall or ACL beyond it drops it"
	if other := e.answersOther(); other != "" {
		why = other + ", so an ACL between this network and the room VLAN drops " + fmt.Sprint(e.port)
	}
	if d.LastHop == nil || *d.LastHop == "" {
		return fmt.Sprintf("TCP %d to %s is silently dropped before the first hop answers: %s.", e.port, e.room, why), dropSteps(e)
	}
	last := *d.LastHop + hopOf(d.LastHopTTL)
	switch {
	case d.LastHopIsRoomGateway != nil && *d.LastHopIsRoomGateway && d.Control != nil:
		return fmt.Sprintf("TCP %d to %s is silently dropped after %s, the room's last router, while the room answers TCP %d right behind it: either an ACL on %s toward the room or a firewall on the room itself drops %d; from here the two look alike (both drop the SYN beyond the last router that answers, and neither answers).",
				e.port, e.room, last, d.Control.Port, *d.LastHop, e.port),
			[]string{fmt.Sprintf("Check the room computer's inbound firewall rules (and any security product on it) for Zoom Rooms, TCP %d.", e.port),
				fmt.Sprintf("Test TCP %d from the room's own VLAN or switch port: if it passes there, the ACL on %s is the cause; permit TCP %d to %s there.", e.port, *d.LastHop, e.port, e.room)}
	case d.LastHopIsRoomGateway != nil && d.Control != nil && d.Control.NextRouter != nil:
		next := d.Control.NextRouter.Addr() + hopOf(&d.Control.NextRouter.TTL)
		return fmt.Sprintf("TCP %d to %s is silently dropped between %s and %s: TCP %d gets through %s to the room, so a device between them drops %d, not the room's own firewall.",
			e.port, e.room, last, next, d.Control.Port, d.Control.NextRouter.Addr(), e.port), dropSteps(e)
	}
	return fmt.Sprintf("TCP %d to %s is silently dropped after %s; %s.", e.port, e.room, last, why), dropSteps(e)
}

// proxyARPStory words Wi-Fi client isolation by proxy ARP: the room is on
// this subnet, but the gateway answers for it.
func (e evidence) proxyARPStory(d *pathprobe.Detail) (string, []string, bool) {
	pa := d.ProxyARP
	if pa == nil || (!pa.SameMAC && pa.Hairpin == nil) {
		return "", nil, false
	}
	var ev []string
	if pa.SameMAC {
		ev = append(ev, fmt.Sprintf("its ARP entry holds %s, the MAC of the gateway %s", pa.RoomMAC, pa.Gateway))
	}
	if pa.Hairpin != nil {
		ev = append(ev, fmt.Sprintf("a SYN with TTL %d came back as ICMP time exceeded from %s", pa.Hairpin.TTL, pa.Hairpin.Addr()))
	}
	return fmt.Sprintf("%s is on this subnet, but %s: the gateway answers ARP for the room with its own MAC (proxy ARP) and drops client-to-client traffic, Wi-Fi client isolation by proxy ARP; TCP %d never reaches the room.",
			e.room, strings.Join(ev, ", and "), e.port),
		[]string{"Allow client-to-client traffic for the controller and the room on that SSID (turn off client/peer isolation), or put the room on a wired VLAN routed from the controller network.",
			fmt.Sprintf("If the isolation must stay, permit TCP %d from the controller to the room on the gateway's client-isolation exceptions.", e.port)}, true
}

// rejectText names the ICMP message behind a reject reason.
func rejectText(reason vocab.Reason) string {
	switch reason {
	case vocab.ReasonAdminProhibited:
		return "ICMP administratively prohibited"
	case vocab.ReasonPortUnreach:
		return "ICMP port unreachable"
	}
	return "an ICMP error (" + string(reason) + ")"
}

func hopOf(hop *int) string {
	if hop == nil {
		return ""
	}
	return fmt.Sprintf(" (hop %d)", *hop)
}

func intOr(n *int) string {
	if n == nil {
		return "?"
	}
	return fmt.Sprint(*n)
}
