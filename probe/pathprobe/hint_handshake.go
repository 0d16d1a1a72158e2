package pathprobe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
)

// pathHint is the result's hint: hint's, or the middlebox hint for a
// handshake some device completed in the room's name, followed by what
// the trace could not see (a SYN proxy in front of a room that answered,
// hops that sent no time exceeded).
func pathHint(e evidence, v verdict) string {
	h := ""
	if v.reason == vocab.ReasonHandshakeByMiddlebox {
		h = handshakeHint(e, v)
	} else {
		h = hint(e, v)
	}
	return joinSentences(h, proxiedHint(e, v), silentHopsHint(e, v))
}

// handshakeHint words a handshake a device short of the room completed:
// a reset right after it, or nothing.
func handshakeHint(e evidence, v verdict) string {
	t := e.trace.Summary.Terminal
	lead := fmt.Sprintf("Something completed the TCP %d handshake in %s's name at TTL %d (a SYN proxy, a firewall's TCP intercept or SYN cookies)", e.port, e.target, t.TTL)
	where := "pathcheck run as root places the device by the SYN-ACK's IP TTL"
	if sa := e.trace.SynAck; sa != nil {
		where = fmt.Sprintf("by its IP TTL (%d, from an initial %d) the SYN-ACK came from hop %d", sa.TTL, sa.InitialTTL, sa.Hop)
		if v.reportedBy != "" {
			where += " (" + v.reportedBy + ")"
		}
		if sa.Hop < t.TTL {
			where += ", short of the room"
		}
	}
	if t.AfterHandshake == netpath.AfterHandshakeReset {
		who := "behind it the room refuses the port (for 9090: the Zoom Rooms app is not running), or the device refuses it itself"
		if v.observed == vocab.PathResetByMiddlebox {
			who = fmt.Sprintf("the reset came from hop %d as well, so the device refuses the port itself; ask for a permit there", *v.resetHop)
		}
		return fmt.Sprintf("%s, and a reset followed at once: %s. Port scanners call this port open; %s.", lead, who, where)
	}
	return fmt.Sprintf("%s, but nothing behind it acknowledged anything after it: the room is off or unplugged, or the device's own SYN toward it is dropped. Port scanners (nmap -sT) call this port open; %s.", lead, where)
}

// proxiedHint notes, for a room that answered, a SYN-ACK whose IP TTL put
// its sender short of the room: a SYN proxy stands in front, transparent
// while the room answers behind it.
func proxiedHint(e evidence, v verdict) string {
	if e.trace == nil || v.observed != vocab.PathReached || v.reason != vocab.ReasonSynAck {
		return ""
	}
	t, sa := e.trace.Summary.Terminal, e.trace.SynAck
	if t == nil || sa == nil || sa.Hop >= t.TTL {
		return ""
	}
	return fmt.Sprintf("The SYN-ACK came from hop %d by its IP TTL, short of the TTL %d the SYN needed: a SYN proxy (or TCP intercept) answers for %s, and the room acknowledged behind it.", sa.Hop, t.TTL, e.target)
}

// silentHopsHint says which hops sent no time exceeded, and that a reject
// from a router behind them is not numbered.
func silentHopsHint(e evidence, v verdict) string {
	if e.trace == nil || len(e.trace.Summary.SilentHops) == 0 {
		return ""
	}
	hops := e.trace.Summary.SilentHops
	noun := "Hop"
	if len(hops) > 1 {
		noun = "Hops"
	}
	s := fmt.Sprintf("%s %s sent no time exceeded (a router that sends none, or rate-limits it), so %s not known and nothing is blamed on %s.",
		noun, ttlRanges(hops), map[bool]string{true: "their addresses are", false: "its address is"}[len(hops) > 1],
		map[bool]string{true: "them", false: "it"}[len(hops) > 1])
	if t := e.trace.Summary.Terminal; t != nil && t.Reply == netpath.ReplyUnreachable && v.rejectHop == nil && t.Address != nil {
		s += fmt.Sprintf(" %s answered the TTL %d probe; it may be the silent hop before it, so its hop number is not given.", t.Addr(), t.TTL)
	}
	return s
}

// ttlRanges renders sorted TTLs as "2", "2-3" or "1, 3-4".
func ttlRanges(ttls []int) string {
	var parts []string
	for i := 0; i < len(ttls); {
		j := i
		for j+1 < len(ttls) && ttls[j+1] == ttls[j]+1 {
			j++
		}
		p := strconv.Itoa(ttls[i])
		if j > i {
			p += "-" + strconv.Itoa(ttls[j])
		}
		parts = append(parts, p)
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// joinSentences joins the non-empty hints with spaces.
func joinSentences(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
