package report_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedClock returns the start time, then advances 412.5 ms per call, so
// durations are stable.
func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 25, 19, 30, 0, 123_000_000, time.UTC)
	return func() time.Time {
		now := t
		t = t.Add(412500 * time.Microsecond)
		return now
	}
}

func sampleVantage() report.Vantage {
	return report.Vantage{
		OS: "linux", Arch: "amd64",
		Interfaces: []report.Interface{{Name: "wlan0", Index: 3, MTU: 1500, Up: true, Addresses: []string{"10.0.40.17/24"}}},
		Resolvers:  []string{"10.0.0.53"}, Proxy: map[string]string{}, Privileged: false,
	}
}

// sampleResults covers every status and the nullable fields.
func sampleResults() []report.Result {
	return []report.Result{
		{ID: "tcp/10.10.5.23:9090", Check: "tcp", Target: "10.10.5.23:9090", Status: report.StatusPass, Expect: "open", Observed: "open", Reason: "syn_ack",
			ReportedBy: "10.10.5.23", Layer: vocab.LayerTransport, DurationMS: 1.25, RTTMS: report.Float(1.2),
			RTT:      &report.RTTStats{Count: 1, MinMS: 1.2, AvgMS: 1.2, MaxMS: 1.2},
			Attempts: []report.Attempt{{N: 1, Observed: "open", Reason: "syn_ack", DurationMS: 1.25, RTTMS: report.Float(1.2)}}},
		{ID: "tcp/10.10.5.24:9090", Check: "tcp", Target: "10.10.5.24:9090", Status: report.StatusFail, Expect: "open", Observed: "filtered", Reason: "admin_prohibited",
			Failure: report.Str(vocab.FailureHostUnreachable), Operation: report.Str(vocab.OpConnect), ReportedBy: "10.0.30.2", Layer: vocab.LayerTransport, DurationMS: 0.9,
			Attempts: []report.Attempt{{N: 1, Observed: "filtered", Reason: "admin_prohibited", Failure: report.Str(vocab.FailureHostUnreachable), ReportedBy: "10.0.30.2", DurationMS: 0.9}},
			Detail:   map[string]any{"icmp": map[string]any{"type": 3, "code": 13, "from": "10.0.30.2"}},
			Hint:     "10.0.30.2 rejected TCP 9090 with ICMP 3/13 (administratively prohibited)."},
		{ID: "tcp/10.10.5.25:9090", Check: "tcp", Target: "room-3 (10.10.5.25:9090)", Status: report.StatusWarn, Expect: "open", Observed: "open", Reason: "syn_ack",
			DurationMS: 3001, RTTMS: report.Float(14), Hint: "accepted only on some attempts <&>"},
		{ID: "dns/zoom.us/AAAA@10.0.0.53", Check: "dns", Target: "zoom.us", Status: report.StatusSkip, Observed: "no_answer", DurationMS: 3},
		{ID: "tcp/10.10.5.26:9090", Check: "tcp", Target: "10.10.5.26:9090", Status: report.StatusError, Observed: "not_run",
			Failure: report.Str(vocab.FailurePermissionDenied), Operation: report.Str(vocab.OpConnect), Hint: "The probe could not be run."},
	}
}

