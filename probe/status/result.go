package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// Detail is the evidence of a status result. The page's fields are absent
// when no summary could be read (unknown is not "all operational").
type Detail struct {
	// Source is the URL whose summary was used; empty when none was.
	Source string `json:"source,omitempty"`
	// Fallback is true when the summary came from the fallback URL.
	Fallback bool `json:"fallback_used"`
	// Indicator is the page's overall indicator (none, minor, major,
	// critical, maintenance); empty when no summary was read.
	Indicator string `json:"indicator,omitempty"`
	// Description is the page's overall status in words, e.g. "Major
	// System Outage"; empty when no summary was read.
	Description string `json:"description,omitempty"`
	// Page identifies the page read; nil when no summary was.
	Page *Page `json:"page,omitempty"`
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
	// Name is the component's name, e.g. "Zoom Rooms".
	Name string `json:"name"`
	// Status is the component's status, e.g. "major_outage".
	Status string `json:"status"`
	// Group is the name of the component's group, if it has one.
	Group string `json:"group,omitempty"`
}

// IncidentState is one unresolved incident.
type IncidentState struct {
	// Name is the incident's title.
	Name string `json:"name"`
	// Status is the incident's status, e.g. "investigating".
	Status string `json:"status"`
	// Impact is minor, major, critical or none.
	Impact string `json:"impact"`
	// Started is when it began (or was opened), as the page writes it.
	Started string `json:"started,omitempty"`
	// Shortlink is the incident's short URL.
	Shortlink string `json:"shortlink,omitempty"`
	// Components name the components it affects.
	Components []string `json:"components,omitempty"`
}

// MaintenanceState is one upcoming or active maintenance.
type MaintenanceState struct {
	// Name is the maintenance's title.
	Name string `json:"name"`
	// Status is scheduled, in_progress or verifying.
	Status string `json:"status"`
	// ScheduledFor is when it starts.
	ScheduledFor string `json:"scheduled_for,omitempty"`
	// ScheduledUntil is when it ends.
	ScheduledUntil string `json:"scheduled_until,omitempty"`
	// Components name the components it affects.
	Components []string `json:"components,omitempty"`
}

// Try is one fetch of one URL.
type Try struct {
	// URL is the URL fetched.
	URL string `json:"url"`
	// FinalURL is where redirects led, when they did.
	FinalURL string `json:"final_url,omitempty"`
	// HTTPStatus is the final answer's status; zero when none came.
	HTTPStatus int `json:"http_status,omitempty"`
	// Bytes is the size of the body read.
	Bytes int `json:"bytes,omitempty"`
	// Failure is why the fetch gave no summary; nil when it did, or was
	// abandoned.
	Failure *vocab.Failure `json:"failure"`
	// Operation is the step that failed; nil with Failure.
	Operation *vocab.Operation `json:"operation"`
	// Abandoned is true when another URL answered first.
	Abandoned bool `json:"abandoned,omitempty"`
	// DurationMS is how long the fetch took.
	DurationMS float64 `json:"duration_ms"`
}

// result builds the check's result from the winning fetch (nil when none
// gave a summary) and every try.
func (p *Status) result(won *fetched, tries []fetched) report.Result {
	res := report.Result{
		ID: ID(p.urls[0]), Check: vocab.CheckStatus, Target: report.RedactURL(p.urls[0]), Expect: string(vocab.StateOperational), Layer: vocab.LayerCloud,
	}
	det := &Detail{Tries: detailTries(tries, won != nil)}
	res.Detail = det
	if won == nil {
		unknownResult(&res, tries)
		return res
	}
	det.Source, det.Fallback = report.RedactURL(won.url), won.index > 0
	v := Judge(won.summary)
	res.Observed, res.Reason, res.Status = v.Observed, v.Reason, v.Status
	fillDetail(det, won.summary, v)
	res.Hint = Hint(v, won.summary)
	return res
}

// unknownResult: no URL gave a summary. The failure is the primary's,
// unless it was only abandoned or the fallback's says more.
func unknownResult(res *report.Result, tries []fetched) {
	res.Observed, res.Reason, res.Status = vocab.StateUnknown, vocab.ReasonUnreadable, report.StatusWarn
	e := Classify(tries[0].err)
	e.Fill(res)
	res.Hint = UnknownHint(tries[0].url, e.Failure, e.Operation, tries[0].finalURL)
	if len(tries) > 1 {
		res.Hint += fmt.Sprintf(" The fallback %s failed too (%s).", tries[1].url, Classify(tries[1].err).Failure)
	}
	res.Hint = report.RedactText(res.Hint)
}

func detailTries(tries []fetched, someoneWon bool) []Try {
	out := make([]Try, 0, len(tries))
	for _, f := range tries {
		t := Try{URL: report.RedactURL(f.url), FinalURL: report.RedactURL(f.finalURL), HTTPStatus: f.httpStatus, Bytes: f.bytes, DurationMS: report.MS(f.duration)}
		switch {
		case f.err == nil:
		case someoneWon && errors.Is(f.err, context.Canceled):
			t.Abandoned = true
		default:
			e := Classify(f.err)
			t.Failure, t.Operation = report.Str(e.Failure), report.Str(e.Operation)
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
