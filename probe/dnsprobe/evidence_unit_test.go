package dnsprobe

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEvidenceKeepsCountsAndFirstExamples sums the refused replies of two
// exchanges: every one counted, the first 5 of each kind kept, the first
// note kept.
func TestEvidenceKeepsCountsAndFirstExamples(t *testing.T) {
	var a, b dnsExchange
	for i := range 4 {
		a.wrongID(uint16(i))
		a.stray(netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), uint16(i+1)))
	}
	for i := range 40 {
		b.wrongID(uint16(100 + i))
		b.stray(netip.AddrPortFrom(netip.MustParseAddr("192.0.2.2"), uint16(i+1)))
	}
	a.malformed("first")
	b.malformed("second")
	ev := evidence(dnsTry{Exchanges: []dnsExchange{a, b}})
	type got struct {
		WrongIDs   []uint16
		WrongCount int
		Strays     int
		StrayCount int
		Malformed  int
		Note       string
	}
	want := got{[]uint16{0, 1, 2, 3, 100}, 44, 5, 44, 2, "first"}
	if diff := cmp.Diff(want, got{ev.WrongIDs, ev.WrongIDCount, len(ev.Strays), ev.StrayCount, ev.Malformed, ev.Note}); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if len(b.WrongIDs) != maxExamples || len(b.Strays) != maxExamples {
		t.Errorf("one exchange kept %d ids and %d sources, want %d each", len(b.WrongIDs), len(b.Strays), maxExamples)
	}
}
