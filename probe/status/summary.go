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
	Page        Page          `json:"page"`
	Status      PageStatus    `json:"status"`
	Components  []Component   `json:"components"`
	Incidents   []Incident    `json:"incidents"`
	Maintenance []Maintenance `json:"scheduled_maintenances"`
}

// Page identifies the status page. ID is what tells a real Statuspage from
// any other JSON.
type Page struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	UpdatedAt string `json:"updated_at"`
}

// PageStatus is the page's overall rollup: Indicator is none, minor, major,
// critical (or maintenance on some pages).
type PageStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// Component is one service on the page. Group entries (Group true) only
// roll up their children and are skipped.
type Component struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Group     bool   `json:"group"`
	GroupID   string `json:"group_id"`
	UpdatedAt string `json:"updated_at"`
}

// Incident is an unresolved incident.
type Incident struct {
	Name       string      `json:"name"`
	Status     string      `json:"status"`
	Impact     string      `json:"impact"`
	CreatedAt  string      `json:"created_at"`
	StartedAt  string      `json:"started_at"`
	Shortlink  string      `json:"shortlink"`
	Components []Component `json:"components"`
}

// Maintenance is an upcoming or active scheduled maintenance.
type Maintenance struct {
	Name           string      `json:"name"`
	Status         string      `json:"status"`
	Impact         string      `json:"impact"`
	ScheduledFor   string      `json:"scheduled_for"`
	ScheduledUntil string      `json:"scheduled_until"`
	Shortlink      string      `json:"shortlink"`
	Components     []Component `json:"components"`
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
