package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTargetLabelsDisambiguate(t *testing.T) {
	rs := []Result{
		{ID: "dns/zoom.us/A@10.0.0.53", Check: "dns", Target: "zoom.us"},
		{ID: "dns/zoom.us/AAAA@10.0.0.53", Check: "dns", Target: "zoom.us"},
		{ID: "tcp/10.0.0.1:9090", Check: "tcp", Target: "10.0.0.1:9090"},
	}
	want := []string{"zoom.us/A@10.0.0.53", "zoom.us/AAAA@10.0.0.53", "10.0.0.1:9090"}
	if diff := cmp.Diff(want, targetLabels(rs)); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestHintsPrintedOnce(t *testing.T) {
	var buf bytes.Buffer
	enc := &textEncoder{w: &buf}
	rep := &Report{Tool: "dnscheck", Results: []Result{
		{ID: "dns/a/A@r", Check: "dns", Target: "a", Status: StatusFail, Hint: "sinkholed"},
		{ID: "dns/b/A@r", Check: "dns", Target: "b", Status: StatusFail, Hint: "sinkholed"},
		{ID: "dns/c/A@r", Check: "dns", Target: "c", Status: StatusFail, Hint: "other"},
	}}
	if err := enc.End(rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "sinkholed") != 1 || !strings.Contains(out, "» a, b: sinkholed") {
		t.Errorf("hints not grouped:\n%s", out)
	}
}
