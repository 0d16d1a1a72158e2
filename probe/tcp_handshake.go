package probe

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// locateAnswerer runs one more connect with a raw capture open after a's
// handshake was found to come from a middlebox, so that the
// SYN-ACK's (and the reset's) IP TTL place their senders: a SYN-ACK and a
// reset from the same distance are one host that accepted and at once
// reset (closed, conn_refused), not a middlebox.
func (p *TCP) locateAnswerer(ctx context.Context, dst netip.AddrPort, a *attempt, det *TCPDetail) {
	if p.cfg.NoRaw {
		det.HandshakeNote = handshakeNote(a, netpath.SynAckNoteDisabled)
		return
	}
	l := p.locate(ctx, dst, p.cfg.Timeout, a.after == netpath.AfterHandshakeReset)
	if l.synAck == nil {
		det.HandshakeNote = handshakeNote(a, l.note)
		return
	}
	det.HandshakeCheck, det.SynAck, det.Reset = HandshakeCheckRawTTL, l.synAck, l.reset
	switch {
	case a.after != netpath.AfterHandshakeReset:
		det.HandshakeNote = handshakeNote(a, "") + fmt.Sprintf("; the room's own distance is unknown (it never answered); the SYN-ACK came from hop %d", l.synAck.Hop)
	case l.reset == nil:
		det.HandshakeNote = "the reset after the located connect was not captured, so whether it came from the room is not known"
	case l.reset.Hop == l.synAck.Hop:
		a.out = outcome{vocab.TCPClosed, vocab.ReasonConnRefused, vocab.FailureConnectionReset}
		det.HandshakeNote = fmt.Sprintf("the SYN-ACK and the reset came from the same distance (hop %d by IP TTL): the host accepted the connection and reset it at once (or one device sent both)", l.synAck.Hop)
	default:
		det.HandshakeNote = fmt.Sprintf("the SYN-ACK came from hop %d, the reset from hop %d, by their IP TTLs: a device answered the handshake short of whatever refused", l.synAck.Hop, l.reset.Hop)
	}
}

// fillHandshake copies what the reported attempt saw after its handshake
// into the detail.
func fillHandshake(det *TCPDetail, a attempt) {
	if !a.checked {
		return
	}
	if det.HandshakeCheck == "" {
		det.HandshakeCheck = handshakeCheckMode
	}
	det.AfterHandshake, det.ZeroWindow = a.after, a.zeroWindow
	if a.waited > 0 {
		det.AfterHandshakeMS = report.Float(report.MS(a.waited))
	}
	if det.HandshakeNote == "" && det.HandshakeCheck != HandshakeCheckRawTTL {
		det.HandshakeNote = handshakeNote(&a, "")
	}
}

// handshakeNote says what the handshake check could not tell; rawNote
// says why the raw capture did not place the answer (empty when it was
// not tried).
func handshakeNote(a *attempt, rawNote string) string {
	var note string
	switch a.after {
	case netpath.AfterHandshakeReset:
		note = "a reset followed the handshake at once: a SYN proxy relaying the room's refusal looks like a host that accepts and at once resets (an accept queue overflow with tcp_abort_on_overflow)"
	case netpath.AfterHandshakeSilent:
		note = fmt.Sprintf("nothing acknowledged this side's FIN within %s of the handshake: a host whose accept queue is full (it drops the handshake's last ACK) looks the same", a.waited.Round(time.Millisecond))
	case netpath.AfterHandshakeUnconfirmed:
		return fmt.Sprintf("the attempt's deadline came %s after the handshake, too soon to tell a room from a SYN proxy with nothing behind it: raise --timeout", a.waited.Round(time.Millisecond))
	case "":
		if handshakeCheckMode == HandshakeCheckResetOnly {
			return "no TCP_INFO on this platform: a device that completes the handshake with nothing behind it reads as open"
		}
		return ""
	default:
		return ""
	}
	if rawNote != "" {
		note += "; the SYN-ACK's sender was not placed by IP TTL: " + rawNote
	}
	return note
}
