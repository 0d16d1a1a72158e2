// Package report holds the roompath result envelope (schema
// "roompath.report/v1"), its encoders (text, json, ndjson, junit, html), diff and the
// exit-code rules shared by every binary. The contract lives in
// shared/DESIGN.md; report/schema.json is its machine-readable form.
package report
