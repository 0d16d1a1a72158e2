package status

import (
	"slices"
	"testing"

	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// FuzzDecodeJudge feeds arbitrary bodies to the decoder and, when they
// decode, to the judge and the hint: no panic, a state from the vocabulary,
// and a status that agrees with it.
func FuzzDecodeJudge(f *testing.F) {
	for _, k := range append(slices.Clone(statustest.Kinds), statustest.NoPageID) {
		f.Add(statustest.Body(k))
	}
	f.Add([]byte(`{"page":{"id":"x"},"components":[{"status":"full_outage","group":true}],"status":{"indicator":"critical"}}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b)
		if err != nil {
			if fl := Classify(err).Failure; fl != vocab.FailureStatusNotJSON && fl != vocab.FailureStatusNotStatuspage {
				t.Fatalf("decode error %v classified %q", err, fl)
			}
			return
		}
		if s.Page.ID == "" {
			t.Fatal("accepted a summary without page.id")
		}
		v := Judge(s)
		want := map[vocab.Observed]report.Status{
			vocab.StateOperational: report.StatusPass, vocab.StateDegraded: report.StatusWarn,
			vocab.StateMaintenance: report.StatusWarn, vocab.StateOutage: report.StatusFail,
		}
		if st, ok := want[v.Observed]; !ok || st != v.Status {
			t.Fatalf("observed %q with status %q", v.Observed, v.Status)
		}
		if h := Hint(v, s); (h == "") != (v.Observed == vocab.StateOperational) {
			t.Fatalf("hint %q for %s", h, v.Observed)
		}
		for _, c := range v.Components {
			if c.Group || c.Status == "operational" {
				t.Fatalf("listed component %+v", c)
			}
		}
	})
}
