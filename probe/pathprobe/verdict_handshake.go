package pathprobe

import (
	"slices"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// judgeSynAck decides from a SYN-ACK by what followed it (the trace sent a
// FIN at once and watched the socket): the far end acknowledging it is the
// room answering (reached, with or without a SYN proxy in front); a reset
// right after it, or nothing at all, is a handshake some device short of
// the room completed in its name, never reached and passing. In raw mode
// the IP TTLs of the SYN-ACK and the reset place their senders.
func judgeSynAck(e evidence, t netpath.Hop, v verdict) verdict {
	v.status, v.observed, v.reason, v.operation = report.StatusPass, vocab.PathReached, vocab.ReasonSynAck, ""
	if e.route.Tunnel {
		v.status = report.StatusWarn
	}
	switch t.AfterHandshake {
	case netpath.AfterHandshakeReset:
		v = judgeResetAfterSynAck(e, t, v)
	case netpath.AfterHandshakeSilent:
		v.status, v.observed, v.reason = report.StatusFail, vocab.PathDropped, vocab.ReasonHandshakeByMiddlebox
		v.operation, v.failure, v.reportedBy = vocab.OpTraceHop, vocab.FailureTimeout, ""
	case netpath.AfterHandshakeUnconfirmed:
		v.status = report.StatusWarn
	}
	if sa := e.trace.SynAck; sa != nil && sa.Hop < t.TTL && v.reason == vocab.ReasonHandshakeByMiddlebox {
		v.reportedBy = addrAt(e.trace.Hops, sa.Hop) // the device, when it answered that TTL
	}
	return v
}

// judgeResetAfterSynAck: a reset came right after the SYN-ACK. Unprivileged
// that is a middlebox's handshake with the room refusing behind it
// (reached: the reset is not shown to be forged). In raw mode a reset from
// short of the room came from the device too (reset_by_middlebox); a
// SYN-ACK and a reset both from the room's distance are the room itself
// accepting and resetting at once (reached, conn_refused, as a closed
// port).
func judgeResetAfterSynAck(e evidence, t netpath.Hop, v verdict) verdict {
	v.status, v.observed, v.reason = report.StatusFail, vocab.PathReached, vocab.ReasonHandshakeByMiddlebox
	v.operation, v.failure, v.reportedBy = vocab.OpConnect, vocab.FailureConnectionReset, ""
	r, sa := e.trace.Reset, e.trace.SynAck
	if r == nil {
		return v
	}
	hop := r.Hop
	v.resetHop = &hop
	switch {
	case hop < t.TTL:
		v.observed, v.operation = vocab.PathResetByMiddlebox, vocab.OpTraceHop
		v.reportedBy = addrAt(e.trace.Hops, hop)
	case sa != nil && sa.Hop >= t.TTL:
		v.status, v.reason, v.reportedBy = report.StatusWarn, vocab.ReasonConnRefused, t.Addr()
	}
	return v
}

// rejectHopOf is the hop of the router that sent the terminal reject: the
// lowest TTL its address answered at. When that is only the reject's own
// TTL while a lower TTL stayed silent, the router is not numbered: it may
// be that silent hop (routers reject after the TTL check, one TTL past
// their own), and a guess would shift the blame. Nil too in connect mode,
// where the sender is not known.
func rejectHopOf(tr *netpath.Trace, t netpath.Hop) *int {
	if t.Address == nil {
		return nil
	}
	hop := firstTTLOf(tr.Hops, t)
	if hop == t.TTL && slices.ContainsFunc(tr.Summary.SilentHops, func(ttl int) bool { return ttl < t.TTL }) {
		return nil
	}
	return &hop
}

// fillHandshake copies into the detail how the trace judged the handshake
// of a terminal SYN-ACK (or a reset right after one).
func fillHandshake(det *Detail, tr netpath.Trace) {
	t := tr.Summary.Terminal
	if t == nil || t.Reply != netpath.ReplySynAck {
		return
	}
	det.AfterHandshake, det.SynAck = t.AfterHandshake, tr.SynAck
	if t.AfterHandshake == netpath.AfterHandshakeReset || t.AfterHandshake == netpath.AfterHandshakeSilent {
		lastRealHop(det, tr.Hops, t.TTL) // the SYN-ACK came in the room's name, not from it
	}
	switch {
	case tr.SynAck != nil:
		det.HandshakeCheck = HandshakeCheckRawTTL
	case t.AfterHandshake != "":
		det.HandshakeCheck = HandshakeCheckPost
	}
	if tr.Mode == netpath.TraceModeConnect && t.AfterHandshake == "" {
		det.HandshakeNote = "who completed the handshake was not checked (no TCP_INFO on this platform): a SYN proxy with nothing behind it reads as reached"
	} else if tr.SynAck == nil && tr.SynAckNote != "" && t.AfterHandshake != netpath.AfterHandshakeAcked {
		det.HandshakeNote = "the SYN-ACK's sender was not placed by IP TTL: " + tr.SynAckNote
	}
}

// How the path check judged who completed the handshake
// (Detail.HandshakeCheck).
const (
	// HandshakeCheckPost: what followed the terminal SYN-ACK on its
	// socket (a FIN, watched for the far end's acknowledgement or a
	// reset), unprivileged.
	HandshakeCheckPost = "post_handshake"
	// HandshakeCheckRawTTL: that, plus the SYN-ACK's IP TTL read with a
	// raw socket (CAP_NET_RAW), held against the TTL the SYN needed.
	HandshakeCheckRawTTL = "raw_ttl"
)

// lastRealHop sets the detail's last hop to the highest TTL below ttl
// whose sender answered (a router's time exceeded); none when no router
// did.
func lastRealHop(det *Detail, hops []netpath.Hop, ttl int) {
	det.LastHop, det.LastHopTTL = nil, nil
	for _, h := range hops {
		if h.TTL < ttl && h.Address != nil {
			a, t := h.Addr(), h.TTL
			det.LastHop, det.LastHopTTL = &a, &t
		}
	}
}
