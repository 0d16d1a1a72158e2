package status

import "github.com/roompath/roompath/report"

// Observed states of a status result.
const (
	StateOperational = "operational"
	StateDegraded    = "degraded"
	StateOutage      = "outage"
	StateMaintenance = "maintenance"
	// StateUnknown: the status page could not be read from here.
	StateUnknown = "unknown"
)

// Reasons: what decided the observed state.
const (
	// ReasonAllOperational: the indicator is none and nothing is amiss.
	ReasonAllOperational = "all_operational"
	// ReasonIndicator: the page's overall indicator decided.
	ReasonIndicator = "indicator"
	// ReasonComponent: a component's status outranked the indicator (which
	// can lag a critical component).
	ReasonComponent = "component"
	// ReasonIncident: an unresolved incident's impact outranked both.
	ReasonIncident = "incident"
	// ReasonMaintenanceActive: a scheduled maintenance is in progress.
	ReasonMaintenanceActive = "maintenance_in_progress"
	// ReasonUnreadable: no URL gave a Statuspage summary.
	ReasonUnreadable = "unreadable"
)

// rank orders states by how bad they are; the worst source wins.
type rank int

const (
	rankOperational rank = iota
	rankMaintenance
	rankDegraded
	rankOutage
)

var rankState = [...]string{StateOperational, StateMaintenance, StateDegraded, StateOutage}

// Verdict is what a summary says, decided without sockets.
type Verdict struct {
	// Observed is one of the State constants (never StateUnknown).
	Observed string
	// Reason is one of the Reason constants.
	Reason string
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
	v := Verdict{Observed: StateOperational, Reason: ReasonAllOperational}
	best := rankOperational
	consider := func(r rank, reason string) {
		if r > best {
			best, v.Reason = r, reason
		}
	}
	consider(indicatorRank(s.Status.Indicator), ReasonIndicator)
	v.Components = judgeComponents(s.Components, consider)
	v.Incidents = judgeIncidents(s.Incidents, consider)
	v.Maintenances = judgeMaintenances(s.Maintenance, consider)
	v.Observed = rankState[best]
	v.Cause = pickCause(v, best)
	v.Status = stateStatus(v.Observed)
	return v
}

func judgeComponents(cs []Component, consider func(rank, string)) []Component {
	var out []Component
	for _, c := range cs {
		if c.Group || c.Status == "operational" {
			continue
		}
		out = append(out, c)
		consider(componentRank(c.Status), ReasonComponent)
	}
	return out
}

func judgeIncidents(is []Incident, consider func(rank, string)) []Incident {
	var out []Incident
	for _, in := range is {
		if !unresolved(in.Status) {
			continue
		}
		out = append(out, in)
		consider(impactRank(in.Impact), ReasonIncident)
	}
	return out
}

func judgeMaintenances(ms []Maintenance, consider func(rank, string)) []Maintenance {
	var out []Maintenance
	for _, m := range ms {
		if m.Status == "completed" {
			continue
		}
		out = append(out, m)
		if maintenanceActive(m.Status) {
			consider(rankMaintenance, ReasonMaintenanceActive)
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

func stateStatus(state string) report.Status {
	switch state {
	case StateOperational:
		return report.StatusPass
	case StateOutage:
		return report.StatusFail
	}
	return report.StatusWarn
}
