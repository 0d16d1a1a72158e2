package status

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// junkTimeout is the budget of the junk tests; every one must end by it
// (plus scheduling slack), whatever the server does.
const junkTimeout = 1 * time.Second

func run(t *testing.T, cfg StatusConfig) (report.Result, *Detail, time.Duration) {
	t.Helper()
	p, err := NewStatus(cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := runOnce(t, p, context.Background())
	return res, res.Detail.(*Detail), time.Since(start)
}

// runOnce runs p and returns its one result, which must come with seq 0.
func runOnce(t *testing.T, p *Status, ctx context.Context) report.Result {
	t.Helper()
	var got []report.Result
	p.Run(ctx, func(seq int, r report.Result) {
		if seq != 0 {
			t.Errorf("seq %d, want 0", seq)
		}
		got = append(got, r)
	})
	if len(got) != 1 {
		t.Fatalf("%d results, want 1", len(got))
	}
	return got[0]
}

func TestRunValidSummaries(t *testing.T) {
	tests := []struct {
		kind       statustest.Kind
		observed   vocab.Observed
		status     report.Status
		components []ComponentState
	}{
		{statustest.Operational, vocab.StateOperational, report.StatusPass, []ComponentState{}},
		{statustest.Critical, vocab.StateOutage, report.StatusFail, []ComponentState{{Name: "Zoom Rooms", Status: "major_outage"}}},
		{statustest.Minor, vocab.StateDegraded, report.StatusWarn, []ComponentState{{Name: "Zoom Rooms", Status: "degraded_performance"}}},
		{statustest.Maintenance, vocab.StateMaintenance, report.StatusWarn, []ComponentState{{Name: "Zoom Phone", Status: "under_maintenance"}}},
		{statustest.FullOutage, vocab.StateOutage, report.StatusFail, []ComponentState{{Name: "Web Client", Status: "full_outage", Group: "Zoom Meetings"}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			u := statustest.New(t, tt.kind)
			res, det, _ := run(t, StatusConfig{URL: u, FallbackURL: NoFallback, Timeout: 5 * time.Second})
			if res.Observed != tt.observed || res.Status != tt.status || res.Failure != nil {
				t.Errorf("observed %s status %s failure %v, want %s %s nil", res.Observed, res.Status, res.Failure, tt.observed, tt.status)
			}
			if diff := cmp.Diff(tt.components, det.Components); diff != "" {
				t.Errorf("components (-want +got):\n%s", diff)
			}
			if res.Check != "status" || res.Layer != vocab.LayerCloud || !strings.HasPrefix(res.ID, "status/127.0.0.1:") || det.Source != u || det.Page.ID == "" {
				t.Errorf("envelope fields: %+v detail %+v", res, det)
			}
		})
	}
}

func TestRunJunkIsUnknownInTime(t *testing.T) {
	tests := []struct {
		kind      statustest.Kind
		failure   vocab.Failure
		operation vocab.Operation
		redirect  bool
	}{
		{statustest.NotJSON, vocab.FailureStatusNotJSON, vocab.OpStatusFetch, false},
		{statustest.Redirect, vocab.FailureStatusNotJSON, vocab.OpStatusFetch, true},
		{statustest.Huge, vocab.FailureStatusBodyTooLarge, vocab.OpStatusFetch, false},
		{statustest.Slow, vocab.FailureTimeout, vocab.OpStatusFetch, false},
		{statustest.Drip, vocab.FailureTimeout, vocab.OpStatusFetch, false},
		{statustest.NoPageID, vocab.FailureStatusNotStatuspage, vocab.OpStatusFetch, false},
		{statustest.ServerError, vocab.FailureStatusHTTP, vocab.OpStatusFetch, false},
		{statustest.Loop, vocab.FailureStatusTooManyRedirects, vocab.OpStatusFetch, false},
		{statustest.HugeHead, vocab.FailureHTTPHeadTooLarge, vocab.OpStatusFetch, false},
		{statustest.Garbage, vocab.FailureHTTPInvalidResponse, vocab.OpStatusFetch, false},
		{statustest.BadHeader, vocab.FailureHTTPInvalidResponse, vocab.OpStatusFetch, false},
		{statustest.HeaderDrip, vocab.FailureTimeout, vocab.OpStatusFetch, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			u := statustest.New(t, tt.kind)
			res, det, took := run(t, StatusConfig{URL: u, FallbackURL: NoFallback, Timeout: junkTimeout})
			got := []string{string(res.Observed), string(res.Status), string(deref(res.Failure)), string(deref(res.Operation))}
			want := []string{string(vocab.StateUnknown), string(report.StatusWarn), string(tt.failure), string(tt.operation)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if took > junkTimeout+time.Second {
				t.Errorf("took %s with a %s timeout", took, junkTimeout)
			}
			if !slices.Contains(Failures, deref(res.Failure)) {
				t.Errorf("failure %q is not in Failures", deref(res.Failure))
			}
			if (det.Tries[0].FinalURL != "") != tt.redirect {
				t.Errorf("final_url %q, redirect expected %v", det.Tries[0].FinalURL, tt.redirect)
			}
			if det.Components != nil || det.Page != nil || !strings.Contains(res.Hint, "could not be read from here") {
				t.Errorf("unknown must carry no page data and a hint: %+v %q", det, res.Hint)
			}
		})
	}
}

func TestRunRefusedIsConnectFailure(t *testing.T) {
	ap := probetest.Closed(t)
	res, _, _ := run(t, StatusConfig{URL: "http://" + ap.String() + statustest.Path, FallbackURL: NoFallback, Timeout: junkTimeout})
	if deref(res.Failure) != vocab.FailureConnectionRefused || deref(res.Operation) != vocab.OpConnect || res.Observed != vocab.StateUnknown {
		t.Errorf("got %s %s %s; hint %q", res.Observed, deref(res.Failure), deref(res.Operation), res.Hint)
	}
	if !strings.Contains(res.Hint, "proxycheck") {
		t.Errorf("hint %q should point at proxycheck", res.Hint)
	}
}

func TestFallback(t *testing.T) {
	tests := []struct {
		name     string
		primary  statustest.Kind
		fallback statustest.Kind
		timeout  time.Duration
		observed vocab.Observed
		used     bool
		tries    []Try // only URL-independent fields compared
	}{
		{"junk primary", statustest.NotJSON, statustest.Critical, 5 * time.Second, vocab.StateOutage, true,
			[]Try{{Failure: report.Str(vocab.FailureStatusNotJSON), Operation: report.Str(vocab.OpStatusFetch), HTTPStatus: 200}, {HTTPStatus: 200}}},
		{"slow primary is hedged", statustest.Slow, statustest.Operational, 2 * time.Second, vocab.StateOperational, true,
			[]Try{{Abandoned: true}, {HTTPStatus: 200}}},
		{"both junk: the primary's failure", statustest.ServerError, statustest.NotJSON, 5 * time.Second, vocab.StateUnknown, false,
			[]Try{{Failure: report.Str(vocab.FailureStatusHTTP), Operation: report.Str(vocab.OpStatusFetch), HTTPStatus: 503},
				{Failure: report.Str(vocab.FailureStatusNotJSON), Operation: report.Str(vocab.OpStatusFetch), HTTPStatus: 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, det, took := run(t, StatusConfig{URL: statustest.New(t, tt.primary), FallbackURL: statustest.New(t, tt.fallback), Timeout: tt.timeout})
			if res.Observed != tt.observed || det.Fallback != tt.used {
				t.Errorf("observed %s fallback_used %v, want %s %v", res.Observed, det.Fallback, tt.observed, tt.used)
			}
			if took > tt.timeout+time.Second {
				t.Errorf("took %s with a %s timeout", took, tt.timeout)
			}
			if tt.observed == vocab.StateUnknown && !strings.Contains(res.Hint, "The fallback http://127.0.0.1:") {
				t.Errorf("hint %q does not name the fallback's failure", res.Hint)
			}
			var got []Try
			for _, tr := range det.Tries {
				got = append(got, Try{Failure: tr.Failure, Operation: tr.Operation, HTTPStatus: tr.HTTPStatus, Abandoned: tr.Abandoned})
			}
			if diff := cmp.Diff(tt.tries, got); diff != "" {
				t.Errorf("tries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFallbackUntouchedWhenPrimaryAnswers(t *testing.T) {
	var hits atomic.Int32
	fb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer fb.Close()
	res, det, _ := run(t, StatusConfig{URL: statustest.New(t, statustest.Operational), FallbackURL: fb.URL, Timeout: 5 * time.Second})
	if res.Observed != vocab.StateOperational || det.Fallback || len(det.Tries) != 1 || hits.Load() != 0 {
		t.Errorf("observed %s fallback %v tries %d fallback hits %d", res.Observed, det.Fallback, len(det.Tries), hits.Load())
	}
}

func TestCallerDeadlineWins(t *testing.T) {
	p, err := NewStatus(StatusConfig{URL: statustest.New(t, statustest.Slow), FallbackURL: NoFallback, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := runOnce(t, p, ctx)
	if deref(res.Failure) != vocab.FailureTimeout || time.Since(start) > 5*time.Second {
		t.Errorf("failure %s after %s", deref(res.Failure), time.Since(start))
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"ftp://x", "x", "http://", "https://:443/", "::"} {
		if _, err := NewStatus(StatusConfig{URL: u}); err == nil {
			t.Errorf("NewStatus(URL %q) accepted it", u)
		}
		if _, err := NewStatus(StatusConfig{FallbackURL: u}); err == nil {
			t.Errorf("NewStatus(FallbackURL %q) accepted it", u)
		}
	}
	if p, err := NewStatus(StatusConfig{}); err != nil || len(p.urls) != 2 || ID(p.urls[0]) != "status/www.zoomstatus.com" {
		t.Errorf("defaults: %v %v", p, err)
	}
}

func deref[T ~string](s *T) T {
	if s == nil {
		return ""
	}
	return *s
}

func TestGarbageIsNotCopiedIntoTheReport(t *testing.T) {
	res, _, _ := run(t, StatusConfig{URL: statustest.New(t, statustest.Garbage), FallbackURL: NoFallback, Timeout: junkTimeout})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if deref(res.Failure) != vocab.FailureHTTPInvalidResponse || strings.Contains(string(b), "garbage") || strings.Contains(string(b), `\u001b`) || len(b) > 2048 {
		t.Errorf("failure %q; the report carries the peer's bytes (%d bytes):\n%s", deref(res.Failure), len(b), b)
	}
	var inv *InvalidResponseError
	c := newHeadConn(nil)
	if err := c.scan([]byte(statustest.GarbageMarker + statustest.GarbageRepeat)); !errors.As(err, &inv) || len(inv.Excerpt) > 2*excerptLen+8 || strings.ContainsAny(inv.Excerpt, "\x00\r\x1b") {
		t.Errorf("excerpt of the garbage: %v", err)
	}
}

func TestCredentialsAreRedacted(t *testing.T) {
	for _, k := range []statustest.Kind{statustest.Operational, statustest.NotJSON, statustest.Redirect} {
		u := strings.Replace(statustest.New(t, k), "http://", "http://user:s3cret@", 1)
		fb := strings.Replace(statustest.New(t, statustest.ServerError), "http://", "http://fb:s3cret@", 1)
		res, _, _ := run(t, StatusConfig{URL: u, FallbackURL: fb, Timeout: 5 * time.Second})
		b, _ := json.Marshal(res)
		if strings.Contains(string(b), "s3cret") || !strings.Contains(res.Target, report.Redacted) {
			t.Errorf("%s: the password is in the result:\n%s", k, b)
		}
	}
	for _, u := range []string{"http://user:s3cret@127.0.0.1:99999/", "http://user:s3cret@[::1/", "ftp://user:s3cret@x/"} {
		if err := CheckURL(u); err == nil || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckURL(%q) = %v, want one line without the password", u, err)
		}
	}
}
