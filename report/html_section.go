package report

import (
	"fmt"
	"strings"

	"github.com/roompath/roompath/probe/vocab"
)

// buildVerdict is the page's first sentence: triage's verdict, or one
// derived from the results that names the first one that did not pass.
func buildVerdict(r *Report, s Summary, a *htmlAcc) htmlVerdict {
	var v htmlVerdict
	if r.Verdict != nil {
		v = htmlVerdict{Badge: badge(r.Verdict.Status), Layer: string(r.Verdict.Layer), Sentence: RedactText(r.Verdict.Message)}
		for _, n := range r.Verdict.NextSteps {
			v.NextSteps = append(v.NextSteps, RedactText(n))
		}
	} else {
		v = derivedVerdict(s, a)
	}
	if r.Interrupted {
		v.Sentence = "Interrupted, so this report is partial: " + v.Sentence
	}
	return v
}

func derivedVerdict(s Summary, a *htmlAcc) htmlVerdict {
	st := worst(s)
	v := htmlVerdict{Badge: badge(st)}
	if s.Total == 0 {
		v.Badge, v.Sentence = badge(StatusSkip), "No checks ran."
		return v
	}
	first := firstNotPassed(a)
	if first == nil {
		v.Sentence = fmt.Sprintf("%d of %d checks passed", s.Pass, s.Total)
		if s.Skip > 0 {
			v.Sentence += fmt.Sprintf(", %d skipped", s.Skip)
		}
		v.Sentence += "."
		return v
	}
	v.Layer = string(first.Layer)
	v.Sentence = fmt.Sprintf("%s; the first along the decision path: %s.", countPhrase(s), resultPhrase(first))
	// One next step per state (check, observed, reason): a sweep's
	// hundred resets share one hint, worded per address.
	seen := map[string]bool{}
	for _, r := range notPassedList(a) {
		key := string(r.Check) + "/" + string(r.Observed) + "/" + string(r.Reason)
		if h := RedactText(r.Hint); h != "" && !seen[key] && !seen[h] && len(v.NextSteps) < 3 {
			seen[key], seen[h] = true, true
			v.NextSteps = append(v.NextSteps, h)
		}
	}
	return v
}

func countPhrase(s Summary) string {
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{s.Fail, "failed"}, {s.Error, "could not be run"}, {s.Warn, "warned"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.word))
		}
	}
	return fmt.Sprintf("Of %d checks, %s", s.Total, strings.Join(parts, ", "))
}

// resultPhrase states a result from its fields only.
func resultPhrase(r *Result) string {
	s := fmt.Sprintf("%s %s is %s", r.Check, RedactText(r.Target), r.Observed)
	if r.Reason != "" {
		s += fmt.Sprintf(" (%s)", r.Reason)
	}
	if r.ReportedBy != "" {
		s += ", reported by " + r.ReportedBy
	}
	return s
}

func notPassedList(a *htmlAcc) []Result {
	if a.sweep {
		return a.failures()
	}
	var out []Result
	for _, r := range a.full {
		if notPassed(r.Status) {
			out = append(out, r)
		}
	}
	return out
}

// firstNotPassed is the first failure in decision order (fails before
// errors before warnings).
func firstNotPassed(a *htmlAcc) *Result {
	list := notPassedList(a)
	for _, st := range []Status{StatusFail, StatusError, StatusWarn} {
		for i := range list {
			if list[i].Status == st {
				return &list[i]
			}
		}
	}
	return nil
}

// buildSection renders one layer's results and the views its checks get.
func buildSection(l vocab.Layer, s *Summary, all []Result) htmlSection {
	anchor := "layer-" + string(l)
	if l == "" {
		anchor = "layer-other"
	}
	sec := htmlSection{Anchor: anchor, Title: layerTitle(l), Badge: badge(worst(*s)), Counts: *s}
	var dns, tls, media []Result
	for i := range all {
		r := &all[i]
		if r.Layer != l {
			continue
		}
		sec.Results = append(sec.Results, buildResult(r))
		switch r.Check {
		case "dns":
			dns = append(dns, *r)
		case "tls":
			tls = append(tls, *r)
		case "media":
			media = append(media, *r)
		}
	}
	sec.DNS = buildDNSGrid(dns)
	for i := range tls {
		if c, ok := buildTLSChain(&tls[i]); ok {
			sec.TLS = append(sec.TLS, c)
		}
	}
	for i := range media {
		if m, ok := buildMedia(&media[i]); ok {
			sec.Media = append(sec.Media, m)
		}
	}
	return sec
}

func buildResult(r *Result) htmlResult {
	h := htmlResult{Badge: badge(r.Status), ID: RedactText(r.ID), Check: string(r.Check), Target: RedactText(r.Target),
		Observed: string(r.Observed), Reason: string(r.Reason), ReportedBy: r.ReportedBy, Hint: RedactText(r.Hint),
		Attempts: len(r.Attempts), Duration: fmt.Sprintf("%.1f ms", r.DurationMS), RTT: rttText(r.RTTMS)}
	if r.Failure != nil {
		h.Failure = string(*r.Failure)
		if r.Operation != nil {
			h.Failure += " during " + string(*r.Operation)
		}
	}
	h.Evidence, h.Hops = evidence(r.Detail)
	// Short evidence of a result that did not pass is open; long lists
	// (a path's, with its hop table shown) stay folded.
	h.Open = notPassed(r.Status) && len(h.Hops) == 0 && len(h.Evidence) <= evidenceOpenRows
	return h
}

func rttText(ms *float64) string {
	if ms == nil {
		return ""
	}
	return fmtMS(*ms)
}

func fmtMS(ms float64) string {
	if ms < 10 {
		return fmt.Sprintf("%.2f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}
