package media

import (
	"fmt"
	"strings"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// The media ports: meetings ride on UDP 8801-8810.
const mediaLo, mediaHi = 8801, 8810

func isMediaPort(p uint16) bool { return p >= mediaLo && p <= mediaHi }

// blockedHint is the consequence of blocked media ports.
const blockedHint = "UDP 8801-8810 do not pass to %s (%s): Zoom falls back to TCP 8801/8802, then TLS 443, so expect worse audio and video (and worse still through a web proxy). Open UDP 8801-8810 (and 3478-3479) outbound toward Zoom's media ranges (assets.zoom.us/docs/ipranges/ZoomMeetings.txt) on every firewall between the room and the Internet."

// pickStreamPort chooses the port to stream to, or says why no stream
// runs: MediaBlocked, or MediaNotRun (with the reason in the ports).
func (p *Probe) pickStreamPort(ports []portOutcome) (uint16, vocab.Observed) {
	var media []portOutcome
	for _, o := range ports {
		if isMediaPort(o.port) {
			media = append(media, o)
		}
	}
	echoed := func(os []portOutcome) (uint16, bool) {
		for _, o := range os {
			if o.observed == vocab.UDPOpen && o.reason == vocab.ReasonEchoed {
				return o.port, true
			}
		}
		return 0, false
	}
	if len(media) > 0 {
		if _, ok := echoed(media); !ok {
			for _, o := range media {
				if o.observed == vocab.UDPFiltered || (o.observed == vocab.UDPUnreachable && !o.fromResponder) {
					return p.cfg.StreamPort, vocab.MediaBlocked
				}
			}
			return p.cfg.StreamPort, vocab.MediaNotRun
		}
	}
	for _, o := range ports {
		if o.port == p.cfg.StreamPort && o.observed == vocab.UDPOpen && o.reason == vocab.ReasonEchoed {
			return o.port, ""
		}
	}
	if port, ok := echoed(media); ok {
		return port, ""
	}
	if port, ok := echoed(ports); ok {
		return port, ""
	}
	return p.cfg.StreamPort, ""
}

// notStreamed fills r when the ports decided without a stream.
func (p *Probe) notStreamed(r *report.Result, verdict vocab.Observed, ports []portOutcome) {
	var first portOutcome
	var blocked []portState
	allSelf := true
	for _, o := range ports {
		if !isMediaPort(o.port) {
			continue
		}
		if first.port == 0 {
			first = o
		}
		blocked = append(blocked, portState{o.port, o.observed})
		allSelf = allSelf && o.fromResponder && o.reason == vocab.ReasonPortUnreach
	}
	r.Observed = verdict
	switch {
	case verdict == vocab.MediaBlocked:
		r.Status, r.Reason = report.StatusFail, vocab.ReasonMediaPortsBlocked
		r.Hint = fmt.Sprintf(blockedHint, p.host, summarizePorts(blocked))
	case allSelf:
		r.Status, r.Reason = report.StatusError, vocab.ReasonResponderNotListening
		r.Hint = fmt.Sprintf("%s answers UDP 8801-8810 with port unreachable: the path passes UDP, but the responder does not listen there. Run it with --udp 8801-8810,3478,3479.", p.host)
	default:
		r.Status = report.StatusError
		r.Hint = fmt.Sprintf("The stream was not run: no UDP port of 8801-8810 gave a mediacheck echo (%s); see the udp results.", summarizePorts(blocked))
	}
	if first.failure != "" {
		r.SetFailure(first.failure, vocab.OpUDPRoundTrip)
	}
}

// portState is one port's observed state, for a hint.
type portState struct {
	port  uint16
	state vocab.Observed
}

// summarizePorts keeps a hint short: consecutive ports in the same state
// make one range ("8801-8810 filtered"), and past three ranges the rest
// are counted ("and 4 more ports").
func summarizePorts(ps []portState) string {
	var runs []string
	left := 0
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1].state == ps[i].state && ps[j+1].port == ps[j].port+1 {
			j++
		}
		switch {
		case len(runs) == 3:
			left += j - i + 1
		case j > i:
			runs = append(runs, fmt.Sprintf("%d-%d %s", ps[i].port, ps[j].port, ps[i].state))
		default:
			runs = append(runs, fmt.Sprintf("%d %s", ps[i].port, ps[i].state))
		}
		i = j + 1
	}
	out := strings.Join(runs, ", ")
	switch {
	case left == 1:
		out += " and 1 more port"
	case left > 1:
		out += fmt.Sprintf(" and %d more ports", left)
	}
	return out
}

