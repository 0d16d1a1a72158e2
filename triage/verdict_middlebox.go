package triage

import (
	"fmt"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// middlebox returns the first failed result whose handshake was answered
// by a device short of the room (a SYN proxy, TCP intercept).
func middlebox(failed []report.Result) (report.Result, bool) {
	for _, f := range failed {
		if f.Reason == vocab.ReasonHandshakeByMiddlebox {
			return f, true
		}
	}
	return report.Result{}, false
}

// middleboxStory words a handshake completed by a device in front of the
// room: what followed it says whether the room refused behind it or
// nothing answered there; the SYN-ACK's IP TTL, when read, places it.
func (e evidence) middleboxStory(f report.Result) (string, []string) {
	who := "a device in front of the room"
	if ev := e.synAck(); ev != nil {
		who = fmt.Sprintf("a device %d hop(s) away (by the SYN-ACK's IP TTL %d)", ev.Hop, ev.TTL)
		if f.ReportedBy != "" {
			who += ", " + f.ReportedBy
		}
	}
	proxy := fmt.Sprintf("TCP %d to %s was answered by %s, not by the room: a SYN proxy, a firewall's TCP intercept or SYN-flood protection completes the handshake for it", e.port, e.room, who)
	probeNote := fmt.Sprintf("Tools that only complete the handshake (nmap -sT, a plain connect) call TCP %d open from here; only a test from behind that device sees the room.", e.port)
	if f.Observed == vocab.TCPClosed || f.Observed == vocab.PathReached {
		return proxy + ", then reset the connection because the room refused it behind it: nothing listens on " + fmt.Sprint(e.port) + " on the room.",
			[]string{"Check that the Zoom Rooms app is running on the room computer and not stuck before sign-in, and the room's own firewall for TCP " + fmt.Sprint(e.port) + ".", probeNote}
	}
	return proxy + ", but nothing behind it ever answered: the room is off or unreachable behind that device, or the device does not pass the connection on.",
		[]string{fmt.Sprintf("Check that the room is up and that the device's other side can reach it on TCP %d (its SYN-proxy or TCP-intercept logs).", e.port), probeNote}
}

// synAck is the SYN-ACK's TTL evidence of the run, when one was read.
func (e evidence) synAck() *netpath.ResetEvidence {
	for _, r := range e.all {
		if d := tcpDetail(r); d != nil && d.SynAck != nil {
			return d.SynAck
		}
		if d := pathDetail(r); d != nil && d.SynAck != nil {
			return d.SynAck
		}
	}
	return nil
}
