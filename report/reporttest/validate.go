// Package reporttest validates roompath output against the envelope's JSON
// Schema, for tests of every binary.
package reporttest

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/roompath/roompath/report"
)

func compile(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.SchemaJSON))
	if err != nil {
		tb.Fatalf("schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("schema.json", doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		tb.Fatalf("compile schema: %v", err)
	}
	return s
}

// ValidateJSON fails tb unless b (the output of -o json) is a valid report.
func ValidateJSON(tb testing.TB, b []byte) {
	tb.Helper()
	if err := validate(compile(tb), b); err != nil {
		tb.Fatalf("report does not match schema.json: %v\n%s", err, b)
	}
}

// ValidateNDJSON fails tb unless every line of b (the output of -o ndjson)
// is a valid result and the last line a valid envelope without results.
func ValidateNDJSON(tb testing.TB, b []byte) {
	tb.Helper()
	s := compile(tb)
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if len(lines) == 0 {
		tb.Fatal("empty ndjson output")
	}
	last := lines[len(lines)-1]
	if err := validate(s, last); err != nil {
		tb.Fatalf("ndjson trailer does not match schema.json: %v\n%s", err, last)
	}
	for i, l := range lines[:len(lines)-1] {
		wrapped := fmt.Appendf(nil, `{"schema":"roompath.report/v1","tool":"t","version":"v","started_at":"2026-01-01T00:00:00Z","duration_ms":0,"vantage":{"hostname":"h","os":"linux","interfaces":[],"resolvers":[],"proxy":{},"privileged":false},"results":[%s],"summary":{"total":0,"pass":0,"fail":0,"warn":0,"skip":0,"error":0},"interrupted":false}`, l)
		if err := validate(s, wrapped); err != nil {
			tb.Fatalf("ndjson line %d does not match schema.json: %v\n%s", i+1, err, l)
		}
	}
}

func validate(s *jsonschema.Schema, b []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}
