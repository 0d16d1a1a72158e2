package probe

import (
	"fmt"
	"testing"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// hintCases are results over every reason tcpHint words, each status and
// expectation, reported by the address itself, by a router or by nobody.
func hintCases() []struct {
	res report.Result
	det TCPDetail
} {
	reasons := []vocab.Reason{vocab.ReasonSynAck, vocab.ReasonConnRefused, vocab.ReasonNoResponse, vocab.ReasonAdminProhibited,
		vocab.ReasonHostUnreach, vocab.ReasonNetUnreach, vocab.ReasonPortUnreach, vocab.ReasonNoRoute, vocab.ReasonLocalPolicy,
		vocab.ReasonTTLExceeded, vocab.ReasonParameterProblem, vocab.ReasonHandshakeByMiddlebox, ""}
	failure := vocab.Failure("generic_timeout_error")
	var out []struct {
		res report.Result
		det TCPDetail
	}
	for _, r := range reasons {
		for _, st := range []report.Status{report.StatusPass, report.StatusFail, report.StatusError} {
			for _, ex := range []string{ExpectOpen, ExpectBlocked, ExpectAnswer} {
				for _, by := range []string{"self", "10.99.1.1", ""} {
					for _, flags := range []int{0, 1, 2, 3} {
						res := report.Result{Status: st, Expect: ex, Reason: r, Observed: vocab.TCPFiltered}
						if st == report.StatusError {
							res.Failure = &failure
						}
						det := TCPDetail{Port: 9090, RouteType: "unreachable", Intermittent: flags&1 != 0, NeighborFailed: flags&2 != 0}
						if flags&1 != 0 {
							det.AfterHandshake = netpath.AfterHandshakeUnconfirmed
							det.ICMP = &ICMP{Type: 3, Code: 13, From: "10.99.1.1"}
						}
						res.ReportedBy = by
						out = append(out, struct {
							res report.Result
							det TCPDetail
						}{res, det})
					}
				}
			}
		}
	}
	return out
}

// TestHintCache: the cached wording with the address put in is the hint
// tcpHint words for that result, for the first address (worded) and for
// the next ones (from the cache), IPv4 and IPv6, and for a reporter that
// is the address itself.
func TestHintCache(t *testing.T) {
	var c hintCache
	for _, tc := range hintCases() {
		for _, addr := range []string{"10.100.0.1", "10.100.7.9", "fd00:99:2::3", ""} {
			res, det := tc.res, tc.det
			det.Address = addr
			if res.ReportedBy == "self" {
				res.ReportedBy = addr
			}
			want := tcpHint(res, &det, time.Second)
			if got := c.hint(res, &det, time.Second); got != want {
				t.Fatalf("reason %q status %s expect %s by %q addr %q:\n got  %q\n want %q", res.Reason, res.Status, res.Expect, res.ReportedBy, addr, got, want)
			}
		}
	}
	if len(c.m) == 0 || len(c.m) > hintCacheMax {
		t.Errorf("cache holds %d wordings", len(c.m))
	}
}

// TestHintCacheBounded: past hintCacheMax distinct wordings (a router per
// result) hints are still right, and the cache stops growing.
func TestHintCacheBounded(t *testing.T) {
	var c hintCache
	for i := range 2 * hintCacheMax {
		by := fmt.Sprintf("10.1.%d.%d", i/256, i%256)
		res := report.Result{Status: report.StatusFail, Expect: ExpectOpen, Reason: vocab.ReasonAdminProhibited, ReportedBy: by}
		det := TCPDetail{Address: "10.100.0.1", Port: 9090, ICMP: &ICMP{Type: 3, Code: 13}}
		if got, want := c.hint(res, &det, time.Second), tcpHint(res, &det, time.Second); got != want {
			t.Fatalf("router %s: got %q, want %q", by, got, want)
		}
	}
	if len(c.m) != hintCacheMax {
		t.Errorf("cache holds %d wordings, want %d", len(c.m), hintCacheMax)
	}
}

// BenchmarkTCPHint words the hint of a silently dropped host: directly,
// and through the cache as a sweep does.
func BenchmarkTCPHint(b *testing.B) {
	res := report.Result{Status: report.StatusFail, Expect: ExpectOpen, Reason: vocab.ReasonNoResponse}
	det := TCPDetail{Address: "10.100.23.7", Port: 9090}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = tcpHint(res, &det, time.Second)
		}
	})
	b.Run("cached", func(b *testing.B) {
		var c hintCache
		b.ReportAllocs()
		for b.Loop() {
			_ = c.hint(res, &det, time.Second)
		}
	})
}
