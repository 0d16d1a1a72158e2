package probe

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// synLab builds the synproxy lab for t, or skips: no lab here, or no
// nftables synproxy in this kernel.
func synLab(t *testing.T) *nslab.SynproxyLab {
	t.Helper()
	nslab.Need(t)
	lab, err := nslab.NewSynproxyLab()
	if errors.Is(err, nslab.ErrNoSynproxy) {
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	return lab
}

// TestLabSynproxy sends real SYNs through a router running nftables
// synproxy: the handshake completes with the router whatever is behind, and
// only what follows it tells a refusing room (closed) and no room at all
// (filtered) from a room that answers (open). Raw mode places the
// handshake one hop away; NoRaw keeps the unprivileged check only.
func TestLabSynproxy(t *testing.T) {
	lab := synLab(t)
	type want struct {
		Status   report.Status
		Observed vocab.Observed
		Reason   vocab.Reason
		After    string
		Check    string
		SynAck   int // hop of the SYN-ACK by IP TTL; 0 when not read
		Reset    int
	}
	mb, post, raw := vocab.ReasonHandshakeByMiddlebox, HandshakeCheckPost, HandshakeCheckRawTTL
	tests := []struct {
		name  string
		addr  string
		noRaw bool
		want  want
	}{
		{"refused behind the proxy", lab.Refused, false, want{report.StatusFail, vocab.TCPClosed, mb, netpath.AfterHandshakeReset, raw, 1, lab.RoomHops}},
		{"refused behind the proxy, unprivileged", lab.Refused, true, want{report.StatusFail, vocab.TCPClosed, mb, netpath.AfterHandshakeReset, post, 0, 0}},
		{"nothing behind the proxy", lab.NoHost, false, want{report.StatusFail, vocab.TCPFiltered, mb, netpath.AfterHandshakeSilent, raw, 1, 0}},
		{"nothing behind the proxy, unprivileged", lab.NoHost, true, want{report.StatusFail, vocab.TCPFiltered, mb, netpath.AfterHandshakeSilent, post, 0, 0}},
		{"room answers behind the proxy", lab.Proxied, false, want{report.StatusPass, vocab.TCPOpen, vocab.ReasonSynAck, netpath.AfterHandshakeAcked, post, 0, 0}},
		{"refused behind the proxy v6", lab.RefusedV6, false, want{report.StatusFail, vocab.TCPClosed, mb, netpath.AfterHandshakeReset, raw, 1, lab.RoomHops}},
		{"nothing behind the proxy v6", lab.NoHostV6, true, want{report.StatusFail, vocab.TCPFiltered, mb, netpath.AfterHandshakeSilent, post, 0, 0}},
		{"room answers behind the proxy v6", lab.ProxiedV6, true, want{report.StatusPass, vocab.TCPOpen, vocab.ReasonSynAck, netpath.AfterHandshakeAcked, post, 0, 0}},
		{"no proxy, open", lab.BehindSilent, false, want{report.StatusPass, vocab.TCPOpen, vocab.ReasonSynAck, netpath.AfterHandshakeAcked, post, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustTCP(t, TCPConfig{Timeout: 2 * time.Second, NoRaw: tt.noRaw})
			var res report.Result
			err := lab.Client.Do(func() error {
				res = p.probe(context.Background(), TCPTarget{Addr: netip.MustParseAddr(tt.addr), Port: uint16(lab.Port)})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			d := res.Detail.(*TCPDetail)
			got := want{res.Status, res.Observed, res.Reason, d.AfterHandshake, d.HandshakeCheck, hopOf(d.SynAck), hopOf(d.Reset)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got)\n%s\nnote %q hint %q", tt.addr, diff, d.HandshakeNote, res.Hint)
			}
		})
	}
}

func hopOf(r *netpath.ResetEvidence) int {
	if r == nil {
		return 0
	}
	return r.Hop
}
