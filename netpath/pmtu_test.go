package netpath

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestJudgeSilence(t *testing.T) {
	dst := netip.MustParseAddr("192.0.2.1")
	n := func(v int) *int { return &v }
	tests := []struct {
		name          string
		in            PathMTU
		lost, reached int
		want          PathMTU
		note          string // a substring of the note; "" wants none
	}{
		{"answered: unchanged", PathMTU{Path: n(1400), Source: PMTUConfirmed}, 0, 1280,
			PathMTU{Path: n(1400), Source: PMTUConfirmed}, ""},
		{"silent at full size, small reached", PathMTU{Path: n(1500), Source: PMTUKernel}, 1500, 1280,
			PathMTU{BlackHole: &PMTUBlackHole{Lost: 1500, Reached: 1280}}, "black hole is possible"},
		{"frag needed, then silent below it", PathMTU{Path: n(1400), Source: PMTUFragNeeded, ReportedBy: "10.0.0.1"}, 1400, 1280,
			PathMTU{ReportedBy: "10.0.0.1", BlackHole: &PMTUBlackHole{Lost: 1400, Reached: 1280}}, "at least 1280"},
		{"nothing answers at all", PathMTU{Path: n(1500), Source: PMTUKernel}, 1500, 0,
			PathMTU{Path: n(1500), Source: PMTUKernel}, "unconfirmed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			judgeSilence(&got, dst, tt.lost, tt.reached)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(PathMTU{}, "Note")); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if (tt.note == "") != (got.Note == "") || !strings.Contains(got.Note, tt.note) {
				t.Errorf("note %q, want one containing %q", got.Note, tt.note)
			}
		})
	}
}
