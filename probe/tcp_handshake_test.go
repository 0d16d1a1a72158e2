package probe

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// handshake returns an attempt whose handshake completed and what
// followed it, classified as the dialer does.
func handshake(after string) attempt {
	a := attempt{out: reasonOutcome(vocab.ReasonSynAck), rtt: time.Millisecond, after: after, checked: true, waited: 251 * time.Millisecond}
	judgeAfter(&a)
	return a
}

// TestTCPHandshakeVerdicts: what follows the handshake decides. A reset
// right after it is closed, nothing after it filtered, both with reason
// handshake_by_middlebox, failing (a warning for a must-not-reach check),
// never passing; an unconfirmed wait never passes either. In raw mode a
// SYN-ACK and a reset from the same distance are the host itself.
func TestTCPHandshakeVerdicts(t *testing.T) {
	type want struct {
		Status   report.Status
		Observed vocab.Observed
		Reason   vocab.Reason
		Failure  vocab.Failure
		Check    string
		HintHas  string
	}
	rst := &netpath.ResetEvidence{TTL: 63, InitialTTL: 64, Hop: 2}
	near := &netpath.ResetEvidence{TTL: 64, InitialTTL: 64, Hop: 1}
	tests := []struct {
		name   string
		cfg    TCPConfig
		att    attempt
		locate located
		want   want
	}{
		{"acked", TCPConfig{}, handshake(netpath.AfterHandshakeAcked), located{},
			want{report.StatusPass, vocab.TCPOpen, vocab.ReasonSynAck, "", handshakeCheckMode, ""}},
		{"reset behind a middlebox", TCPConfig{}, handshake(netpath.AfterHandshakeReset), located{note: netpath.SynAckNoteNoCap},
			want{report.StatusFail, vocab.TCPClosed, vocab.ReasonHandshakeByMiddlebox, vocab.FailureConnectionReset, handshakeCheckMode, "a reset followed at once"}},
		{"nothing behind a middlebox", TCPConfig{}, handshake(netpath.AfterHandshakeSilent), located{note: netpath.SynAckNoteNoCap},
			want{report.StatusFail, vocab.TCPFiltered, vocab.ReasonHandshakeByMiddlebox, vocab.FailureTimeout, handshakeCheckMode, "nothing behind it acknowledged"}},
		{"control port behind a middlebox", TCPConfig{Expect: ExpectAnswer}, handshake(netpath.AfterHandshakeReset), located{note: "x"},
			want{report.StatusFail, vocab.TCPClosed, vocab.ReasonHandshakeByMiddlebox, vocab.FailureConnectionReset, handshakeCheckMode, "SYN proxy"}},
		{"must not reach, middlebox", TCPConfig{Expect: ExpectBlocked}, handshake(netpath.AfterHandshakeSilent), located{note: "x"},
			want{report.StatusWarn, vocab.TCPFiltered, vocab.ReasonHandshakeByMiddlebox, vocab.FailureTimeout, handshakeCheckMode, "SYN proxy"}},
		{"unconfirmed", TCPConfig{}, handshake(netpath.AfterHandshakeUnconfirmed), located{},
			want{report.StatusWarn, vocab.TCPOpen, vocab.ReasonSynAck, "", handshakeCheckMode, "longer --timeout"}},
		{"raw: handshake from hop 1, reset from hop 2", TCPConfig{}, handshake(netpath.AfterHandshakeReset), located{synAck: near, reset: rst},
			want{report.StatusFail, vocab.TCPClosed, vocab.ReasonHandshakeByMiddlebox, vocab.FailureConnectionReset, HandshakeCheckRawTTL, "from hop 1 by its IP TTL"}},
		{"raw: both from the host", TCPConfig{}, handshake(netpath.AfterHandshakeReset), located{synAck: rst, reset: rst},
			want{report.StatusFail, vocab.TCPClosed, vocab.ReasonConnRefused, vocab.FailureConnectionReset, HandshakeCheckRawTTL, "answered with a TCP reset"}},
		{"reset during connect", TCPConfig{}, attempt{out: classifyConnectFailure(vocab.FailureConnectionReset, false), after: netpath.AfterHandshakeReset, checked: true}, located{note: "x"},
			want{report.StatusFail, vocab.TCPClosed, vocab.ReasonHandshakeByMiddlebox, vocab.FailureConnectionReset, handshakeCheckMode, "reset followed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustTCP(t, tt.cfg)
			p.dial = fakeDial(tt.att)
			p.locate = func(context.Context, netip.AddrPort, time.Duration, bool) located { return tt.locate }
			res := p.probe(context.Background(), TCPTarget{Addr: netip.MustParseAddr("10.0.0.9"), Port: 9090})
			det := res.Detail.(*TCPDetail)
			got := want{res.Status, res.Observed, res.Reason, vocab.Failure(derefStr(res.Failure)), det.HandshakeCheck, tt.want.HintHas}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if !strings.Contains(res.Hint, tt.want.HintHas) {
				t.Errorf("hint %q lacks %q", res.Hint, tt.want.HintHas)
			}
			if res.Reason == vocab.ReasonHandshakeByMiddlebox && res.ReportedBy != "" {
				t.Errorf("reported_by %q: who answered in the room's name is not known", res.ReportedBy)
			}
		})
	}
}

// TestConnectFailuresAllClassified: every failure a connect can end in
// gets a reason, or says the probe could not be run (not_run, status
// error); none fails with an empty reason.
func TestConnectFailuresAllClassified(t *testing.T) {
	for _, f := range append(vocab.Failures(), vocab.Unknown("odd")) {
		o := classifyConnectFailure(f, false)
		if o.reason == "" && o.observed != vocab.TCPNotRun {
			t.Errorf("%s: observed %s with no reason", f, o.observed)
		}
	}
	if o := classifyConnectFailure(vocab.FailureConnectionReset, false); o.observed != vocab.TCPClosed || o.reason != vocab.ReasonHandshakeByMiddlebox {
		t.Errorf("a reset during connect: %+v", o)
	}
	p := mustTCP(t, TCPConfig{})
	p.dial = fakeDial(attempt{out: classifyConnectFailure(vocab.FailureConnectionAborted, false)})
	res := p.probe(context.Background(), TCPTarget{Addr: netip.MustParseAddr("10.0.0.9"), Port: 9090})
	if res.Status != report.StatusError || res.Observed != vocab.TCPNotRun || derefStr(res.Failure) != string(vocab.FailureConnectionAborted) {
		t.Errorf("an aborted connect: %s %s %v", res.Status, res.Observed, derefStr(res.Failure))
	}
}

// TestNoRawSkipsTheLocate: with NoRaw no second connect is made.
func TestNoRawSkipsTheLocate(t *testing.T) {
	p := mustTCP(t, TCPConfig{NoRaw: true})
	p.dial = fakeDial(handshake(netpath.AfterHandshakeSilent))
	p.locate = func(context.Context, netip.AddrPort, time.Duration, bool) located {
		t.Error("locate ran with NoRaw")
		return located{}
	}
	res := p.probe(context.Background(), TCPTarget{Addr: netip.MustParseAddr("10.0.0.9"), Port: 9090})
	if d := res.Detail.(*TCPDetail); !strings.Contains(d.HandshakeNote, netpath.SynAckNoteDisabled) {
		t.Errorf("note %q", d.HandshakeNote)
	}
}
