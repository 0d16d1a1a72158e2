package netpath

import (
	"fmt"

	"github.com/roompath/roompath/probe/vocab"
)

// Replies a TTL's probe can get (Hop.Reply).
const (
	// ReplyTimeExceeded: a router on the path sent ICMP time exceeded; its
	// address is the hop.
	ReplyTimeExceeded = "time_exceeded"
	// ReplySynAck: the destination accepted the connection.
	ReplySynAck = "syn_ack"
	// ReplyRST: a reset in the destination's name (from the destination,
	// or forged by a firewall).
	ReplyRST = "rst"
	// ReplyUnreachable: an ICMP destination unreachable; Hop.Unreachable
	// says which kind.
	ReplyUnreachable = "unreachable"
	// ReplyNone: silence until the deadline.
	ReplyNone = "none"
	// ReplyLocalError: the probe could not be sent (Hop.Failure says why).
	ReplyLocalError = "local_error"
)

// Kinds of ICMP destination unreachable (Hop.Unreachable), named as the
// TCP reasons of DESIGN.md.
const ()

// What followed a SYN-ACK (Hop.AfterHandshake): the probe sent a FIN at
// once and watched the socket, so a device that completed the handshake
// in the room's name with nothing (or a refusing room) behind it shows.
const (
	// AfterHandshakeAcked: the far end's TCP sent something after the
	// SYN-ACK that is not a reset (acknowledged the FIN, opened the window
	// a SYN proxy keeps shut, sent data or its own FIN): something behind
	// the handshake answered.
	AfterHandshakeAcked = "acked"
	// AfterHandshakeReset: a reset came right after the handshake.
	AfterHandshakeReset = "reset"
	// AfterHandshakeSilent: nothing acknowledged the FIN within the wait.
	AfterHandshakeSilent = "silent"
	// AfterHandshakeUnconfirmed: the deadline ended the wait too soon to
	// tell.
	AfterHandshakeUnconfirmed = "unconfirmed"
)

// HopICMP is the ICMP message behind a hop.
type HopICMP struct {
	V6   bool  `json:"v6"`
	Type uint8 `json:"type"`
	Code uint8 `json:"code"`
}

// String renders the message as "ICMP 3/13" or "ICMPv6 1/1".
func (m HopICMP) String() string {
	if m.V6 {
		return fmt.Sprintf("ICMPv6 %d/%d", m.Type, m.Code)
	}
	return fmt.Sprintf("ICMP %d/%d", m.Type, m.Code)
}

// Hop is what one TTL's probe got back.
type Hop struct {
	// TTL is the probe's IP TTL (IPv6 hop limit).
	TTL int `json:"ttl"`
	// Address is who answered; nil for silence and for answers whose
	// sender the platform does not tell.
	Address *string `json:"address"`
	// RTTMS is the time from the SYN to the answer; nil for silence.
	RTTMS *float64 `json:"rtt_ms"`
	// Reply is one of the Reply* constants.
	Reply string `json:"reply"`
	// Unreachable is the kind of an unreachable reply (Unreach*).
	Unreachable vocab.Reason `json:"unreachable,omitempty"`
	// ICMP is the message behind time_exceeded and unreachable replies,
	// when it was read.
	ICMP *HopICMP `json:"icmp,omitempty"`
	// Local is true when the answer came from this host itself: its own
	// neighbour (ARP/ND) resolution failed.
	Local bool `json:"local,omitempty"`
	// Failure is the failure string of a local_error, or of an unreachable
	// known only by its errno.
	Failure vocab.Failure `json:"failure,omitempty"`
	// AfterHandshake is what followed a SYN-ACK (AfterHandshake*); empty
	// for other replies, for SYN-ACKs above the terminal TTL, and where
	// the platform cannot tell (no TCP_INFO).
	AfterHandshake string `json:"after_handshake,omitempty"`
	// QuotedTOS is the TOS (IPv6 traffic-class) byte of the probe as this
	// hop received it, read from the IP header its ICMP error quotes (a
	// UDP trace with a raw ICMP socket); nil when not read.
	QuotedTOS *int `json:"quoted_tos,omitempty"`

	// cancelled marks a probe ended early because the trace was decided
	// or interrupted; it says nothing about the path.
	cancelled bool
	// pending marks a SYN-ACK handed over early, while its probe checks
	// what follows; the final hop comes later.
	pending bool
}

// Addr returns the hop's address, or "" when none answered.
func (h Hop) Addr() string {
	if h.Address == nil {
		return ""
	}
	return *h.Address
}

// Terminal reports whether the reply ends the path: nothing beyond this TTL
// can say more.
func (h Hop) Terminal() bool {
	switch h.Reply {
	case ReplySynAck, ReplyRST, ReplyUnreachable, ReplyLocalError:
		return true
	}
	return false
}

