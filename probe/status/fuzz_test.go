package status

import (
	"errors"
	"slices"
	"strings"
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

// FuzzHeadConn feeds arbitrary answers, in two reads, to the head check: no
// panic, an invalid answer's excerpt short and escaped, and a valid status
// line never refused as invalid.
func FuzzHeadConn(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}", "HTTP/1.0 302 Found\n\n",
		statustest.GarbageMarker + statustest.GarbageRepeat, "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", 100),
		"\x00\x00", "HTTP/1.1 2", "HTTP/1.1 200 OK\r\n\r\n\x00garbage body", "SSH-2.0-OpenSSH_9.6\r\n",
	} {
		f.Add([]byte(s), uint8(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, b []byte, cut uint8) {
		c := newHeadConn(nil)
		k := min(int(cut), len(b))
		err := c.scan(b[:k])
		if err == nil {
			err = c.scan(b[k:])
		}
		var inv *InvalidResponseError
		switch {
		case errors.As(err, &inv):
			if len(inv.Excerpt) > 4*excerptLen+8 || strings.ContainsAny(inv.Excerpt, "\x00\r\n\x1b") {
				t.Fatalf("excerpt %q", inv.Excerpt)
			}
			if len(b) >= statusLineLen && validStatusLine(b[:statusLineLen]) {
				t.Fatalf("a valid status line refused: %q", b[:statusLineLen])
			}
		case err != nil && !errors.Is(err, ErrHeadTooLarge):
			t.Fatalf("error %v", err)
		}
	})
}

// validStatusLine reports whether b is "HTTP/d.d ddd".
func validStatusLine(b []byte) bool {
	for i, x := range b {
		p := "HTTP/9.9 999"[i]
		if p == '9' && (x < '0' || x > '9') || p != '9' && x != p {
			return false
		}
	}
	return true
}
