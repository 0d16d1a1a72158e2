package exporter

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roompath/roompath/probe/probetest"
)

// BenchmarkProbeTCP is one /probe?module=tcp request against an open
// loopback port, in process: the handler's and the probe's own cost.
func BenchmarkProbeTCP(b *testing.B) {
	open := probetest.Open(b)
	e, err := New(&Config{Allow: []string{"127.0.0.1"}}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := e.Handler()
	url := "/probe?module=tcp&target=" + open.String()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkExposition is the metrics of one probe of six results, encoded.
func BenchmarkExposition(b *testing.B) {
	e, err := New(&Config{Allow: []string{"*.test"}, Modules: map[string]ModuleConfig{"fake": {Prober: "fake"}}}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := e.Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?module=fake&target=dns-bogon.test", nil))
	}
}
