package status

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Summary is the part of a Statuspage summary.json that the check reads.
// Timestamps stay strings: pages differ in their precision and offsets, and
// an odd timestamp must not make a whole page unreadable.
type Summary struct {
	// Page identifies the page.
	Page Page `json:"page"`
	// Status is the page's overall rollup.
	Status PageStatus `json:"status"`
	// Components are every component, group entries included.
	Components []Component `json:"components"`
	// Incidents are the page's incidents, resolved ones included.
	Incidents []Incident `json:"incidents"`
	// Maintenance are the scheduled maintenances, completed ones included.
	Maintenance []Maintenance `json:"scheduled_maintenances"`
}

// Page identifies the status page. ID is what tells a real Statuspage from
// any other JSON.
type Page struct {
	// ID is the Statuspage page id; never empty in a decoded Summary.
	ID string `json:"id"`
	// Name is the page's name, e.g. "Zoom".
	Name string `json:"name"`
	// URL is the page's human address, e.g. https://www.zoomstatus.com.
	URL string `json:"url"`
	// UpdatedAt is when the page last changed, as the page writes it.
	UpdatedAt string `json:"updated_at"`
}

// PageStatus is the page's overall rollup: Indicator is none, minor, major,
// critical (or maintenance on some pages).
type PageStatus struct {
	// Indicator is none, minor, major, critical or maintenance.
	Indicator string `json:"indicator"`
	// Description is the rollup in words, e.g. "All Systems Operational".
	Description string `json:"description"`
}

// Component is one service on the page. Group entries (Group true) only
// roll up their children and are skipped.
type Component struct {
	// ID is the component's id.
	ID string `json:"id"`
	// Name is the component's name, e.g. "Zoom Rooms".
	Name string `json:"name"`
	// Status is operational, degraded_performance, partial_outage,
	// major_outage (full_outage on some pages) or under_maintenance.
	Status string `json:"status"`
	// Group is true for a group entry.
	Group bool `json:"group"`
	// GroupID is the id of the component's group; empty when it has none.
	GroupID string `json:"group_id"`
	// UpdatedAt is when the component's status last changed.
	UpdatedAt string `json:"updated_at"`
}

// Incident is an unresolved incident.
type Incident struct {
	// Name is the incident's title.
	Name string `json:"name"`
	// Status is investigating, identified, monitoring, resolved or
	// postmortem.
	Status string `json:"status"`
	// Impact is none, minor, major or critical.
	Impact string `json:"impact"`
	// CreatedAt is when the incident was opened.
	CreatedAt string `json:"created_at"`
	// StartedAt is when the incident began, when the page says.
	StartedAt string `json:"started_at"`
	// Shortlink is the incident's short URL.
	Shortlink string `json:"shortlink"`
	// Components are the components it affects.
	Components []Component `json:"components"`
}

// Maintenance is an upcoming or active scheduled maintenance.
type Maintenance struct {
	// Name is the maintenance's title.
	Name string `json:"name"`
	// Status is scheduled, in_progress, verifying or completed.
	Status string `json:"status"`
	// Impact is none, minor, major, critical or maintenance.
	Impact string `json:"impact"`
	// ScheduledFor is when it starts.
	ScheduledFor string `json:"scheduled_for"`
	// ScheduledUntil is when it ends.
	ScheduledUntil string `json:"scheduled_until"`
	// Shortlink is the maintenance's short URL.
	Shortlink string `json:"shortlink"`
	// Components are the components it affects.
	Components []Component `json:"components"`
}

// Decoding errors; Decode wraps them with the underlying cause.
var (
	// ErrNotJSON: the body is not JSON at all (a marketing page after a
	// redirect, a proxy's block page, a captive portal).
	ErrNotJSON = errors.New("not JSON")
	// ErrNotStatuspage: JSON, but not a Statuspage summary (no page.id, or
	// fields of the wrong type).
	ErrNotStatuspage = errors.New("JSON without page.id: not a Statuspage summary")
)

// Decode parses a summary.json body. It accepts only JSON that carries a
// page.id; anything else is an error wrapping ErrNotJSON or
// ErrNotStatuspage.
func Decode(b []byte) (*Summary, error) {
	if !json.Valid(b) {
		return nil, fmt.Errorf("status: %w", ErrNotJSON)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("status: %w: %w", ErrNotStatuspage, err)
	}
	if s.Page.ID == "" {
		return nil, fmt.Errorf("status: %w", ErrNotStatuspage)
	}
	return &s, nil
}
