// Package status reads Zoom's service status from its Atlassian Statuspage
// (https://www.zoomstatus.com/api/v2/summary.json) and turns it into one
// roompath result with check "status" and layer "cloud".
//
// The observed state is one of operational, degraded, outage, maintenance
// or unknown. Outage fails, degraded and maintenance warn, and unknown (the
// page could not be read from here) warns with a classified failure: a
// status page that cannot be read is itself a symptom (DNS, a proxy, a
// captive portal) rather than a verdict on Zoom.
//
// The decision is made from a decoded summary by [Judge], without sockets,
// so it can be tabled and fuzzed; a [Status] (built by [NewStatus]) fetches
// with a bounded body, a bounded number of redirects and the caller's
// deadline, falls back to a second URL (status.zoom.us) when the first
// cannot be read, and emits its one result from Run(ctx, emit).
package status
