package triage

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// addressOf is the room address a tcp or path result probed; "" for
// other results.
func addressOf(r report.Result) string {
	if d := tcpDetail(r); d != nil {
		return d.Address
	}
	if d := pathDetail(r); d != nil {
		return d.Address
	}
	return ""
}

// roomAddrs lists the room's addresses in report order, and those that
// accept the controller port.
func (e evidence) roomAddrs() (all, working []string) {
	seen := map[string]bool{}
	for _, r := range e.all {
		a := addressOf(r)
		if a == "" {
			continue
		}
		if !seen[a] {
			seen[a] = true
			all = append(all, a)
		}
		if p, _ := portOf(r); r.Check == vocab.CheckTCP && p == e.port && r.Observed == vocab.TCPOpen && r.Status == report.StatusPass {
			working = append(working, a)
		}
	}
	return all, working
}

// only is the evidence of one of the room's addresses: its own results
// and every result that is not about an address, with the address as the
// room's name.
func (e evidence) only(addr string) evidence {
	sub := evidence{room: addr, port: e.port}
	for _, r := range e.all {
		if a := addressOf(r); a == "" || a == addr {
			sub.all = append(sub.all, r)
		}
	}
	return sub
}

// perAddress words a room-side failure when the room has several
// addresses: which work and which fail, and what that means for a
// controller. ok is false when the room has one address, or none works
// and none fails differently.
func (e evidence) perAddress(layer vocab.Layer, failed []report.Result) (msg string, steps []string, ok bool) {
	all, working := e.roomAddrs()
	bad := addressOf(failed[0])
	if len(all) < 2 || bad == "" {
		return "", nil, false
	}
	var mine []report.Result
	for _, f := range failed {
		if addressOf(f) == bad {
			mine = append(mine, f)
		}
	}
	what, steps := e.only(bad).explainOne(layer, mine)
	if len(working) == 0 {
		return what + " " + e.othersFail(bad), steps, true
	}
	fam := family(bad)
	msg = fmt.Sprintf("%s works over %s (%s) but not over %s (%s): %s A controller that prefers %s fails.",
		e.room, familyOf(working), strings.Join(working, ", "), fam, bad, what, fam)
	steps = append(steps, fmt.Sprintf("Permit TCP %d to the room's %s address %s as well: %s and IPv4 rules are kept apart on most firewalls.", e.port, fam, bad, fam))
	return msg, steps, true
}

// othersFail names what the room's other addresses got on the controller
// port.
func (e evidence) othersFail(bad string) string {
	var parts []string
	for _, r := range e.all {
		if p, _ := portOf(r); r.Check == vocab.CheckTCP && p == e.port && addressOf(r) != bad && r.Status != report.StatusPass {
			parts = append(parts, fmt.Sprintf("%s %s", addressOf(r), observedText(r)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "The room's other addresses fail too: " + strings.Join(parts, "; ") + "."
}

func observedText(r report.Result) string {
	if r.Reason != "" {
		return fmt.Sprintf("%s (%s)", r.Observed, r.Reason)
	}
	return string(r.Observed)
}

// family names an address's IP version.
func family(a string) string {
	if ip, err := netip.ParseAddr(a); err == nil && ip.Is6() && !ip.Is4In6() {
		return "IPv6"
	}
	return "IPv4"
}

// familyOf names the IP versions of addrs.
func familyOf(addrs []string) string {
	v4, v6 := false, false
	for _, a := range addrs {
		if family(a) == "IPv6" {
			v6 = true
		} else {
			v4 = true
		}
	}
	switch {
	case v4 && v6:
		return "IPv4 and IPv6"
	case v6:
		return "IPv6"
	}
	return "IPv4"
}