func render(t *testing.T, format string, color, interrupted bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := report.NewEncoder(format, &buf, report.EncoderOptions{Color: color})
	if err != nil {
		t.Fatal(err)
	}
	w := report.NewWriter("portcheck", "0.1.0", sampleVantage(), enc, report.Options{
		Now: fixedClock(), Hostname: "controller-lab", Command: []string{"portcheck", "10.10.5.23-26"},
	})
	// Added out of order: text, json and junit print in planning order,
	// ndjson in completion order.
	res := sampleResults()
	for _, i := range []int{2, 0, 1, 4, 3} {
		w.Add(i, res[i])
	}
	code, err := w.Finish(interrupted)
	if err != nil {
		t.Fatal(err)
	}
	want := report.ExitFail
	if interrupted {
		want = report.ExitInterrupted
	}
	if code != want {
		t.Errorf("exit code = %d, want %d", code, want)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name, format       string
		color, interrupted bool
	}{
		{"text", "text", false, false},
		{"text-color", "text", true, false},
		{"json", "json", false, false},
		{"json-interrupted", "json", false, true},
		{"ndjson", "ndjson", false, false},
		{"junit", "junit", false, false},
		{"junit-interrupted", "junit", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.format, tt.color, tt.interrupted)
			path := filepath.Join("testdata", tt.name+".golden")
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
				t.Errorf("%s output changed (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestOutputMatchesSchema(t *testing.T) {
	reporttest.ValidateJSON(t, render(t, "json", false, false))
	reporttest.ValidateJSON(t, render(t, "json", false, true))
	reporttest.ValidateNDJSON(t, render(t, "ndjson", false, false))
}

func TestSchemaRejectsWrongVocabulary(t *testing.T) {
	bad := bytes.Replace(render(t, "json", false, false), []byte(`"observed": "filtered"`), []byte(`"observed": "kinda-open"`), 1)
	ft := &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		reporttest.ValidateJSON(ft, bad)
	}()
	if !ft.failed {
		t.Error("schema accepted an observed value outside the TCP vocabulary")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}

func TestUnknownFormat(t *testing.T) {
	if _, err := report.NewEncoder("yaml", &bytes.Buffer{}, report.EncoderOptions{}); err == nil {
		t.Fatal("yaml accepted")
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name        string
		s           report.Summary
		interrupted bool
		want        int
	}{
		{"all pass", report.Summary{Total: 2, Pass: 2}, false, 0},
		{"warn is not failure", report.Summary{Total: 1, Warn: 1}, false, 0},
		{"fail", report.Summary{Total: 2, Pass: 1, Fail: 1}, false, 1},
		{"error only", report.Summary{Total: 1, Error: 1}, false, 3},
		{"fail outranks error", report.Summary{Total: 2, Fail: 1, Error: 1}, false, 1},
		{"interrupted wins", report.Summary{Total: 1, Fail: 1}, true, 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.ExitCode(tt.s, tt.interrupted); got != tt.want {
				t.Errorf("ExitCode = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestStreamingKeepsNoResults(t *testing.T) {
	var buf bytes.Buffer
	enc, _ := report.NewEncoder("ndjson", &buf, report.EncoderOptions{})
	w := report.NewWriter("portcheck", "0.1.0", sampleVantage(), enc, report.Options{Now: fixedClock(), Hostname: "h"})
	for i := range 1000 {
		w.Add(i, sampleResults()[0])
	}
	if n := len(w.Results()); n != 0 {
		t.Errorf("ndjson writer retained %d results", n)
	}
	if s := w.Summary(); s.Total != 1000 || s.Pass != 1000 {
		t.Errorf("summary = %+v", s)
	}
}

// TestJUnitInterruptedBeforeAnyResult: SIGINT before the first result must
// not read as a green run to a CI reader.
func TestJUnitInterruptedBeforeAnyResult(t *testing.T) {
	var buf bytes.Buffer
	enc, _ := report.NewEncoder("junit", &buf, report.EncoderOptions{})
	w := report.NewWriter("roompath run", "0.1.0", sampleVantage(), enc, report.Options{Now: fixedClock(), Hostname: "h", Command: []string{"roompath"}})
	if code, err := w.Finish(true); err != nil || code != report.ExitInterrupted {
		t.Fatalf("Finish = %d, %v", code, err)
	}
	var suites struct {
		Tests  int `xml:"tests,attr"`
		Errors int `xml:"errors,attr"`
		Suites []struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 1 || suites.Errors != 1 || len(suites.Suites) != 1 || len(suites.Suites[0].Cases) != 1 {
		t.Fatalf("interrupted run: tests=%d errors=%d\n%s", suites.Tests, suites.Errors, buf.String())
	}
	c := suites.Suites[0].Cases[0]
	if c.Name != "interrupted" || c.Error == nil || !strings.Contains(c.Error.Message, "before any check finished") {
		t.Errorf("case = %+v\n%s", c, buf.String())
	}
}
