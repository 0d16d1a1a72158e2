package exporter

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// goldenScheduleExporter holds every golden outcome as a schedule's latest.
func goldenScheduleExporter(t *testing.T) *Exporter {
	t.Helper()
	golden := fakeOutcomes()
	var names []string
	for n := range golden {
		names = append(names, n)
	}
	slices.Sort(names)
	e, err := New(&Config{
		Allow:     []string{"*.test"},
		Modules:   map[string]ModuleConfig{"fake": {Prober: "fake"}},
		Schedules: []Schedule{{Name: "golden", Module: "fake", Targets: names}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		e.schedules[0].latest[n] = timedOutcome{out: golden[n], took: 3 * time.Millisecond}
	}
	return e
}

// TestMetricsTextMatchesExpfmt holds the text /metrics, written line by
// line, to expfmt's encoding of the families gather builds from the same
// outcomes: byte for byte, in the same order (the exporter's Go and
// process metrics, which move between two gathers, left out).
func TestMetricsTextMatchesExpfmt(t *testing.T) {
	for _, e := range []*Exporter{goldenScheduleExporter(t), fleetExporter(t)} {
		_, body := get(t, e.Handler(), "/metrics")
		mfs, err := e.gather()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		for _, mf := range mfs {
			if _, err := expfmt.MetricFamilyToText(&want, mf); err != nil {
				t.Fatal(err)
			}
		}
		got, exp := withoutRuntime(body), withoutRuntime(want.String())
		if diff := cmp.Diff(exp, got); diff != "" {
			t.Fatalf("text /metrics differs from expfmt (-expfmt +text):\n%s", diff)
		}
		if !strings.Contains(got, "\nprobe_success{module=") {
			t.Error("no scheduled probe_success on /metrics")
		}
	}
}

// withoutRuntime drops the lines of go_ and process_ families.
func withoutRuntime(text string) string {
	var keep []string
	for line := range strings.SplitSeq(text, "\n") {
		name := strings.TrimPrefix(strings.TrimPrefix(line, "# HELP "), "# TYPE ")
		if !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// TestTextBuilderEscapesAsExpfmt checks label values that need escaping
// or are not UTF-8, and values expfmt writes specially, come out as
// expfmt writes them.
func TestTextBuilderEscapesAsExpfmt(t *testing.T) {
	d := newDescs(scheduleLabels...)
	values := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-7, 1e21, -3.25, 123456789, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64}
	targets := []string{`plain`, `quo"te`, `back\slash`, "new\nline", "bad\xffutf8", "ünïcödé", `\"` + "\n", ""}
	tb, fb := newTextBuilder(d), newFamilyBuilder(d)
	for i, v := range values {
		for _, tg := range targets {
			for _, s := range []sink{tb, fb} {
				s.send(d.success, v, nil, []string{"s", "tcp", tg})
				s.send(d.results, v, []string{string(statuses[i%len(statuses)])}, []string{"s", "tcp", tg})
			}
		}
	}
	var got, want bytes.Buffer
	if err := writeText(&got, nil, tb.families()); err != nil {
		t.Fatal(err)
	}
	for _, mf := range fb.families() {
		if _, err := expfmt.MetricFamilyToText(&want, mf); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("textBuilder differs from expfmt (-expfmt +text):\n%s", diff)
	}
}

// TestMetricsGzipAndProtobuf checks /metrics compresses when the scraper
// offers gzip (to the same text), and answers protobuf when asked.
func TestMetricsGzipAndProtobuf(t *testing.T) {
	h := goldenScheduleExporter(t).Handler()
	fetch := func(header ...string) *http.Response {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	plain, _ := io.ReadAll(fetch().Body)
	resp := fetch("Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(withoutRuntime(string(plain)), withoutRuntime(string(unzipped))); diff != "" {
		t.Errorf("gzip body differs from the plain one:\n%s", diff)
	}
	resp = fetch("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")
	dec := expfmt.NewDecoder(resp.Body, expfmt.Format(resp.Header.Get("Content-Type")))
	found := false
	for {
		var mf dto.MetricFamily
		if err := dec.Decode(&mf); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("protobuf (%s): %v", resp.Header.Get("Content-Type"), err)
		}
		found = found || mf.GetName() == "probe_success"
	}
	if !found {
		t.Error("no probe_success in the protobuf answer")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   bool
	}{
		{"", false}, {"gzip", true}, {"GZIP", true}, {"deflate, gzip;q=0.5", true}, {"gzip;q=0", false},
		{"gzip; q=0.0", false}, {"*", true}, {"*;q=0", false}, {"gzip;q=0, *", false}, {"br, *;q=0.1", true},
		{"br", false}, {"identity", false}, {"gzip;q=bogus", true},
	} {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Accept-Encoding", tt.header)
		}
		if got := acceptsGzip(h); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestDescNamesNeedNoQuoting holds every family and label name to the
// legacy name rules, which textBuilder relies on to write them unquoted.
func TestDescNamesNeedNoQuoting(t *testing.T) {
	for _, d := range []*descs{newDescs(), newDescs(scheduleLabels...)} {
		for _, spec := range d.specs {
			if !model.LegacyValidation.IsValidMetricName(spec.name) {
				t.Errorf("family %q needs quoting", spec.name)
			}
			for _, l := range spec.labels {
				if !legacyLabelName(l) {
					t.Errorf("%s: label %q needs quoting", spec.name, l)
				}
			}
		}
	}
}

func legacyLabelName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// TestMetricsNameFilter checks name[] keeps only the named families, in
// the text path as promhttp does in the others.
func TestMetricsNameFilter(t *testing.T) {
	_, body := get(t, goldenScheduleExporter(t).Handler(), "/metrics?name[]=probe_success&name[]=roompath_exporter_build_info")
	var fams []string
	for line := range strings.SplitSeq(body, "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			fams = append(fams, strings.Fields(name)[0])
		}
	}
	if diff := cmp.Diff([]string{"probe_success", "roompath_exporter_build_info"}, fams); diff != "" {
		t.Errorf("families (-want +got):\n%s", diff)
	}
}
