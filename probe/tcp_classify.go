package probe

import "fmt"

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

// classifyICMP maps an ICMP error ending a connect to its outcome. ok is
// false for messages that do not end a connect (e.g. fragmentation needed).
func classifyICMP(m ICMP) (outcome, bool) {
	var reason string
	var ok bool
	if m.V6 {
		reason, ok = icmp6Reason(m.Type, m.Code)
	} else {
		reason, ok = icmp4Reason(m.Type, m.Code)
	}
	if !ok {
		return outcome{}, false
	}
	return reasonOutcome(reason), true
}

func icmp4Reason(typ, code uint8) (string, bool) {
	switch typ {
	case 3: // destination unreachable
		switch code {
		case 0, 6, 11:
			return ReasonNetUnreach, true
		case 1, 7, 12:
			return ReasonHostUnreach, true
		case 2, 3:
			return ReasonPortUnreach, true
		case 9, 10, 13, 14, 15:
			return ReasonAdminProhibited, true
		case 5, 8:
			return ReasonHostUnreach, true
		}
	case 11: // time exceeded: a routing loop, since the SYN left with a full TTL
		return ReasonTTLExceeded, true
	}
	return "", false
}

func icmp6Reason(typ, code uint8) (string, bool) {
	switch typ {
	case 1: // destination unreachable
		switch code {
		case 0, 2:
			return ReasonNetUnreach, true
		case 1, 5, 6:
			return ReasonAdminProhibited, true
		case 3:
			return ReasonHostUnreach, true
		case 4:
			return ReasonPortUnreach, true
		}
	case 3: // time exceeded
		return ReasonTTLExceeded, true
	}
	return "", false
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
	case ReasonHostUnreach, ReasonTTLExceeded:
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