// ClassifyICMP maps an ICMP or ICMPv6 type and code to the reply it gives a
// TCP probe and, for destination unreachable, its kind. ok is false for
// messages that do not end a connect (redirects, fragmentation needed,
// packet too big, echo).
func ClassifyICMP(v6 bool, typ, code uint8) (reply string, kind vocab.Reason, ok bool) {
	if v6 {
		return classifyICMP6(typ, code)
	}
	return classifyICMP4(typ, code)
}

func classifyICMP4(typ, code uint8) (string, vocab.Reason, bool) {
	switch typ {
	case 11:
		return ReplyTimeExceeded, "", true
	case 12:
		return ReplyUnreachable, vocab.ReasonParameterProblem, true
	case 3:
		switch code {
		case 0, 6, 11:
			return ReplyUnreachable, vocab.ReasonNetUnreach, true
		case 1, 5, 7, 8, 12:
			return ReplyUnreachable, vocab.ReasonHostUnreach, true
		case 2, 3:
			return ReplyUnreachable, vocab.ReasonPortUnreach, true
		case 9, 10, 13, 14, 15:
			return ReplyUnreachable, vocab.ReasonAdminProhibited, true
		}
	}
	return "", "", false
}

func classifyICMP6(typ, code uint8) (string, vocab.Reason, bool) {
	switch typ {
	case 3:
		return ReplyTimeExceeded, "", true
	case 4:
		return ReplyUnreachable, vocab.ReasonParameterProblem, true
	case 1:
		switch code {
		case 0, 2:
			return ReplyUnreachable, vocab.ReasonNetUnreach, true
		case 1, 5, 6:
			return ReplyUnreachable, vocab.ReasonAdminProhibited, true
		case 3:
			return ReplyUnreachable, vocab.ReasonHostUnreach, true
		case 4:
			return ReplyUnreachable, vocab.ReasonPortUnreach, true
		}
	}
	return "", "", false
}

// PathSummary is what a trace's hops say about the path.
type PathSummary struct {
	// Terminal is the first hop with a terminal reply; nil when none came.
	Terminal *Hop
	// LastHop is the highest-TTL hop whose sender answered (any reply with
	// an address); nil when nothing answered.
	LastHop *Hop
	// Silent counts the TTLs (up to Terminal) that got no answer.
	Silent int
	// SilentHops lists the TTLs that got no answer below the highest TTL
	// that got one: routers that send no time exceeded, or rate-limit it
	// (Linux: one a second per destination). Their addresses are unknown.
	SilentHops []int
	// Loop is true when an address answered at two TTLs with another
	// address between them: a routing loop.
	Loop bool
	// Exhausted is true when the highest TTL probed still expired in
	// transit: the path is longer than the TTLs probed, or loops.
	Exhausted bool
}

// Summarize orders hops by TTL, drops those above the first terminal reply
// and describes what is left. It is pure: no sockets.
func Summarize(hops []Hop) ([]Hop, PathSummary) {
	byTTL := append([]Hop(nil), hops...)
	sortHops(byTTL)
	var s PathSummary
	for i := range byTTL {
		if byTTL[i].Terminal() {
			byTTL = byTTL[:i+1]
			s.Terminal = &byTTL[i]
			break
		}
	}
	for i := range byTTL {
		h := &byTTL[i]
		if h.Reply == ReplyNone {
			s.Silent++
		}
		if h.Address != nil {
			s.LastHop = h
		}
	}
	s.SilentHops = silentBelow(byTTL)
	s.Loop = hasLoop(byTTL)
	if n := len(byTTL); n > 0 && s.Terminal == nil {
		s.Exhausted = byTTL[n-1].Reply == ReplyTimeExceeded
	}
	return byTTL, s
}

// silentBelow lists the silent TTLs below the highest TTL that answered.
func silentBelow(hops []Hop) []int {
	top := 0
	for _, h := range hops {
		if h.Reply != ReplyNone {
			top = max(top, h.TTL)
		}
	}
	var out []int
	for _, h := range hops {
		if h.Reply == ReplyNone && h.TTL < top {
			out = append(out, h.TTL)
		}
	}
	return out
}

func sortHops(h []Hop) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].TTL < h[j-1].TTL; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// hasLoop reports whether an address answered time exceeded at two TTLs
// with a different address answering between them.
func hasLoop(hops []Hop) bool {
	seen := map[string]int{} // address -> index of its last answer
	prev := ""
	for i, h := range hops {
		a := h.Addr()
		if h.Reply != ReplyTimeExceeded || a == "" {
			continue
		}
		if _, ok := seen[a]; ok && a != prev {
			return true
		}
		seen[a], prev = i, a
	}
	return false
}
