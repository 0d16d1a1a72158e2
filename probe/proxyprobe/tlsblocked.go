package proxyprobe

import (
	"fmt"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// BlockedReason decides why a handshake that failed with failure f after
// the TCP connection opened was stopped, from the controls (either may be
// nil): mtu_black_hole when the small-MSS control completed (the name
// passes, the full-sized segments do not), sni_filtered when the control
// name completed to the same address, otherwise reset, timeout, or
// handshake_failed (an EOF, an alert, an answer that is not TLS).
func BlockedReason(f vocab.Failure, c *ControlDetail, m *MTUProbe) vocab.Reason {
	switch {
	case m != nil && m.Completed:
		return vocab.ReasonMTUBlackHole
	case c != nil && c.Completed:
		return vocab.ReasonSNIFiltered
	case f == vocab.FailureConnectionReset:
		return vocab.ReasonHandshakeReset
	case f == vocab.FailureTimeout:
		return vocab.ReasonHandshakeTimeout
	}
	return vocab.ReasonHandshakeFailed
}

// blockedResult is the result of a stopped handshake toward host.
func blockedResult(host string, f vocab.Failure, c *ControlDetail, m *MTUProbe) report.Result {
	reason := BlockedReason(f, c, m)
	return failed(vocab.TLSBlocked, reason, f, vocab.OpTLSHandshake, blockedHint(reason, host, f, c, m))
}

// blockedHint says what the stopped handshake means and what to do.
func blockedHint(reason vocab.Reason, host string, f vocab.Failure, c *ControlDetail, m *MTUProbe) string {
	switch reason {
	case vocab.ReasonMTUBlackHole:
		return fmt.Sprintf("The TCP connection opens but the server's handshake flight never arrives, while the same handshake completes when the SYN asks for segments that fit %d-byte packets (MSS %d): "+
			"a link on the path carries less than full-sized packets and the ICMP \"fragmentation needed\" that would say so is filtered, an MTU black hole. "+
			"Permit ICMP type 3 code 4 (ICMPv6 type 2) through the path's firewalls, or clamp the TCP MSS on the router in front of the small link.", m.PacketBytes, m.MSSTried)
	case vocab.ReasonSNIFiltered:
		return fmt.Sprintf("A handshake naming %s is %s, while one naming %s to the same address and port completes: a firewall or URL-category/application filter stops TLS by its server name (SNI). "+
			"Allow the Zoom domains in that policy.", host, stoppedHow(f), c.Name)
	case vocab.ReasonHandshakeReset:
		return "The TCP connection opens but the handshake is reset" + controlClause(c) + ": a firewall resets TLS to this address, or the server refuses it; check the firewall's TLS and application rules for the Zoom ranges."
	case vocab.ReasonHandshakeTimeout:
		return "The TCP connection opens but the handshake stalls until the deadline" + controlClause(c) + mtuClause(m) +
			": a firewall that drops TLS to this address is likely; check its TLS and application rules for the Zoom ranges."
	}
	return "The TCP connection opens but the handshake fails (" + string(f) + ")" + controlClause(c) +
		": something on the path, or the server, breaks TLS to this address; a device answering in the server's place is likely."
}

// stoppedHow names the way a handshake was stopped.
func stoppedHow(f vocab.Failure) string {
	switch f {
	case vocab.FailureConnectionReset:
		return "reset"
	case vocab.FailureTimeout:
		return "dropped (it stalls until the deadline)"
	}
	return "cut off (" + string(f) + ")"
}

// controlClause says what the control name did, for a reason it did not
// change.
func controlClause(c *ControlDetail) string {
	switch {
	case c == nil || c.Skipped != "":
		return ""
	case c.Failure == vocab.FailureConnectionReset:
		return ", and so is a control naming " + c.Name
	}
	return "; a control naming " + c.Name + " did not complete either (" + string(c.Failure) + ")"
}

// mtuClause says what the small-MSS control did, when it ran.
func mtuClause(m *MTUProbe) string {
	if m == nil || m.Skipped != "" {
		return ""
	}
	return fmt.Sprintf(", nor did the same handshake in %d-byte packets (MSS %d), so it is no MTU black hole above that size", m.PacketBytes, m.MSSTried)
}
