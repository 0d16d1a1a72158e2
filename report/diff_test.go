package report

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/vocab"
)

func diffRep(results ...Result) Report {
	return Report{Schema: Schema, Tool: "portcheck", StartedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		Vantage: Vantage{Hostname: "ctl"}, Results: results}
}

func diffRes(id string, st Status, observed vocab.Observed, reason vocab.Reason) Result {
	return Result{ID: id, Check: "tcp", Target: id, Status: st, Observed: observed, Reason: reason}
}

func TestCompare(t *testing.T) {
	a := diffRep(diffRes("tcp/a:9090", "fail", "filtered", "no_response"), diffRes("tcp/b:9090", "pass", "open", "syn_ack"), diffRes("tcp/c:9090", "pass", "open", "syn_ack"))
	b := diffRep(diffRes("tcp/a:9090", "pass", "open", "syn_ack"), diffRes("tcp/b:9090", "pass", "open", "syn_ack"), diffRes("tcp/d:9090", "fail", "closed", "conn_refused"))
	got := Compare(a, b)
	want := Diff{
		Schema: DiffSchema,
		A:      DiffSide{Tool: "portcheck", StartedAt: "2026-11-25T10:00:00Z", Hostname: "ctl"},
		B:      DiffSide{Tool: "portcheck", StartedAt: "2026-11-25T10:00:00Z", Hostname: "ctl"},
		Changed: []DiffChange{{ID: "tcp/a:9090", Check: "tcp", Target: "tcp/a:9090", Fields: map[string][2]string{
			"status": {"fail", "pass"}, "observed": {"filtered", "open"}, "reason": {"no_response", "syn_ack"}}}},
		New:       []DiffBrief{{ID: "tcp/d:9090", Check: "tcp", Target: "tcp/d:9090", Status: "fail", Observed: "closed", Reason: "conn_refused"}},
		Missing:   []DiffBrief{{ID: "tcp/c:9090", Check: "tcp", Target: "tcp/c:9090", Status: "pass", Observed: "open", Reason: "syn_ack"}},
		Unchanged: 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if same := Compare(a, a); same.Different() {
		t.Errorf("a report differs from itself: %+v", same)
	}
}

func TestCompareVerdict(t *testing.T) {
	a, b := diffRep(), diffRep()
	a.Verdict = &Verdict{Status: StatusFail, Layer: vocab.LayerNetwork}
	b.Verdict = &Verdict{Status: StatusPass}
	d := Compare(a, b)
	if d.A.Verdict != "fail/network" || d.B.Verdict != "pass" || !d.Different() {
		t.Errorf("verdicts %q, %q; different %v", d.A.Verdict, d.B.Verdict, d.Different())
	}
}

// TestDiffJSON holds the roompath.diff/v1 document's field names and
// order.
func TestDiffJSON(t *testing.T) {
	a := diffRep(diffRes("tcp/a:9090", "fail", "filtered", "no_response"))
	b := diffRep(diffRes("tcp/a:9090", "pass", "open", "syn_ack"), Result{ID: "tcp/e:9090", Check: "tcp", Target: "e", Status: "fail", Observed: "filtered", ReportedBy: "10.0.0.1"})
	got, err := json.Marshal(Compare(a, b))
	want := `{"schema":"roompath.diff/v1",` +
		`"a":{"file":"","tool":"portcheck","started_at":"2026-11-25T10:00:00Z","hostname":"ctl"},` +
		`"b":{"file":"","tool":"portcheck","started_at":"2026-11-25T10:00:00Z","hostname":"ctl"},` +
		`"changed":[{"id":"tcp/a:9090","check":"tcp","target":"tcp/a:9090","fields":{"observed":["filtered","open"],"reason":["no_response","syn_ack"],"status":["fail","pass"]}}],` +
		`"new":[{"id":"tcp/e:9090","check":"tcp","target":"e","status":"fail","observed":"filtered","reported_by":"10.0.0.1"}],` +
		`"missing":[],"unchanged":0}`
	if err != nil || string(got) != want {
		t.Errorf("got  %s (%v)\nwant %s", got, err, want)
	}
}

// TestCompareDuplicateIDs: an id twice in a report is compared once and
// named as a duplicate, never counted twice.
func TestCompareDuplicateIDs(t *testing.T) {
	a := diffRep(diffRes("tcp/a:9090", "pass", "open", "syn_ack"), diffRes("tcp/m:9090", "pass", "open", "syn_ack"), diffRes("tcp/m:9090", "pass", "open", "syn_ack"))
	b := diffRep(diffRes("tcp/a:9090", "pass", "open", "syn_ack"), diffRes("tcp/a:9090", "fail", "closed", "conn_refused"),
		diffRes("tcp/n:9090", "fail", "closed", "conn_refused"), diffRes("tcp/n:9090", "fail", "closed", "conn_refused"), diffRes("tcp/a:9090", "pass", "open", "syn_ack"))
	d := Compare(a, b)
	if d.Unchanged != 1 || len(d.Changed) != 0 || len(d.New) != 1 || len(d.Missing) != 1 {
		t.Errorf("unchanged %d, changed %d, new %d, missing %d; want 1, 0, 1, 1", d.Unchanged, len(d.Changed), len(d.New), len(d.Missing))
	}
	if diff := cmp.Diff([]string{"tcp/m:9090"}, d.A.Duplicates); diff != "" {
		t.Errorf("A duplicates (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"tcp/a:9090", "tcp/n:9090"}, d.B.Duplicates); diff != "" {
		t.Errorf("B duplicates (-want +got)\n%s", diff)
	}
}
