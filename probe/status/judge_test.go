package status

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

type judged struct {
	Observed   vocab.Observed
	Reason     vocab.Reason
	Status     report.Status
	Components []string
	Incidents  int
	Maint      int
}

func summarize(v Verdict) judged {
	j := judged{Observed: v.Observed, Reason: v.Reason, Status: v.Status, Incidents: len(v.Incidents), Maint: len(v.Maintenances)}
	for _, c := range v.Components {
		j.Components = append(j.Components, c.Name+"="+c.Status)
	}
	return j
}

func decodeKind(t *testing.T, k statustest.Kind) *Summary {
	t.Helper()
	s, err := Decode(statustest.Body(k))
	if err != nil {
		t.Fatalf("Decode(%s): %v", k, err)
	}
	return s
}

func TestJudgeFakeKinds(t *testing.T) {
	tests := []struct {
		kind statustest.Kind
		want judged
	}{
		{statustest.Operational, judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass}},
		{statustest.Minor, judged{Observed: vocab.StateDegraded, Reason: vocab.ReasonIndicator, Status: report.StatusWarn,
			Components: []string{"Zoom Rooms=degraded_performance"}, Incidents: 1}},
		{statustest.Major, judged{Observed: vocab.StateOutage, Reason: vocab.ReasonIndicator, Status: report.StatusFail,
			Components: []string{"Zoom Rooms=partial_outage"}, Incidents: 1}},
		{statustest.Critical, judged{Observed: vocab.StateOutage, Reason: vocab.ReasonIndicator, Status: report.StatusFail,
			Components: []string{"Zoom Rooms=major_outage"}, Incidents: 1}},
		{statustest.Maintenance, judged{Observed: vocab.StateMaintenance, Reason: vocab.ReasonIndicator, Status: report.StatusWarn,
			Components: []string{"Zoom Phone=under_maintenance"}, Maint: 1}},
		{statustest.Scheduled, judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass, Maint: 1}},
		{statustest.Lagging, judged{Observed: vocab.StateOutage, Reason: vocab.ReasonComponent, Status: report.StatusFail,
			Components: []string{"Zoom Rooms=major_outage"}}},
		{statustest.GroupOnly, judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass}},
		{statustest.FullOutage, judged{Observed: vocab.StateOutage, Reason: vocab.ReasonIndicator, Status: report.StatusFail,
			Components: []string{"Web Client=full_outage"}}},
		{statustest.Resolved, judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			got := summarize(Judge(decodeKind(t, tt.kind)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Judge (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJudgeRules(t *testing.T) {
	page := Page{ID: "p"}
	tests := []struct {
		name string
		in   Summary
		want judged
	}{
		{"full_outage outranks a lagging none", Summary{Page: page, Status: PageStatus{Indicator: "none"},
			Components: []Component{{Name: "Zoom Rooms", Status: "full_outage"}}},
			judged{Observed: vocab.StateOutage, Reason: vocab.ReasonComponent, Status: report.StatusFail, Components: []string{"Zoom Rooms=full_outage"}}},
		{"group entries are skipped even in outage", Summary{Page: page, Status: PageStatus{Indicator: "none"},
			Components: []Component{{Name: "Meetings", Status: "major_outage", Group: true}, {Name: "Web", Status: "operational"}}},
			judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass}},
		{"critical incident outranks a minor indicator", Summary{Page: page, Status: PageStatus{Indicator: "minor"},
			Incidents: []Incident{{Name: "down", Status: "investigating", Impact: "critical"}}},
			judged{Observed: vocab.StateOutage, Reason: vocab.ReasonIncident, Status: report.StatusFail, Incidents: 1}},
		{"postmortem incident is not active", Summary{Page: page,
			Incidents: []Incident{{Name: "old", Status: "postmortem", Impact: "critical"}}},
			judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass}},
		{"impact none incident is listed only", Summary{Page: page,
			Incidents: []Incident{{Name: "fyi", Status: "monitoring", Impact: "none"}}},
			judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass, Incidents: 1}},
		{"unknown indicator counts as degraded", Summary{Page: page, Status: PageStatus{Indicator: "purple"}},
			judged{Observed: vocab.StateDegraded, Reason: vocab.ReasonIndicator, Status: report.StatusWarn}},
		{"unknown component status counts as degraded", Summary{Page: page,
			Components: []Component{{Name: "X", Status: "on_fire"}}},
			judged{Observed: vocab.StateDegraded, Reason: vocab.ReasonComponent, Status: report.StatusWarn, Components: []string{"X=on_fire"}}},
		{"active maintenance without indicator", Summary{Page: page,
			Maintenance: []Maintenance{{Name: "m", Status: "verifying"}}},
			judged{Observed: vocab.StateMaintenance, Reason: vocab.ReasonMaintenanceActive, Status: report.StatusWarn, Maint: 1}},
		{"completed maintenance is dropped", Summary{Page: page,
			Maintenance: []Maintenance{{Name: "m", Status: "completed"}}},
			judged{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational, Status: report.StatusPass}},
		{"degraded outranks maintenance", Summary{Page: page, Status: PageStatus{Indicator: "maintenance"},
			Components: []Component{{Name: "A", Status: "under_maintenance"}, {Name: "B", Status: "degraded_performance"}}},
			judged{Observed: vocab.StateDegraded, Reason: vocab.ReasonComponent, Status: report.StatusWarn,
				Components: []string{"A=under_maintenance", "B=degraded_performance"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, summarize(Judge(&tt.in))); diff != "" {
				t.Errorf("Judge (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
	}{
		{"html", "<html>hi</html>", ErrNotJSON},
		{"empty", "", ErrNotJSON},
		{"truncated", `{"page":{"id":"x"`, ErrNotJSON},
		{"null", "null", ErrNotStatuspage},
		{"array", "[1,2]", ErrNotStatuspage},
		{"no page id", `{"page":{"name":"Zoom"},"status":{"indicator":"none"}}`, ErrNotStatuspage},
		{"wrong type", `{"page":{"id":7}}`, ErrNotStatuspage},
		{"fake no page id", string(statustest.Body(statustest.NoPageID)), ErrNotStatuspage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body))
			f := Classify(err).Failure
			want := Classify(tt.want).Failure
			if diff := cmp.Diff(want, f); diff != "" {
				t.Errorf("Decode error %v (-want +got):\n%s", err, diff)
			}
		})
	}
}

func TestHints(t *testing.T) {
	tests := []struct {
		kind statustest.Kind
		want []string // substrings
	}{
		{statustest.Operational, nil},
		{statustest.Critical, []string{"Zoom reports a major outage of Zoom Rooms", "Zoom Rooms unavailable", "since 2026-11-25 18:58 UTC", "not your network", "https://stspg.io/rpfake"}},
		{statustest.Lagging, []string{"major outage of Zoom Rooms (major outage) since 2026-11-25 18:58 UTC", "https://www.zoomstatus.com"}},
		{statustest.Minor, []string{"degraded service of Zoom Rooms", "controllers slow to connect"}},
		{statustest.Maintenance, []string{"maintenance in progress on Zoom Phone", "until 2026-11-25 22:00 UTC"}},
		{statustest.FullOutage, []string{"major outage of Web Client (full outage)"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			s := decodeKind(t, tt.kind)
			h := Hint(Judge(s), s)
			if tt.want == nil && h != "" {
				t.Errorf("hint = %q, want none", h)
			}
			for _, w := range tt.want {
				if !strings.Contains(h, w) {
					t.Errorf("hint %q lacks %q", h, w)
				}
			}
		})
	}
}
