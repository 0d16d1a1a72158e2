// Package exporter is `roompath serve`: a Prometheus exporter that runs
// roompath's checks on demand through the blackbox_exporter multi-target
// pattern (/probe?module=NAME&target=T), and on a schedule of its own
// (exposed on /metrics), so that Prometheus does the scheduling, storage,
// alerting and dashboards.
//
// A module is a prober ("tcp", "dns", "tls", "proxy", "status") built from
// its configuration by a constructor in a name-to-constructor registry; the
// built-in modules carry the probers' own names and a YAML file adds or
// replaces modules. Every /probe target is checked against an allowlist of
// CIDRs and names before anything is sent, so the exporter cannot be used
// to scan arbitrary hosts.
//
// Metric names follow blackbox_exporter where one exists (probe_success,
// probe_duration_seconds, probe_dns_lookup_time_seconds, probe_ip_protocol)
// and add probe_failure_info{check, observed, reason, failure}, whose label
// values come only from roompath's closed vocabularies.
package exporter
