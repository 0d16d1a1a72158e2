package triage

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/roompath/roompath/probe/media"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func mediaDetail(r report.Result) *media.Detail  { return detailOf[media.Detail](r) }
func udpDetail(r report.Result) *media.UDPDetail { return detailOf[media.UDPDetail](r) }

// media words a failing media layer: the stream's verdict when it failed,
// else the UDP ports that did.
func (e evidence) media(failed []report.Result) (string, []string) {
	var ports []report.Result
	for _, f := range failed {
		switch {
		case f.Check == vocab.CheckMedia:
			return e.mediaStream(f)
		case f.Observed == vocab.UDPUnresolved:
			name, _, _ := strings.Cut(f.Target, ":")
			return fmt.Sprintf("The media responder's name %s does not resolve from here, so the UDP media path was not measured.", name),
				[]string{"Give --media-responder an address, or check its DNS record."}
		}
		ports = append(ports, f)
	}
	return e.udpPorts(ports)
}

// mediaStream words a failed media result (blocked or bad).
func (e evidence) mediaStream(f report.Result) (string, []string) {
	host := f.Target
	if f.Observed == vocab.MediaBlocked {
		return fmt.Sprintf("UDP 8801-8810 do not pass from here to the media responder %s: Zoom media falls back to TCP 8801/8802, then TLS 443, so meetings run with worse audio and video (and worse still through a web proxy).", host),
			[]string{"Open UDP 8801-8810 and 3478-3479 outbound toward Zoom's media ranges (assets.zoom.us/docs/ipranges/ZoomMeetings.txt) on every firewall between the room and the Internet.",
				"Run mediacheck against the responder again once they are open, to measure the path's quality."}
	}
	d := mediaDetail(f)
	if d == nil || f.Reason == vocab.ReasonStreamLost {
		return fmt.Sprintf("The UDP media ports answer the media responder %s, but a sustained stream gets no echo: something on the path drops UDP at audio rates (a rate limit or flood protection).", host),
			[]string{"Check the firewalls' UDP flood and rate-limit settings for the room's traffic.", "Run mediacheck --pps 10 to see whether a lower rate passes."}
	}
	var crossed []string
	for _, c := range d.Crossed {
		crossed = append(crossed, fmt.Sprintf("%s %g (limit %g)", c.Metric, c.Value, c.Limit))
	}
	return fmt.Sprintf("The UDP media path to %s is bad against the %s thresholds: %s over %d datagrams; meetings will stutter or freeze.", host, d.Thresholds, strings.Join(crossed, ", "), d.Sent),
		[]string{"Look for congestion, a duplex mismatch, a saturated uplink or Wi-Fi retries on the room's path; detail.windows shows when it happened.",
			"Run mediacheck --duration 60s to see whether it lasts."}
}

// udpPorts words UDP ports that failed while the stream did not.
func (e evidence) udpPorts(ports []report.Result) (string, []string) {
	var names, plain []string
	self := true
	for _, p := range ports {
		d := udpDetail(p)
		if d == nil {
			continue
		}
		names = appendUnique(names, fmt.Sprintf("%d %s", d.Port, p.Observed))
		plain = appendUnique(plain, fmt.Sprint(d.Port))
		addr, _, _ := net.SplitHostPort(strings.TrimPrefix(p.ID, "udp/"))
		self = self && p.Reason == vocab.ReasonPortUnreach && p.ReportedBy != "" && p.ReportedBy == addr
	}
	slices.Sort(names)
	slices.Sort(plain)
	if self {
		return fmt.Sprintf("The media responder itself answers UDP %s with port unreachable: the path passes, but the responder does not listen there.", joinMax(plain, 4)),
			[]string{"Run the responder with --udp 8801-8810,3478,3479 and triage again."}
	}
	return fmt.Sprintf("Not every UDP media port passes to the media responder (failing: %s), while the stream's port does. Zoom Rooms use UDP 3478, 3479 and 8801-8810 for media.", joinMax(names, 4)),
		[]string{"Open the UDP ports named above outbound toward Zoom's media ranges (assets.zoom.us/docs/ipranges/ZoomMeetings.txt).",
			"The udp results' detail.last_hop names the last hop before they die."}
}

// mediaText is the healthy verdict's sentence on a good media path.
func (e evidence) mediaText() string {
	for _, r := range e.all {
		d := mediaDetail(r)
		if r.Check != vocab.CheckMedia || d == nil || r.Observed != vocab.MediaGood || d.RTT == nil {
			continue
		}
		return fmt.Sprintf("; the UDP media path to %s is good (loss %g %%, jitter %g/%g ms up/down, round trip %g ms)",
			r.Target, d.LossPct, d.JitterUpMS, d.JitterDownMS, d.RTT.P50)
	}
	return ""
}

// mediaDegraded is the verdict when nothing failed but the media stream
// crossed a threshold: the room pairs and signs in, and its meetings will
// suffer, so the verdict warns at the media layer rather than passing.
func (e evidence) mediaDegraded(steps []string) *report.Verdict {
	for _, r := range e.all {
		if r.Check != vocab.CheckMedia || r.Observed != vocab.MediaDegraded {
			continue
		}
		what := "a threshold"
		if d := mediaDetail(r); d != nil && len(d.Crossed) > 0 {
			var crossed []string
			for _, c := range d.Crossed {
				crossed = append(crossed, fmt.Sprintf("%s %g (limit %g)", c.Metric, c.Value, c.Limit))
			}
			what = fmt.Sprintf("the %s thresholds: %s", d.Thresholds, strings.Join(crossed, ", "))
		}
		if len(steps) == 0 && r.Hint != "" {
			steps = []string{r.Hint}
		}
		return &report.Verdict{Status: report.StatusWarn, Layer: vocab.LayerMedia, NextSteps: steps,
			Message: fmt.Sprintf("TCP %d to %s is open and nothing along the decision path failed, but the UDP media path to %s is degraded against %s: meetings may stutter.", e.port, e.room, r.Target, what)}
	}
	return nil
}
