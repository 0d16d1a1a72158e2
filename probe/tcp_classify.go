package probe

import (
	"fmt"

	"github.com/roompath/roompath/netpath"
)

// TCP observed states (DESIGN.md).
const (
	TCPOpen        = "open"
	TCPClosed      = "closed"
	TCPFiltered    = "filtered"
	TCPUnreachable = "unreachable"
	TCPNoRoute     = "no_route"
	TCPLocalDenied = "local_denied"
)

// TCP reasons (DESIGN.md), plus ttl_exceeded for a routing loop.
const (
	ReasonSynAck          = "syn_ack"
	ReasonConnRefused     = "conn_refused"
	ReasonNoResponse      = "no_response"
	ReasonAdminProhibited = "admin_prohibited"
	ReasonHostUnreach     = "host_unreach"
	ReasonNetUnreach      = "net_unreach"
	ReasonPortUnreach     = "port_unreach"
	ReasonNoRoute         = "no_route"
	ReasonLocalPolicy     = "local_policy"
	ReasonTTLExceeded     = "ttl_exceeded"
	// ReasonParameterProblem is an ICMP parameter problem (IPv4 type 12,
	// ICMPv6 type 4): a device on the path could not parse the SYN.
	ReasonParameterProblem = "parameter_problem"
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
	observed, reason, failure string
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
		return reasonOutcome(ReasonTTLExceeded), true
	}
	return reasonOutcome(kind), true
}

// reasonOutcome gives the observed state and failure string of a reason.
func reasonOutcome(reason string) outcome {
	switch reason {
	case ReasonSynAck:
		return outcome{TCPOpen, reason, ""}
	case ReasonConnRefused:
		return outcome{TCPClosed, reason, FailureConnectionRefused}
	case ReasonNoResponse:
		return outcome{TCPFiltered, reason, FailureTimeout}
	case ReasonAdminProhibited:
		return outcome{TCPFiltered, reason, FailureHostUnreachable}
	case ReasonPortUnreach:
		return outcome{TCPFiltered, reason, FailureConnectionRefused}
	case ReasonHostUnreach, ReasonTTLExceeded, ReasonParameterProblem:
		return outcome{TCPUnreachable, reason, FailureHostUnreachable}
	case ReasonNetUnreach:
		return outcome{TCPUnreachable, reason, FailureNetworkUnreachable}
	case ReasonNoRoute:
		return outcome{TCPNoRoute, reason, FailureNetworkUnreachable}
	case ReasonLocalPolicy:
		return outcome{TCPLocalDenied, reason, FailurePermissionDenied}
	}
	return outcome{TCPUnreachable, reason, FailureUnknownPrefix + reason}
}

// classifyErrnoFailure maps the failure string of a connect error that came
// without an ICMP message to a reason. routeProblem is true when the local
// table has no usable route (checked by the caller).
func classifyConnectFailure(failure string, routeProblem bool) outcome {
	if routeProblem {
		return reasonOutcome(ReasonNoRoute)
	}
	switch failure {
	case FailureConnectionRefused:
		return reasonOutcome(ReasonConnRefused)
	case FailureTimeout:
		return reasonOutcome(ReasonNoResponse)
	case FailureHostUnreachable:
		return reasonOutcome(ReasonHostUnreach)
	case FailureNetworkUnreachable:
		return reasonOutcome(ReasonNetUnreach)
	case FailurePermissionDenied:
		return reasonOutcome(ReasonLocalPolicy)
	}
	return outcome{TCPUnreachable, "", failure}
}
