package status

import (
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// rank orders states by how bad they are; the worst source wins.
type rank int

const (
	rankOperational rank = iota
	rankMaintenance
	rankDegraded
	rankOutage
)

var rankState = [...]vocab.Observed{vocab.StateOperational, vocab.StateMaintenance, vocab.StateDegraded, vocab.StateOutage}

// Verdict is what a summary says, decided without sockets.
type Verdict struct {
	// Observed is one of the vocab.State constants (never StateUnknown).
	Observed vocab.Observed
	// Reason is what decided Observed: vocab.ReasonAllOperational,
	// ReasonIndicator, ReasonComponent, ReasonIncident or
	// ReasonMaintenanceActive.
	Reason vocab.Reason
	// Status is pass, warn (degraded, maintenance) or fail (outage).
	Status report.Status
	// Components are the non-operational components, group entries skipped.
	Components []Component
	// Incidents are the unresolved incidents.
	Incidents []Incident
	// Maintenances are the upcoming and active maintenances.
	Maintenances []Maintenance
	// Cause is the evidence the hint names: for maintenance the first
	// active maintenance; else the first unresolved incident as bad as the
	// state, else the first such component; nil when only the indicator
	// says so.
	Cause any
}

// Judge decides the state of a decoded summary. The worst of the indicator,
// the components, the unresolved incidents and the active maintenances
// wins; on a tie the indicator, then a component, then an incident is
// named as the reason.
func Judge(s *Summary) Verdict {
	v := Verdict{Observed: vocab.StateOperational, Reason: vocab.ReasonAllOperational}
	best := rankOperational
	consider := func(r rank, reason vocab.Reason) {
		if r > best {
			best, v.Reason = r, reason
		}
	}
	consider(indicatorRank(s.Status.Indicator), vocab.ReasonIndicator)
	v.Components = judgeComponents(s.Components, consider)
	v.Incidents = judgeIncidents(s.Incidents, consider)
	v.Maintenances = judgeMaintenances(s.Maintenance, consider)
	v.Observed = rankState[best]
	v.Cause = pickCause(v, best)
	v.Status = stateStatus(v.Observed)
	return v
}

func judgeComponents(cs []Component, consider func(rank, vocab.Reason)) []Component {
	var out []Component
	for _, c := range cs {
		if c.Group || c.Status == "operational" {
			continue
		}
		out = append(out, c)
		consider(componentRank(c.Status), vocab.ReasonComponent)
	}
	return out
}

func judgeIncidents(is []Incident, consider func(rank, vocab.Reason)) []Incident {
	var out []Incident
	for _, in := range is {
		if !unresolved(in.Status) {
			continue
		}
		out = append(out, in)
		consider(impactRank(in.Impact), vocab.ReasonIncident)
	}
	return out
}

func judgeMaintenances(ms []Maintenance, consider func(rank, vocab.Reason)) []Maintenance {
	var out []Maintenance
	for _, m := range ms {
		if m.Status == "completed" {
			continue
		}
		out = append(out, m)
		if maintenanceActive(m.Status) {
			consider(rankMaintenance, vocab.ReasonMaintenanceActive)
		}
	}
	return out
}

// pickCause finds the evidence for the hint; see Verdict.Cause.
func pickCause(v Verdict, best rank) any {
	switch best {
	case rankOperational:
		return nil
	case rankMaintenance:
		for _, m := range v.Maintenances {
			if maintenanceActive(m.Status) {
				return m
			}
		}
	}
	for _, in := range v.Incidents {
		if impactRank(in.Impact) == best {
			return in
		}
	}
	for _, c := range v.Components {
		if componentRank(c.Status) == best {
			return c
		}
	}
	return nil
}

func maintenanceActive(st string) bool { return st == "in_progress" || st == "verifying" }

// indicatorRank maps status.indicator; an unknown value is taken as
// degraded rather than ignored.
func indicatorRank(ind string) rank {
	switch ind {
	case "none", "":
		return rankOperational
	case "maintenance":
		return rankMaintenance
	case "major", "critical":
		return rankOutage
	}
	return rankDegraded
}

// componentRank maps a component status; full_outage is what some pages
// say for major_outage, and an unknown status counts as degraded.
func componentRank(st string) rank {
	switch st {
	case "operational":
		return rankOperational
	case "under_maintenance":
		return rankMaintenance
	case "major_outage", "full_outage":
		return rankOutage
	}
	return rankDegraded
}

// impactRank maps an unresolved incident's impact.
func impactRank(impact string) rank {
	switch impact {
	case "major", "critical":
		return rankOutage
	case "minor":
		return rankDegraded
	}
	return rankOperational
}

func unresolved(st string) bool {
	return st != "resolved" && st != "postmortem" && st != "completed"
}

func stateStatus(state vocab.Observed) report.Status {
	switch state {
	case vocab.StateOperational:
		return report.StatusPass
	case vocab.StateOutage:
		return report.StatusFail
	}
	return report.StatusWarn
}
