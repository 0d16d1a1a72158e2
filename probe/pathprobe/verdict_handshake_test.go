package pathprobe

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// synAck is a terminal SYN-ACK at ttl and what followed it.
func synAck(ttl int, after string) netpath.Hop {
	h := reply(ttl, room, netpath.ReplySynAck, "")
	h.AfterHandshake = after
	return h
}

func withSynAck(t *netpath.Trace, ttl int) *netpath.Trace {
	t.SynAck = netpath.ResetFromTTL(ttl)
	t.Mode = netpath.TraceModeRaw
	return t
}

// TestJudgeHandshake: a SYN-ACK is reached only when the far end answered
// after it; a reset right after it, or nothing, is a handshake some device
// completed in the room's name (handshake_by_middlebox, failing). Raw mode
// places the device by the SYN-ACK's IP TTL, and tells a reset from the
// room's distance (the room refused behind the device), from the device's
// (reset_by_middlebox), and a room that accepted and reset by itself.
func TestJudgeHandshake(t *testing.T) {
	type want struct {
		Status     report.Status
		Observed   vocab.Observed
		Reason     vocab.Reason
		ReportedBy string
		HintHas    string
	}
	acked, reset, silent := netpath.AfterHandshakeAcked, netpath.AfterHandshakeReset, netpath.AfterHandshakeSilent
	mb := vocab.ReasonHandshakeByMiddlebox
	tests := []struct {
		name  string
		trace *netpath.Trace
		want  want
	}{
		{"acked", traced(te(1, hop1), te(2, hop2), synAck(3, acked)), want{report.StatusPass, vocab.PathReached, vocab.ReasonSynAck, room, ""}},
		{"not checked (fakes, old platforms)", traced(te(1, hop1), synAck(2, "")), want{report.StatusPass, vocab.PathReached, vocab.ReasonSynAck, room, ""}},
		{"acked behind a SYN proxy at hop 1", withSynAck(traced(te(1, hop1), synAck(3, acked)), 64), want{report.StatusPass, vocab.PathReached, vocab.ReasonSynAck, room, "a SYN proxy (or TCP intercept) answers"}},
		{"reset behind a middlebox", traced(te(1, hop1), synAck(2, reset)), want{report.StatusFail, vocab.PathReached, mb, "", "a reset followed at once"}},
		{"nothing behind a middlebox", traced(te(1, hop1), synAck(2, silent)), want{report.StatusFail, vocab.PathDropped, mb, "", "nothing behind it acknowledged"}},
		{"nothing behind, placed at hop 1", withSynAck(traced(te(1, hop1), synAck(2, silent)), 64), want{report.StatusFail, vocab.PathDropped, mb, hop1, "came from hop 1 (" + hop1 + ")"}},
		{"room refused behind the device", withReset(withSynAck(traced(te(1, hop1), synAck(2, reset)), 64), 63), want{report.StatusFail, vocab.PathReached, mb, hop1, "behind it the room refuses"}},
		{"the device reset too", withReset(withSynAck(traced(te(1, hop1), te(2, hop2), synAck(3, reset)), 64), 64), want{report.StatusFail, vocab.PathResetByMiddlebox, mb, hop1, "the device refuses the port itself"}},
		{"the room accepted and reset", withReset(withSynAck(traced(te(1, hop1), synAck(2, reset)), 63), 63), want{report.StatusWarn, vocab.PathReached, vocab.ReasonConnRefused, room, "nothing listens"}},
		{"unconfirmed", traced(te(1, hop1), synAck(2, netpath.AfterHandshakeUnconfirmed)), want{report.StatusWarn, vocab.PathReached, vocab.ReasonSynAck, room, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := judge(evidence{target: netip.MustParseAddr(room), port: 9090, route: routed, trace: tt.trace})
			got := want{v.status, v.observed, v.reason, v.reportedBy, tt.want.HintHas}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s\nhint %q", diff, v.hint)
			}
			if !strings.Contains(v.hint, tt.want.HintHas) || (tt.want.HintHas == "") != (v.hint == "") {
				t.Errorf("hint %q, want it to contain %q", v.hint, tt.want.HintHas)
			}
		})
	}
}

// TestSilentHops: hops that sent no time exceeded are named in the hint,
// and a router rejecting behind one is not numbered from a guess.
func TestSilentHops(t *testing.T) {
	rej := reply(3, hop2, netpath.ReplyUnreachable, vocab.ReasonAdminProhibited)
	tests := []struct {
		name      string
		trace     *netpath.Trace
		rejectHop *int
		hintHas   []string
	}{
		{"rate-limited first hop", traced(none(1), te(2, hop2), synAck(3, netpath.AfterHandshakeAcked)), nil, []string{"Hop 1 sent no time exceeded"}},
		{"two silent hops", traced(te(1, hop1), none(2), none(3), synAck(4, netpath.AfterHandshakeAcked)), nil, []string{"Hops 2-3 sent no time exceeded"}},
		{"reject behind a silent hop", traced(te(1, hop1), none(2), rej), nil, []string{"Hop 2 sent no time exceeded", hop2 + " answered the TTL 3 probe"}},
		{"reject by a router that answered", traced(te(1, hop1), te(2, hop2), rej), n(2), []string{hop2 + " (hop 2) rejected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := judge(evidence{target: netip.MustParseAddr(room), port: 9090, route: routed, trace: tt.trace})
			if diff := cmp.Diff(tt.rejectHop, v.rejectHop); diff != "" {
				t.Errorf("reject hop (-want +got)\n%s", diff)
			}
			for _, h := range tt.hintHas {
				if !strings.Contains(v.hint, h) {
					t.Errorf("hint %q lacks %q", v.hint, h)
				}
			}
		})
	}
}

func TestTTLRanges(t *testing.T) {
	for in, want := range map[string]string{"2": "2", "2,3": "2-3", "1,3,4": "1, 3-4", "1,2,3,5,7,8": "1-3, 5, 7-8"} {
		var ttls []int
		for _, p := range strings.Split(in, ",") {
			ttls = append(ttls, int(p[0]-'0'))
		}
		if got := ttlRanges(ttls); got != want {
			t.Errorf("ttlRanges(%s) = %q, want %q", in, got, want)
		}
	}
}
