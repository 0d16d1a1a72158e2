package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentCases are compact JSON documents of every shape the encoder meets.
var indentCases = []string{
	`{}`, `[]`, `{"a":[]}`, `{"a":{}}`, `[[],{}]`, `1`, `"s"`, `null`,
	`{"a":1,"b":[1,2,{"c":"d"}],"e":{"f":null,"g":true}}`,
	`{"q":"a \"quoted\" , : { [ string\\","u":"\u00e9\n\t"}`,
	`[{"id":"tcp/10.0.0.1:9090","rtt_ms":0.42,"attempts":[{"n":1},{"n":2}]}]`,
	`{"k":"ends in backslash\\"}`, `[-1.5e-7,0,1e21]`,
}

func TestAppendIndentMatchesJSONIndent(t *testing.T) {
	for _, src := range indentCases {
		checkIndent(t, []byte(src))
	}
	for _, r := range sampleResultsForIndent() {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		checkIndent(t, b)
	}
}

func checkIndent(t *testing.T, compact []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := json.Indent(&want, compact, "    ", "  "); err != nil {
		t.Fatalf("%s: %v", compact, err)
	}
	if got := appendIndent(nil, compact, "    ", "  "); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s:\ngot  %s\nwant %s", compact, got, want.Bytes())
	}
}

func sampleResultsForIndent() []Result {
	rtt := 1.25
	return []Result{
		{ID: "tcp/10.0.0.1:9090", Check: "tcp", Status: StatusPass, Observed: "open", Reason: "syn_ack", RTTMS: &rtt,
			Hint: `a "hint", with: {braces} [and] \ backslash`, Detail: map[string]any{"icmp": map[string]any{"type": 3, "code": 13}, "list": []any{}, "empty": map[string]any{}}},
		{ID: "dns/x", Check: "dns", Status: StatusFail, Attempts: []Attempt{{}, {}}},
	}
}

// FuzzAppendIndent holds appendIndent to json.Indent on any valid JSON,
// compacted first as encoding/json writes it.
func FuzzAppendIndent(f *testing.F) {
	for _, c := range indentCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var compact bytes.Buffer
		if json.Compact(&compact, in) != nil {
			return
		}
		checkIndent(t, compact.Bytes())
	})
}