// judge fills r from a stream's run.
func (p *Probe) judge(r *report.Result, d *Detail, run streamRun) {
	switch {
	case run.dialErr != nil:
		r.Status, r.Observed = report.StatusError, vocab.MediaNotRun
		r.SetFailure(probe.Classify(run.dialErr), vocab.OpMediaStream)
		return
	case d.Received == 0:
		r.Status, r.Observed, r.Reason = report.StatusFail, vocab.MediaBad, vocab.ReasonStreamLost
		r.SetFailure(vocab.FailureTimeout, vocab.OpMediaStream)
		r.Hint = fmt.Sprintf("None of the %d datagrams of the stream to UDP %d got an echo although the port answered before: the path drops sustained UDP (a rate limit or flood protection), or the responder's per-source rate is below --pps.", d.Sent, d.Port)
		return
	}
	r.RTTMS = report.Float(d.RTT.Min)
	if d.Crossed = p.cfg.Thresholds.judge(d); d.Crossed == nil {
		d.Crossed = []Crossed{}
	}
	if run.sendErr != nil {
		d.Note = fmt.Sprintf("%d datagrams could not be sent (%s): they count as lost", run.sendErrs, failureOf(run.sendErr))
	}
	if len(d.Crossed) == 0 {
		r.Status, r.Observed, r.Reason = report.StatusPass, vocab.MediaGood, vocab.ReasonWithinThresholds
		return
	}
	r.Status, r.Observed, r.Reason = report.StatusWarn, vocab.MediaDegraded, vocab.ReasonThresholdCrossed
	for _, c := range d.Crossed {
		if c.Bad {
			r.Status, r.Observed = report.StatusFail, vocab.MediaBad
		}
	}
	r.Hint = p.crossedHint(d)
}

// failureOf is the failure string of a socket error.
func failureOf(err error) vocab.Failure { return errnoOutcome(err, true).failure }

// crossedHint names each threshold crossed and by how much.
func (p *Probe) crossedHint(d *Detail) string {
	var parts []string
	for _, c := range d.Crossed {
		unit, over := " %", "worst "+c.Window
		if strings.HasSuffix(c.Metric, "_ms") {
			unit = " ms"
		}
		if c.Window == "stream" {
			over = "the stream"
		}
		parts = append(parts, fmt.Sprintf("%s %g%s (%s) is above the limit of %g%s by %g (%.1fx)",
			c.Metric, c.Value, unit, over, c.Limit, unit, round2(c.Value-c.Limit), c.Value/c.Limit))
	}
	src := "Microsoft's published Teams targets"
	if p.cfg.Thresholds.Name == "zoom" {
		src = "roompath's Zoom thresholds (Microsoft's client-to-edge targets; Zoom publishes none)"
	} else if p.cfg.Thresholds.Name != "teams" {
		src = "the thresholds of " + p.cfg.Thresholds.Name
	}
	return fmt.Sprintf("Against %s: %s. The figures cover this host to the responder at %s only.", src, strings.Join(parts, "; "), p.host)
}

// dscp fills the mark sent, seen and where it changed, and says so in the
// hint when the responder saw another mark.
func (p *Probe) dscp(d *Detail, ports []portOutcome, port uint16) {
	if p.cfg.DSCP >= 0 {
		sent := p.cfg.DSCP
		d.DSCP.Sent = &sent
	}
	for _, o := range ports {
		if o.port == port && o.trace != nil {
			d.DSCP.ChangedAfterHop = o.trace.TOSChangedAfterHop
			if d.DSCP.ChangedAfterHop == nil {
				d.DSCP.Note = o.trace.TOSNote
			}
		}
	}
	if d.DSCP.Received == nil && d.Received > 0 {
		d.DSCP.Note = strings.TrimSpace("the responder did not report the mark it received (not Linux). " + d.DSCP.Note)
	}
}

// dscpHint is the sentence on a re-marked stream; empty when the mark
// arrived as sent or is unknown.
func dscpHint(d *Detail) string {
	if d.DSCP.Sent == nil || d.DSCP.Received == nil || *d.DSCP.Sent == *d.DSCP.Received {
		return ""
	}
	where := "somewhere on the path"
	if h := d.DSCP.ChangedAfterHop; h != nil {
		where = fmt.Sprintf("after hop %d", *h)
	}
	return fmt.Sprintf("DSCP %d was sent and the responder saw %d: it is re-marked %s, so QoS there does not prioritise this traffic.", *d.DSCP.Sent, *d.DSCP.Received, where)
}
