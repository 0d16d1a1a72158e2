package probe

import (
	"fmt"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
)

// ICMP describes an ICMP or ICMPv6 error read from a socket's error queue.
type ICMP struct {
	V6   bool   `json:"v6"`
	Type uint8  `json:"type"`
	Code uint8  `json:"code"`
	From string `json:"from"`
	// Local is true when the sender is this host: the kernel reports its
	// own neighbour (ARP/ND) failure as a host-unreachable from itself.
	Local bool `json:"local"`
}

// String renders the message as "ICMP 3/13" or "ICMPv6 1/1".
func (m ICMP) String() string {
	if m.V6 {
		return fmt.Sprintf("ICMPv6 %d/%d", m.Type, m.Code)
	}
	return fmt.Sprintf("ICMP %d/%d", m.Type, m.Code)
}

// outcome is the classification of one connect attempt.
type outcome struct {
	observed vocab.Observed
	reason   vocab.Reason
	failure  vocab.Failure
}

// classifyICMP maps an ICMP error ending a connect to its outcome, with
// the one ICMP table of the code base (netpath.ClassifyICMP, which the
// trace uses too). ok is false for messages that do not end a connect
// (fragmentation needed, packet too big).
func classifyICMP(m ICMP) (outcome, bool) {
	reply, kind, ok := netpath.ClassifyICMP(m.V6, m.Type, m.Code)
	if !ok {
		return outcome{}, false
	}
	if reply == netpath.ReplyTimeExceeded {
		// The SYN left with a full TTL: time exceeded means a routing loop.
		return reasonOutcome(vocab.ReasonTTLExceeded), true
	}
	return reasonOutcome(kind), true
}

// reasonOutcome gives the observed state and failure string of a reason.
func reasonOutcome(reason vocab.Reason) outcome {
	switch reason {
	case vocab.ReasonSynAck:
		return outcome{vocab.TCPOpen, reason, ""}
	case vocab.ReasonConnRefused:
		return outcome{vocab.TCPClosed, reason, vocab.FailureConnectionRefused}
	case vocab.ReasonNoResponse:
		return outcome{vocab.TCPFiltered, reason, vocab.FailureTimeout}
	case vocab.ReasonAdminProhibited:
		return outcome{vocab.TCPFiltered, reason, vocab.FailureHostUnreachable}
	case vocab.ReasonPortUnreach:
		return outcome{vocab.TCPFiltered, reason, vocab.FailureConnectionRefused}
	case vocab.ReasonHostUnreach, vocab.ReasonTTLExceeded, vocab.ReasonParameterProblem:
		return outcome{vocab.TCPUnreachable, reason, vocab.FailureHostUnreachable}
	case vocab.ReasonNetUnreach:
		return outcome{vocab.TCPUnreachable, reason, vocab.FailureNetworkUnreachable}
	case vocab.ReasonNoRoute:
		return outcome{vocab.TCPNoRoute, reason, vocab.FailureNetworkUnreachable}
	case vocab.ReasonLocalPolicy:
		return outcome{vocab.TCPLocalDenied, reason, vocab.FailurePermissionDenied}
	}
	return outcome{vocab.TCPUnreachable, reason, vocab.Unknown(string(reason))}
}

// classifyConnectFailure maps the failure string of a connect error that
// came without an ICMP message to a reason. routeProblem is true when the
// local table has no usable route (checked by the caller). Every failure
// gets a reason: a reset during connect means the handshake completed and
// a reset followed at once (handshake_by_middlebox, closed); what says
// nothing about the network (an unmapped errno, a local abort) is not_run.
func classifyConnectFailure(failure vocab.Failure, routeProblem bool) outcome {
	if routeProblem {
		return reasonOutcome(vocab.ReasonNoRoute)
	}
	switch failure {
	case vocab.FailureConnectionRefused:
		return reasonOutcome(vocab.ReasonConnRefused)
	case vocab.FailureConnectionReset:
		return middleboxOutcome(netpath.AfterHandshakeReset)
	case vocab.FailureTimeout:
		return reasonOutcome(vocab.ReasonNoResponse)
	case vocab.FailureHostUnreachable:
		return reasonOutcome(vocab.ReasonHostUnreach)
	case vocab.FailureNetworkUnreachable:
		return reasonOutcome(vocab.ReasonNetUnreach)
	case vocab.FailureNetworkDown:
		return outcome{vocab.TCPNoRoute, vocab.ReasonNoRoute, failure}
	case vocab.FailurePermissionDenied:
		return reasonOutcome(vocab.ReasonLocalPolicy)
	}
	return outcome{vocab.TCPNotRun, "", failure}
}

// middleboxOutcome is the outcome of a handshake that something short of
// the room completed: closed when a reset followed it (the room refuses
// behind it), filtered when nothing acknowledged anything after it.
func middleboxOutcome(after string) outcome {
	if after == netpath.AfterHandshakeReset {
		return outcome{vocab.TCPClosed, vocab.ReasonHandshakeByMiddlebox, vocab.FailureConnectionReset}
	}
	return outcome{vocab.TCPFiltered, vocab.ReasonHandshakeByMiddlebox, vocab.FailureTimeout}
}

// judgeAfter classifies an attempt whose handshake completed by what
// followed it: acked (or unconfirmed) stays open, reset and silent are a
// middlebox's handshake.
func judgeAfter(a *attempt) {
	switch a.after {
	case netpath.AfterHandshakeReset, netpath.AfterHandshakeSilent:
		a.out = middleboxOutcome(a.after)
	}
}
