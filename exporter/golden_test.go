package exporter

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fakeModule answers each target with a fixed outcome: the golden tests'
// prober, registered as "fake" for this package's tests.
type fakeModule struct{}

func init() {
	probers["fake"] = func(ModuleConfig) (Module, error) { return fakeModule{}, nil }
}

func (fakeModule) Plan(_ context.Context, target string, allow *Allowlist) (Run, error) {
	out, ok := fakeOutcomes()[target]
	if !ok {
		return nil, badTarget("no fake outcome %q", target)
	}
	if !allow.AllowsName(target) {
		return nil, notAllowed(target)
	}
	return func(context.Context) Outcome { return out }, nil
}

func fakeOutcomes() map[string]Outcome {
	lookup := 12 * time.Millisecond
	rtt := report.Float(0.42)
	expiry := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	return map[string]Outcome{
		"tcp-open.test": {Lookup: &lookup, Results: []report.Result{{
			ID: "tcp/10.10.5.23:9090", Check: "tcp", Status: report.StatusPass, Observed: "open", Reason: "syn_ack", RTTMS: rtt,
			Detail: &probe.TCPDetail{Address: "10.10.5.23", Port: 9090},
		}}},
		"tcp-filtered.test": {Results: []report.Result{
			{ID: "tcp/10.10.5.24:9090", Check: "tcp", Status: report.StatusFail, Observed: "filtered", Reason: "admin_prohibited",
				Failure: report.Str(vocab.Failure("host_unreachable")), Detail: &probe.TCPDetail{Address: "fd00::24", Port: 9090}},
			{ID: "tcp/10.10.5.25:9090", Check: "tcp", Status: report.StatusError, Observed: "not_run",
				Failure: report.Str(vocab.Failure("unknown_failure: too many open files"))},
		}},
		"dns-bogon.test": {Results: []report.Result{
			{Check: "dns", Status: report.StatusPass, Observed: "ok", RTTMS: report.Float(3.5)},
			{Check: "dns", Status: report.StatusFail, Observed: "bogon", Reason: "private", Failure: report.Str(vocab.Failure("dns_bogon_error")), RTTMS: report.Float(7)},
			{Check: "dns", Status: report.StatusFail, Observed: "bogon", Reason: "private", Failure: report.Str(vocab.Failure("dns_bogon_error"))},
			{Check: "dns", Status: report.StatusWarn, Observed: "Weird Value!", Reason: "x"},
		}},
		"tls-intercepted.test": {Results: []report.Result{{
			Check: "tls", Status: report.StatusFail, Observed: "intercepted", Reason: "unknown_issuer", Failure: report.Str(vocab.Failure("ssl_unknown_authority")), RTTMS: report.Float(21),
			Detail: &proxyprobe.TLSDetail{Version: "TLS 1.3", Chain: []proxyprobe.CertJSON{{NotAfter: expiry}, {NotAfter: expiry.AddDate(5, 0, 0)}}},
		}}},
		"status-outage.test": {Results: []report.Result{{
			Check: "status", Status: report.StatusFail, Observed: "outage", Reason: "component",
			Detail: &status.Detail{Page: &status.Page{ID: "p"}, Components: []status.ComponentState{{Name: "Zoom Rooms", Status: "major_outage"}}, Incidents: []status.IncidentState{}},
		}}},
		"path-dropped.test": {Results: []report.Result{{
			Check: "path", Status: report.StatusFail, Observed: "dropped", Reason: "no_response", Failure: report.Str(vocab.Failure("generic_timeout_error")),
			Detail: &pathprobe.Detail{Address: "10.10.5.23", Port: 9090, LastHop: report.Str("10.0.30.2"), LastHopTTL: intp(2)},
		}}},
		"empty.test": {},
	}
}

func intp(i int) *int { return &i }

// fixedClock advances a quarter second per reading.
func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 25, 19, 30, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(250 * time.Millisecond); return t }
}

func newFakeExporter(t *testing.T) *Exporter {
	t.Helper()
	e, err := New(&Config{
		Allow:   []string{"*.test"},
		Modules: map[string]ModuleConfig{"fake": {Prober: "fake"}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.now = fixedClock()
	return e
}

func get(t *testing.T, h http.Handler, url string, header ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func TestProbeExpositionGolden(t *testing.T) {
	for _, target := range []string{"tcp-open.test", "tcp-filtered.test", "dns-bogon.test", "tls-intercepted.test", "status-outage.test", "path-dropped.test", "empty.test"} {
		t.Run(target, func(t *testing.T) {
			code, body := get(t, newFakeExporter(t).Handler(), "/probe?module=fake&target="+target)
			if code != http.StatusOK {
				t.Fatalf("code %d: %s", code, body)
			}
			golden(t, filepath.Join("testdata", "probe-"+target[:len(target)-5]+".golden"), body)
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestProbeNegotiatesFormat checks /probe answers in the format the
// scraper accepts, as promhttp does: delimited protobuf when asked for,
// else the text format, each decoding to the same families.
func TestProbeNegotiatesFormat(t *testing.T) {
	h := newFakeExporter(t).Handler()
	const url = "/probe?module=fake&target=tcp-filtered.test"
	decode := func(accept string) (string, []string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, url, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		dec := expfmt.NewDecoder(rec.Body, expfmt.Format(ct))
		var names []string
		for {
			var mf dto.MetricFamily
			if err := dec.Decode(&mf); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("Accept %q: decode %s: %v", accept, ct, err)
			}
			names = append(names, fmt.Sprintf("%s %d", mf.GetName(), len(mf.Metric)))
		}
		slices.Sort(names) // the text decoder returns families in no set order
		return ct, names
	}
	textCT, text := decode("")
	protoCT, proto := decode("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3")
	if !strings.HasPrefix(textCT, "text/plain") || !strings.Contains(protoCT, "encoding=delimited") {
		t.Errorf("content types %q and %q: want text/plain and delimited protobuf", textCT, protoCT)
	}
	if diff := cmp.Diff(text, proto); diff != "" || len(text) == 0 {
		t.Errorf("families differ between text and protobuf (-text +protobuf):\n%s", diff)
	}
}
