package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/roompath/roompath/report"
)

// CheckName is the check of every status result.
const CheckName = "status"

// Detail is the evidence of a status result. The page's fields are absent
// when no summary could be read (unknown is not "all operational").
type Detail struct {
	// Source is the URL whose summary was used; empty when none was.
	Source string `json:"source,omitempty"`
	// Fallback is true when the summary came from the fallback URL.
	Fallback    bool   `json:"fallback_used"`
	Indicator   string `json:"indicator,omitempty"`
	Description string `json:"description,omitempty"`
	Page        *Page  `json:"page,omitempty"`
	// Components are the non-operational components (group entries
	// skipped); null when no summary was read.
	Components []ComponentState `json:"components"`
	// Incidents are the unresolved incidents.
	Incidents []IncidentState `json:"incidents"`
	// Maintenances are the upcoming and active scheduled maintenances.
	Maintenances []MaintenanceState `json:"maintenances"`
	// Tries is one entry per URL fetched, in order.
	Tries []Try `json:"tries"`
}

// ComponentState is one non-operational component.
type ComponentState struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	// Group is the name of the component's group, if it has one.
	Group string `json:"group,omitempty"`
}

// IncidentState is one unresolved incident.
type IncidentState struct {
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	Impact     string   `json:"impact"`
	Started    string   `json:"started,omitempty"`
	Shortlink  string   `json:"shortlink,omitempty"`
	Components []string `json:"components,omitempty"`
}

// MaintenanceState is one upcoming or active maintenance.
type MaintenanceState struct {
	Name           string   `json:"name"`
	Status         string   `json:"status"`
	ScheduledFor   string   `json:"scheduled_for,omitempty"`
	ScheduledUntil string   `json:"scheduled_until,omitempty"`
	Components     []string `json:"components,omitempty"`
}

// Try is one fetch of one URL.
type Try struct {
	URL string `json:"url"`
	// FinalURL is where redirects led, when they did.
	FinalURL   string  `json:"final_url,omitempty"`
	HTTPStatus int     `json:"http_status,omitempty"`
	Bytes      int     `json:"bytes,omitempty"`
	Failure    *string `json:"failure"`
	Operation  *string `json:"operation"`
	// Abandoned is true when another URL answered first.
	Abandoned  bool    `json:"abandoned,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// result builds the check's result from the winning fetch (nil when none
// gave a summary) and every try.
func (p *Probe) result(won *fetched, tries []fetched) report.Result {
	res := report.Result{
		ID: ID(p.urls[0]), Check: CheckName, Target: p.urls[0], Expect: StateOperational, Layer: report.LayerCloud,
	}
	det := &Detail{Tries: detailTries(tries, won != nil)}
	res.Detail = det
	if won == nil {
		unknownResult(&res, tries)
		return res
	}
	det.Source, det.Fallback = won.url, won.index > 0
	v := Judge(won.summary)
	res.Observed, res.Reason, res.Status = v.Observed, v.Reason, v.Status
	fillDetail(det, won.summary, v)
	res.Hint = Hint(v, won.summary)
	return res
}

// unknownResult: no URL gave a summary. The failure is the primary's,
// unless it was only abandoned or the fallback's says more.
func unknownResult(res *report.Result, tries []fetched) {
	res.Observed, res.Reason, res.Status = StateUnknown, ReasonUnreadable, report.StatusWarn
	f, op := Classify(tries[0].err)
	res.Failure, res.Operation = report.Str(f), report.Str(op)
	res.Hint = UnknownHint(tries[0].url, f, op, tries[0].finalURL)
	if len(tries) > 1 {
		ff, _ := Classify(tries[1].err)
		res.Hint += fmt.Sprintf(" The fallback %s failed too (%s).", tries[1].url, ff)
	}
}

func detailTries(tries []fetched, someoneWon bool) []Try {
	out := make([]Try, 0, len(tries))
	for _, f := range tries {
		t := Try{URL: f.url, FinalURL: f.finalURL, HTTPStatus: f.httpStatus, Bytes: f.bytes, DurationMS: report.MS(f.duration)}
		switch {
		case f.err == nil:
		case someoneWon && errors.Is(f.err, context.Canceled):
			t.Abandoned = true
		default:
			fl, op := Classify(f.err)
			t.Failure, t.Operation = report.Str(fl), report.Str(op)
		}
		out = append(out, t)
	}
	return out
}

func fillDetail(det *Detail, s *Summary, v Verdict) {
	det.Indicator, det.Description = s.Status.Indicator, s.Status.Description
	det.Page = &s.Page
	groups := groupNames(s.Components)
	det.Components = make([]ComponentState, 0, len(v.Components))
	for _, c := range v.Components {
		det.Components = append(det.Components, ComponentState{Name: c.Name, Status: c.Status, Group: groups[c.GroupID]})
	}
	det.Incidents = make([]IncidentState, 0, len(v.Incidents))
	for _, in := range v.Incidents {
		det.Incidents = append(det.Incidents, IncidentState{
			Name: in.Name, Status: in.Status, Impact: in.Impact, Started: firstNonEmpty(in.StartedAt, in.CreatedAt),
			Shortlink: in.Shortlink, Components: componentNames(in.Components),
		})
	}
	det.Maintenances = make([]MaintenanceState, 0, len(v.Maintenances))
	for _, m := range v.Maintenances {
		det.Maintenances = append(det.Maintenances, MaintenanceState{
			Name: m.Name, Status: m.Status, ScheduledFor: m.ScheduledFor, ScheduledUntil: m.ScheduledUntil,
			Components: componentNames(m.Components),
		})
	}
}

// groupNames maps the id of each group entry to its name.
func groupNames(cs []Component) map[string]string {
	m := map[string]string{}
	for _, c := range cs {
		if c.Group && c.ID != "" {
			m[c.ID] = c.Name
		}
	}
	return m
}

func componentNames(cs []Component) []string {
	var out []string
	for _, c := range cs {
		if c.Name != "" {
			out = append(out, c.Name)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
