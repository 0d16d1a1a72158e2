package triage

import (
	"fmt"
	"strings"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// layerOf places a result that did not pass on the decision path.
func layerOf(r report.Result) vocab.Layer {
	switch r.Check {
	case vocab.CheckStatus:
		return vocab.LayerCloud
	case vocab.CheckPath:
		switch r.Observed {
		case vocab.PathNoRoute, vocab.PathNeighborFailed, vocab.PathLocalDenied:
			return vocab.LayerLocal
		case vocab.PathUnresolved:
			return vocab.LayerDNS
		}
		return vocab.LayerNetwork
	case vocab.CheckTCP:
		switch r.Observed {
		case vocab.TCPNoRoute, vocab.TCPLocalDenied:
			return vocab.LayerLocal
		case vocab.TCPClosed:
			return vocab.LayerTransport
		case vocab.TCPUnresolved:
			return vocab.LayerDNS
		}
		return vocab.LayerNetwork
	case vocab.CheckDNS:
		return vocab.LayerDNS
	case vocab.CheckProxy, vocab.CheckHTTP, vocab.CheckCaptive:
		return vocab.LayerProxy
	case vocab.CheckTLS:
		return vocab.LayerTLS
	case vocab.CheckUDP, vocab.CheckMedia:
		return vocab.LayerMedia
	}
	if r.Layer != "" {
		return r.Layer
	}
	return vocab.LayerNetwork
}

// Decide builds the verdict from a run's results (in report order): the
// first failing layer along the decision path, with its evidence in one or
// two sentences and what to do next. Warnings are mentioned when nothing
// fails. room is the room as the user gave it, port its controller port.
func Decide(room string, port uint16, results []report.Result) *report.Verdict {
	byLayer := map[vocab.Layer][]report.Result{}
	for _, r := range results {
		if r.Status == report.StatusFail {
			byLayer[layerOf(r)] = append(byLayer[layerOf(r)], r)
		}
	}
	ev := evidence{room: room, port: port, all: results}
	for _, layer := range vocab.Layers() {
		if failed := byLayer[layer]; len(failed) > 0 {
			msg, steps := ev.explain(layer, failed)
			return &report.Verdict{Status: report.StatusFail, Layer: layer, Message: msg, NextSteps: steps}
		}
	}
	return ev.healthy()
}

// evidence is what the verdict can cite: every result of the run.
type evidence struct {
	room string
	port uint16
	all  []report.Result
}

// find returns the first result of check whose port is port, or any of
// check when port is 0 (or the result names no port).
func (e evidence) find(check vocab.Check, port uint16) (report.Result, bool) {
	for _, r := range e.all {
		if r.Check != check {
			continue
		}
		if p, ok := portOf(r); port == 0 || !ok || p == port {
			return r, true
		}
	}
	return report.Result{}, false
}

// answersOther says which other traffic the room answers (another TCP port
// open or closed), the evidence that a filter is specific to the port.
func (e evidence) answersOther() string {
	for _, r := range e.all {
		d := tcpDetail(r)
		if d == nil || d.Port == e.port || (r.Observed != vocab.TCPOpen && r.Observed != vocab.TCPClosed) {
			continue
		}
		verb := "accepts"
		if r.Observed == vocab.TCPClosed {
			verb = "answers (with a reset)"
		}
		return fmt.Sprintf("the room %s TCP %d", verb, d.Port)
	}
	return ""
}

// explain words the first failing layer; for the room's own layers
// (local, network, transport) it says which of several addresses work.
func (e evidence) explain(layer vocab.Layer, failed []report.Result) (string, []string) {
	if layer == vocab.LayerLocal || layer == vocab.LayerNetwork || layer == vocab.LayerTransport {
		if msg, steps, ok := e.perAddress(layer, failed); ok {
			return msg, steps
		}
	}
	return e.explainOne(layer, failed)
}

// explainOne words the first failing layer of one address.
func (e evidence) explainOne(layer vocab.Layer, failed []report.Result) (string, []string) {
	if f, ok := middlebox(failed); ok {
		return e.middleboxStory(f)
	}
	f := failed[0]
	switch layer {
	case vocab.LayerCloud:
		return e.cloud(f)
	case vocab.LayerLocal:
		return e.local(f)
	case vocab.LayerNetwork:
		return e.network(failed)
	case vocab.LayerTransport:
		return e.transport(f)
	case vocab.LayerDNS:
		return e.dns(failed)
	case vocab.LayerProxy:
		return e.proxy(f)
	case vocab.LayerMedia:
		return e.media(failed)
	}
	return e.tls(f)
}

// healthy is the passing verdict, naming the evidence and any warnings.
func (e evidence) healthy() *report.Verdict {
	var parts []string
	if t, ok := e.find(vocab.CheckTCP, e.port); ok && t.Observed == vocab.TCPOpen {
		s := fmt.Sprintf("TCP %d to %s is open", e.port, e.room)
		if t.RTTMS != nil {
			s += fmt.Sprintf(" (%.2f ms)", *t.RTTMS)
		}
		parts = append(parts, s)
	}
	if p, ok := e.find(vocab.CheckPath, 0); ok {
		parts = append(parts, routeText(p))
	}
	parts = append(parts, e.mediaText())
	msg := strings.TrimPrefix(strings.Join(parts, ""), "; ")
	if msg == "" {
		msg = "Nothing failed"
	}
	msg += "; nothing along the decision path failed."
	var steps []string
	for _, r := range e.all {
		if r.Status == report.StatusWarn && r.Hint != "" {
			steps = append(steps, r.Hint)
		}
	}
	if t, ok := e.find(vocab.CheckTCP, e.port); ok && unconfirmed(t) {
		// Something answered the handshake, but not long enough was waited
		// to see that the room did: never a pass on that evidence alone.
		return &report.Verdict{Status: report.StatusWarn, NextSteps: steps,
			Message: fmt.Sprintf("TCP %d to %s completed a handshake, but --timeout ended before the check could see the room itself answer behind it (a SYN proxy would look the same); nothing along the decision path failed.", e.port, e.room)}
	}
	if v := e.mediaDegraded(steps); v != nil {
		return v
	}
	if len(steps) == 0 {
		steps = append(steps, "If the room still shows an error, the network is not the cause: check pairing, activation and version alignment.")
	}
	return &report.Verdict{Status: report.StatusPass, Message: msg, NextSteps: steps}
}

// routeText describes the route of a path result: hops, interface and
// gateway, or on-link.
func routeText(p report.Result) string {
	d := pathDetail(p)
	if d == nil {
		return ""
	}
	var s []string
	if d.ReachTTL != nil {
		s = append(s, fmt.Sprintf("%d hop(s) away", *d.ReachTTL))
	}
	if d.Route.Interface != "" {
		via := "via " + d.Route.Interface
		if d.Route.InterfaceKind != "" {
			via += " (" + d.Route.InterfaceKind + ")"
		}
		s = append(s, via)
	}
	if d.Route.Gateway != nil && *d.Route.Gateway != "" {
		s = append(s, "gateway "+*d.Route.Gateway)
	} else if d.Route.OnLink {
		s = append(s, "on-link")
	}
	if len(s) == 0 {
		return ""
	}
	return ", " + strings.Join(s, ", ")
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "an unknown device"
	}
	return s
}

func deref[T ~string](s *T) string {
	if s == nil {
		return ""
	}
	return string(*s)
}

// unconfirmed says whether a TCP result's handshake was not confirmed as
// the room's own (the wait after it was cut short).
func unconfirmed(r report.Result) bool {
	d := tcpDetail(r)
	return d != nil && d.AfterHandshake == netpath.AfterHandshakeUnconfirmed
}
