// Package statustest is a fake Atlassian Statuspage for the status probe's
// tests: each indicator, components (group entries included), incidents and
// maintenances, and the junk a real network serves in their place (HTML, a
// redirect to a marketing page, a huge body, a server that never answers or
// trickles, JSON without page.id). It serves on loopback only.
package statustest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Path is where the fake serves the summary, as Statuspage does.
const Path = "/api/v2/summary.json"

// Kind selects what the fake serves at Path.
type Kind string

// The page states the fake serves as a valid summary.
const (
	Operational Kind = "operational" // indicator none, every component operational
	Minor       Kind = "minor"       // indicator minor, Zoom Rooms degraded_performance, a minor incident
	Major       Kind = "major"       // indicator major, Zoom Rooms partial_outage, a major incident
	Critical    Kind = "critical"    // indicator critical, Zoom Rooms major_outage, a critical incident
	// Maintenance: indicator maintenance, Zoom Phone under_maintenance, an
	// in-progress maintenance.
	Maintenance Kind = "maintenance"
	// Scheduled: all operational, one upcoming maintenance.
	Scheduled Kind = "scheduled"
	// Lagging: indicator none while Zoom Rooms is in major_outage.
	Lagging Kind = "lagging"
	// GroupOnly: only a group entry says degraded_performance; its children
	// are operational.
	GroupOnly Kind = "group_only"
	// FullOutage: a component in "full_outage" (some pages' word for
	// major_outage), indicator critical.
	FullOutage Kind = "full_outage"
	// Resolved: an incident that is resolved but still listed.
	Resolved Kind = "resolved"
)

// The junk the fake serves in place of a summary.
const (
	NotJSON     Kind = "not_json"     // 200, text/html
	Redirect    Kind = "redirect"     // 302 to /marketing, an HTML page
	Huge        Kind = "huge"         // 200, valid-looking JSON of HugeSize bytes
	Slow        Kind = "slow"         // no answer until the client gives up
	Drip        Kind = "drip"         // headers at once, then a byte every 100 ms
	NoPageID    Kind = "no_page_id"   // JSON without page.id
	ServerError Kind = "server_error" // 503 Service Unavailable
	Loop        Kind = "loop"         // redirects to itself forever
	// HugeHead: a valid status line, then HugeHeadSize bytes of headers.
	HugeHead Kind = "huge_head"
	// Garbage: no status line, GarbageSize raw bytes (NUL, escapes, CR) and
	// a close.
	Garbage Kind = "garbage"
	// BadHeader: a valid status line, then a header line without a colon.
	BadHeader Kind = "bad_header"
	// HeaderDrip: a valid status line, then a header byte every 100 ms.
	HeaderDrip Kind = "header_drip"
)

// HugeHeadSize is the size of the HugeHead headers: 10 MB.
const HugeHeadSize = 10 << 20

// GarbageSize is the size of the Garbage answer.
const GarbageSize = 1 << 10

// GarbageMarker starts the Garbage answer, which goes on with terminal
// escapes, NUL and CR: a report may quote a few bytes of it, escaped, and
// never GarbageRepeat.
const GarbageMarker = "SSH-2.0-roompath-garbage "

// GarbageRepeat is repeated after GarbageMarker up to GarbageSize.
const GarbageRepeat = "\x00\r\x1b[2J\xff"

// HugeSize is the size of the Huge body: larger than the probe's limit.
const HugeSize = 5 << 20

// Kinds lists every valid-summary kind.
var Kinds = []Kind{Operational, Minor, Major, Critical, Maintenance, Scheduled, Lagging, GroupOnly, FullOutage, Resolved}

// Junk lists every kind that is not a valid summary.
var Junk = []Kind{NotJSON, Redirect, Huge, Slow, Drip, NoPageID, ServerError, Loop, HugeHead, Garbage, BadHeader, HeaderDrip}

//go:embed summary.json
var base []byte

// Start serves k on a loopback port and returns the summary's URL and a
// cleanup that stops the server (ending slow handlers first).
func Start(k Kind) (string, func()) {
	stop := make(chan struct{})
	srv := httptest.NewServer(Handler(k, stop))
	return srv.URL + Path, func() { close(stop); srv.Close() }
}

// New is Start for tests: the server stops when tb ends.
func New(tb testing.TB, k Kind) string {
	u, cleanup := Start(k)
	tb.Cleanup(cleanup)
	return u
}

// Handler serves k at Path (and the marketing page at /marketing); slow
// handlers return when the client leaves or stop is closed.
func Handler(k Kind, stop <-chan struct{}) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/marketing", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, marketingPage)
	})
	mux.HandleFunc(Path, func(w http.ResponseWriter, r *http.Request) { serve(w, r, k, stop) })
	return mux
}

const marketingPage = `<!doctype html><html><head><title>Statuspage | Atlassian</title></head><body><h1>This page is not claimed</h1></body></html>`

func serve(w http.ResponseWriter, r *http.Request, k Kind, stop <-chan struct{}) {
	switch k {
	case NotJSON:
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>Welcome to the Guest Wi-Fi. Please accept the terms.</body></html>")
	case Redirect:
		http.Redirect(w, r, "/marketing", http.StatusFound)
	case Loop:
		http.Redirect(w, r, Path, http.StatusFound)
	case ServerError:
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
	case Huge:
		serveHuge(w)
	case Slow:
		waitGone(r, stop, 0)
	case Drip:
		drip(w, r, stop)
	case HugeHead, Garbage, BadHeader, HeaderDrip:
		raw(w, r, k, stop)
	default:
		serveJSON(w, Body(k))
	}
}

func serveJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// serveHuge streams HugeSize bytes of a component list that never ends in
// time.
func serveHuge(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	head := `{"page":{"id":"rp0fake0zoom"},"components":[`
	item := `{"id":"x","name":"padding","status":"operational","group":false},`
	fmt.Fprint(w, head)
	for n := len(head); n < HugeSize; n += len(item) {
		if _, err := fmt.Fprint(w, item); err != nil {
			return
		}
	}
	fmt.Fprint(w, `{"id":"y","name":"end","status":"operational"}]}`)
}

// waitGone blocks until the client leaves, stop closes or d passes (d=0:
// no limit).
func waitGone(r *http.Request, stop <-chan struct{}, d time.Duration) {
	var after <-chan time.Time
	if d > 0 {
		after = time.After(d)
	}
	select {
	case <-r.Context().Done():
	case <-stop:
	case <-after:
	}
}

// drip sends the headers and then the operational summary a byte every
// 100 ms: minutes in all.
func drip(w http.ResponseWriter, r *http.Request, stop <-chan struct{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	for _, c := range Body(Operational) {
		if _, err := w.Write([]byte{c}); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Body returns the summary JSON the fake serves for a valid-summary kind
// (or NoPageID); it panics on other kinds.
func Body(k Kind) []byte {
	var s map[string]any
	if err := json.Unmarshal(base, &s); err != nil {
		panic(err)
	}
	mutate(s, k)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// mutate turns the operational base into kind k.
func mutate(s map[string]any, k Kind) {
	switch k {
	case Operational:
	case Minor:
		setState(s, "minor", "Minor Service Outage", "Zoom Rooms", "degraded_performance")
		addIncident(s, "Zoom Rooms controllers slow to connect", "investigating", "minor", "Zoom Rooms")
	case Major:
		setState(s, "major", "Partial System Outage", "Zoom Rooms", "partial_outage")
		addIncident(s, "Zoom Rooms unable to join meetings", "identified", "major", "Zoom Rooms")
	case Critical:
		setState(s, "critical", "Major System Outage", "Zoom Rooms", "major_outage")
		addIncident(s, "Zoom Rooms unavailable", "investigating", "critical", "Zoom Rooms")
	case Maintenance:
		setState(s, "maintenance", "Service Under Maintenance", "Zoom Phone", "under_maintenance")
		addMaintenance(s, "Zoom Phone platform upgrade", "in_progress", "Zoom Phone")
	case Scheduled:
		addMaintenance(s, "Zoom Website maintenance", "scheduled", "Zoom Website")
	case Lagging:
		setState(s, "none", "All Systems Operational", "Zoom Rooms", "major_outage")
	case GroupOnly:
		setState(s, "none", "All Systems Operational", "Zoom Meetings", "degraded_performance")
	case FullOutage:
		setState(s, "critical", "Major System Outage", "Web Client", "full_outage")
	case Resolved:
		addIncident(s, "Earlier sign-in errors", "resolved", "minor", "Zoom Website")
	case NoPageID:
		delete(s["page"].(map[string]any), "id")
	default:
		panic("statustest: not a summary kind: " + string(k))
	}
}

func setState(s map[string]any, indicator, desc, component, status string) {
	s["status"] = map[string]any{"indicator": indicator, "description": desc}
	for _, c := range s["components"].([]any) {
		c := c.(map[string]any)
		if c["name"] == component {
			c["status"] = status
			c["updated_at"] = startedAt
		}
	}
}

// startedAt is when every fake incident began.
const startedAt = "2026-11-25T10:58:00.000-08:00"

func component(s map[string]any, name string) map[string]any {
	for _, c := range s["components"].([]any) {
		if c := c.(map[string]any); c["name"] == name {
			return c
		}
	}
	panic("statustest: no component " + name)
}

func addIncident(s map[string]any, name, status, impact, comp string) {
	s["incidents"] = append(s["incidents"].([]any), map[string]any{
		"id": "inc-" + strings.ReplaceAll(strings.ToLower(name), " ", "-"), "name": name, "status": status, "impact": impact,
		"created_at": startedAt, "updated_at": startedAt, "started_at": startedAt, "monitoring_at": nil, "resolved_at": nil,
		"shortlink": "https://stspg.io/rpfake", "page_id": "rp0fake0zoom",
		"incident_updates": []any{map[string]any{"status": status, "body": "We are investigating.", "created_at": startedAt}},
		"components":       []any{component(s, comp)},
	})
}

func addMaintenance(s map[string]any, name, status, comp string) {
	s["scheduled_maintenances"] = append(s["scheduled_maintenances"].([]any), map[string]any{
		"id": "mnt-1", "name": name, "status": status, "impact": "maintenance",
		"created_at": startedAt, "updated_at": startedAt, "started_at": startedAt, "shortlink": "https://stspg.io/rpmaint",
		"scheduled_for": "2026-11-25T10:00:00.000-08:00", "scheduled_until": "2026-11-25T14:00:00.000-08:00",
		"incident_updates": []any{}, "components": []any{component(s, comp)},
	})
}
