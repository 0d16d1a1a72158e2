package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// renderStreamed is render with the spill lowered to 2 results: the first
// three (in planning order) go out at the spill, the last two as they
// complete.
func renderStreamed(t *testing.T, format string, interrupted bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := report.NewEncoder(format, &buf, report.EncoderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w := report.NewWriter("portcheck", "0.1.0", sampleVantage(), enc, report.Options{
		Now: fixedClock(), Hostname: "controller-lab", Command: []string{"portcheck", "10.10.5.23-26"},
	})
	report.SetSpillAt(w, 2)
	res := sampleResults()
	for _, i := range []int{2, 0, 1, 4, 3} {
		w.Add(i, res[i])
	}
	if _, err := w.Finish(interrupted); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Results()); n != 0 {
		t.Errorf("-o %s: a streamed writer still holds %d results", format, n)
	}
	return buf.Bytes()
}

func TestGoldenStreamed(t *testing.T) {
	for _, tt := range []struct {
		format      string
		interrupted bool
	}{{"json", false}, {"json", true}, {"text", false}, {"text", true}, {"junit", false}, {"junit", true}} {
		name := "stream-" + tt.format
		if tt.interrupted {
			name += "-interrupted"
		}
		t.Run(name, func(t *testing.T) {
			got := renderStreamed(t, tt.format, tt.interrupted)
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s output changed (-want +got):\n%s", name, diff)
			}
		})
	}
}

// TestStreamedJSONIsOneDocument: a streamed -o json, finished or stopped
// by an interrupt, is one valid document against the schema, with every
// result and the same envelope as the whole report.
func TestStreamedJSONIsOneDocument(t *testing.T) {
	for _, interrupted := range []bool{false, true} {
		streamed := renderStreamed(t, "json", interrupted)
		reporttest.ValidateJSON(t, streamed)
		var got, want report.Report
		if err := json.Unmarshal(streamed, &got); err != nil {
			t.Fatalf("interrupted=%v: %v\n%s", interrupted, err, streamed)
		}
		if err := json.Unmarshal(render(t, "json", false, interrupted), &want); err != nil {
			t.Fatal(err)
		}
		// The streamed report has the same results, the spilled ones in
		// planning order and the rest in completion order.
		ids := func(r report.Report) (s []string) {
			for _, x := range r.Results {
				s = append(s, x.ID)
			}
			return s
		}
		if d := cmp.Diff([]string{"tcp/10.10.5.23:9090", "tcp/10.10.5.24:9090", "tcp/10.10.5.25:9090", "tcp/10.10.5.26:9090", "dns/zoom.us/AAAA@10.0.0.53"}, ids(got)); d != "" {
			t.Errorf("result order (-want +got):\n%s", d)
		}
		got.Results, want.Results = nil, nil
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("interrupted=%v: envelope differs from the whole report (-want +got):\n%s", interrupted, d)
		}
	}
}

// TestStreamedJUnitParses: a streamed junit report is well-formed XML with
// every case, and an interrupted one names the results it holds.
func TestStreamedJUnitParses(t *testing.T) {
	out := renderStreamed(t, "junit", true)
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name  string `xml:"name,attr"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n, interrupted := 0, ""
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			n++
			if c.Name == "interrupted" && c.Error != nil {
				interrupted = c.Error.Message
			}
		}
	}
	if n != 6 || !strings.Contains(interrupted, "after 5 results") {
		t.Errorf("cases = %d, interrupted case %q\n%s", n, interrupted, out)
	}
}

// BenchmarkStreamJSON is the cost of one result through a streamed -o json
// writer (redaction and encoding included); its memory does not grow
// with the number of results.
func BenchmarkStreamJSON(b *testing.B) {
	for _, format := range []string{"json", "text", "junit", "ndjson"} {
		b.Run(format, func(b *testing.B) {
			enc, _ := report.NewEncoder(format, discard{}, report.EncoderOptions{})
			w := report.NewWriter("portcheck", "0.1.0", sampleVantage(), enc, report.Options{Command: []string{"portcheck"}})
			res := sampleResults()[1]
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				w.Add(i, res)
			}
			w.Finish(false)
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
