//go:build linux

package netpath

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/roompath/roompath/netpath/sockerr"
	"github.com/roompath/roompath/probe/probetest"
)

// TestTraceLoopback traces loopback ports: the destination answers at TTL
// 1, and the raw capture (when this process may open one) reads the reset's
// TTL: 64, one hop.
func TestTraceLoopback(t *testing.T) {
	open, closed := probetest.Open(t), probetest.Closed(t)
	tests := []struct {
		name  string
		dst   netip.AddrPort
		reply string
	}{
		{"open", open, ReplySynAck},
		{"closed", closed, ReplyRST},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracer(TraceConfig{MaxHops: 5, Timeout: 2 * time.Second}).Run(context.Background(), tt.dst)
			if len(tr.Hops) != 1 || tr.Hops[0].Reply != tt.reply || tr.Hops[0].RTTMS == nil {
				t.Fatalf("hops = %+v, want one %s", tr.Hops, tt.reply)
			}
			if tr.Duration > time.Second {
				t.Errorf("trace took %v", tr.Duration)
			}
			if tt.reply != ReplyRST {
				return
			}
			switch {
			case HasRawSocket() && (tr.Mode != TraceModeRaw || tr.Reset == nil || tr.Reset.Hop != 1):
				t.Errorf("with CAP_NET_RAW: mode %s, reset %+v, note %q", tr.Mode, tr.Reset, tr.ResetNote)
			case !HasRawSocket() && (tr.Reset != nil || tr.ResetNote != ResetNoteNoCap):
				t.Errorf("without CAP_NET_RAW: reset %+v, note %q", tr.Reset, tr.ResetNote)
			}
		})
	}
}

func TestTraceNoRaw(t *testing.T) {
	closed := probetest.Closed(t)
	tr := NewTracer(TraceConfig{MaxHops: 2, Timeout: time.Second, NoRaw: true}).Run(context.Background(), closed)
	if tr.Mode != TraceModeRecvErr || tr.Reset != nil || tr.ResetNote != ResetNoteDisabled {
		t.Errorf("mode %s reset %+v note %q", tr.Mode, tr.Reset, tr.ResetNote)
	}
}

// TestAfterHandshakeNames: the trace copies sockerr's outcome into
// Hop.AfterHandshake, so both name them alike.
func TestAfterHandshakeNames(t *testing.T) {
	pairs := [][2]string{
		{AfterHandshakeAcked, sockerr.AfterAcked}, {AfterHandshakeReset, sockerr.AfterReset},
		{AfterHandshakeSilent, sockerr.AfterSilent}, {AfterHandshakeUnconfirmed, sockerr.AfterUnconfirmed},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("netpath %q, sockerr %q", p[0], p[1])
		}
	}
}

// TestTraceLoopbackHandshake: the loopback listener acknowledges the FIN
// sent after its SYN-ACK.
func TestTraceLoopbackHandshake(t *testing.T) {
	tr := NewTracer(TraceConfig{MaxHops: 3, Timeout: 2 * time.Second}).Run(context.Background(), probetest.Open(t))
	if term := tr.Summary.Terminal; term == nil || term.AfterHandshake != AfterHandshakeAcked {
		t.Fatalf("terminal %+v, want a SYN-ACK whose FIN was acknowledged", term)
	}
	if HasRawSocket() && (tr.SynAck == nil || tr.SynAck.Hop != 1) {
		t.Errorf("with CAP_NET_RAW: syn-ack %+v, note %q", tr.SynAck, tr.SynAckNote)
	}
}
