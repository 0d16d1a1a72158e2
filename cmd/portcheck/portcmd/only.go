package portcmd

import (
	"slices"
	"strings"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// onlyStatuses are the statuses --only accepts beside the observed states.
var onlyStatuses = []report.Status{report.StatusPass, report.StatusFail, report.StatusWarn, report.StatusSkip, report.StatusError}

// onlyValues lists what --only accepts: every TCP observed state, then
// every status.
func onlyValues() []string {
	var v []string
	for _, o := range vocab.ObservedOf(vocab.CheckTCP) {
		v = append(v, string(o))
	}
	for _, s := range onlyStatuses {
		v = append(v, string(s))
	}
	return v
}

// parseOnly turns --only's comma list into a filter: a result is written
// when its observed state or its status is in the list. Empty means every
// result.
func parseOnly(list string) (func(*report.Result) bool, error) {
	if list == "" {
		return nil, nil
	}
	valid := onlyValues()
	want := map[string]bool{}
	for _, v := range strings.Split(list, ",") {
		v = strings.TrimSpace(v)
		if !slices.Contains(valid, v) {
			return nil, cli.Usagef("--only: unknown value %q (want a comma list of %s)", v, strings.Join(valid, ", "))
		}
		want[v] = true
	}
	return func(r *report.Result) bool { return want[string(r.Observed)] || want[string(r.Status)] }, nil
}
