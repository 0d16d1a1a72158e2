package pathprobe

import (
	"net/netip"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// evidence is everything the verdict is decided from; no sockets.
type evidence struct {
	target   netip.Addr
	port     uint16
	route    netpath.Route
	routeErr error
	// trace is nil when no trace ran (no usable route).
	trace *netpath.Trace
	// neighbor is the on-link room's neighbour entry.
	neighbor *netpath.Neighbor
	gateway  *Gateway
	maxHops  int
	timeout  time.Duration
	// proxyARP is the sign that a router answers for the on-link room.
	proxyARP *ProxyARP
	// control is the control trace; nil when it did not run.
	control *Control
}

// verdict is the decided result.
type verdict struct {
	status     report.Status
	observed   vocab.Observed
	reason     vocab.Reason
	layer      vocab.Layer
	failure    vocab.Failure
	operation  vocab.Operation
	reportedBy string
	rtt        *float64
	rejectHop  *int
	resetHop   *int
	hint       string
}

// judge decides the result from the evidence, in this order: the local
// route, the trace's terminal reply, then silence.
func judge(e evidence) verdict {
	var v verdict
	switch {
	case e.routeErr != nil:
		v = verdict{status: report.StatusError, observed: vocab.PathNotRun, layer: vocab.LayerLocal,
			failure: probe.Classify(e.routeErr), operation: vocab.OpRouteLookup}
	case !e.route.Usable():
		v = verdict{status: report.StatusFail, observed: vocab.PathNoRoute, reason: vocab.ReasonNoRoute, layer: vocab.LayerLocal, operation: vocab.OpRouteLookup}
	case e.trace == nil:
		v = verdict{status: report.StatusError, observed: vocab.PathNotRun, layer: vocab.LayerNetwork,
			failure: vocab.Unknown("interrupted before the trace"), operation: vocab.OpTraceHop}
	case e.trace.Summary.Terminal != nil:
		v = judgeTerminal(e, *e.trace.Summary.Terminal)
	default:
		v = judgeSilence(e)
	}
	if v.failure == "" {
		v.failure = failureOf(v.reason)
	}
	v.hint = pathHint(e, v)
	return v
}

// judgeTerminal decides from the first terminal reply.
func judgeTerminal(e evidence, t netpath.Hop) verdict {
	v := verdict{layer: vocab.LayerNetwork, reportedBy: t.Addr(), rtt: t.RTTMS, operation: vocab.OpTraceHop}
	switch t.Reply {
	case netpath.ReplySynAck:
		return judgeSynAck(e, t, v)
	case netpath.ReplyRST:
		return judgeReset(e, t, v)
	case netpath.ReplyUnreachable:
		return judgeUnreachable(e, t, v)
	default: // a local error: nothing left this host
		v.status, v.observed, v.reason, v.layer = report.StatusFail, vocab.PathLocalDenied, vocab.ReasonLocalPolicy, vocab.LayerLocal
		v.operation, v.failure, v.reportedBy = vocab.OpLocalPolicy, t.Failure, ""
		if t.Failure != vocab.FailurePermissionDenied {
			v.observed, v.reason, v.status = vocab.PathNotRun, "", report.StatusError
		}
	}
	return v
}

// judgeReset tells the room's own reset from a forged one by the hop
// distance its IP TTL gives: a reset from fewer hops than the TTL the SYN
// needed to get that far came from a middlebox.
func judgeReset(e evidence, t netpath.Hop, v verdict) verdict {
	v.status, v.observed, v.reason, v.operation = report.StatusWarn, vocab.PathReached, vocab.ReasonConnRefused, vocab.OpConnect
	r := e.trace.Reset
	if r == nil {
		return v
	}
	hop := r.Hop
	v.resetHop = &hop
	if hop < t.TTL {
		v.status, v.observed, v.reason, v.operation = report.StatusFail, vocab.PathResetByMiddlebox, vocab.ReasonForgedReset, vocab.OpTraceHop
		v.reportedBy = addrAt(e.trace.Hops, hop)
	}
	return v
}

// judgeUnreachable handles ICMP destination unreachable: this host's own
// neighbour failure, a router's reject, or a router without a route or
// neighbour.
func judgeUnreachable(e evidence, t netpath.Hop, v verdict) verdict {
	v.status = report.StatusFail
	if t.Local {
		v.observed, v.reason, v.layer, v.operation = vocab.PathNeighborFailed, vocab.ReasonHostUnreach, vocab.LayerLocal, vocab.OpNeighbor
		return v
	}
	v.rejectHop = rejectHopOf(e.trace, t)
	switch t.Unreachable {
	case vocab.ReasonAdminProhibited, vocab.ReasonPortUnreach:
		v.observed, v.reason = vocab.PathRejected, t.Unreachable
	case vocab.ReasonParameterProblem:
		v.observed, v.reason = vocab.PathRejected, vocab.ReasonParameterProblem
	case vocab.ReasonNetUnreach:
		v.observed, v.reason = vocab.PathUnreachable, vocab.ReasonNetUnreach
	default:
		v.observed, v.reason = vocab.PathUnreachable, vocab.ReasonHostUnreach
	}
	if t.Address == nil {
		v.rejectHop = nil // connect mode: the sender is not known
	}
	return v
}

// judgeSilence decides when no TTL got a terminal reply: the path loops or
// is longer than the TTLs probed, this host's neighbour failed without an
// ICMP error, or the SYN died silently after the last hop that answered.
func judgeSilence(e evidence) verdict {
	s := e.trace.Summary
	v := verdict{status: report.StatusFail, layer: vocab.LayerNetwork, operation: vocab.OpTraceHop}
	switch {
	case e.trace.Interrupted:
		v.status, v.observed, v.failure = report.StatusError, vocab.PathNotRun, vocab.Unknown("interrupted")
	case s.Exhausted:
		v.observed, v.reason = vocab.PathMaxHops, vocab.ReasonTTLExceeded
		v.reportedBy = s.LastHop.Addr()
	case e.route.OnLink && e.neighbor != nil && e.neighbor.Reachable() != nil && !*e.neighbor.Reachable():
		v.observed, v.reason, v.layer, v.operation = vocab.PathNeighborFailed, vocab.ReasonHostUnreach, vocab.LayerLocal, vocab.OpNeighbor
	default:
		v.observed, v.reason = vocab.PathDropped, vocab.ReasonNoResponse
	}
	return v
}

// firstTTLOf is the lowest TTL at which t's sender answered: its hop.
func firstTTLOf(hops []netpath.Hop, t netpath.Hop) int {
	for _, h := range hops {
		if h.Address != nil && t.Address != nil && *h.Address == *t.Address {
			return h.TTL
		}
	}
	return t.TTL
}

// addrAt is the address that answered at ttl, or "".
func addrAt(hops []netpath.Hop, ttl int) string {
	for _, h := range hops {
		if h.TTL == ttl && h.Reply == netpath.ReplyTimeExceeded {
			return h.Addr()
		}
	}
	return ""
}
