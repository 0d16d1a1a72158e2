package report

import "github.com/roompath/roompath/probe/vocab"

// DiffSchema names the version of the diff document (`roompath diff -o
// json`, docs/diff.md).
const DiffSchema = "roompath.diff/v1"

// DiffSide describes one of the two reports of a diff.
type DiffSide struct {
	// File is the report's file; Compare leaves it empty for the caller.
	File      string `json:"file"`
	Tool      string `json:"tool"`
	StartedAt string `json:"started_at"`
	Hostname  string `json:"hostname"`
	// Verdict is the triage verdict as status/layer; empty without one.
	Verdict string `json:"verdict,omitempty"`
	// Duplicates lists, once each, the ids that appear more than once in
	// this report; only the first result of each is compared. Empty for a
	// report as roompath writes it.
	Duplicates []string `json:"duplicates,omitempty"`
}

// DiffBrief is a result reduced to what a diff compares.
type DiffBrief struct {
	ID         string         `json:"id"`
	Check      vocab.Check    `json:"check"`
	Target     string         `json:"target"`
	Status     Status         `json:"status"`
	Observed   vocab.Observed `json:"observed"`
	Reason     vocab.Reason   `json:"reason,omitempty"`
	ReportedBy string         `json:"reported_by,omitempty"`
}

// DiffChange is one result present in both reports with different
// values.
type DiffChange struct {
	ID     string      `json:"id"`
	Check  vocab.Check `json:"check"`
	Target string      `json:"target"`
	// Fields maps each changed field ("status", "observed", "reason",
	// "reported_by") to its [A, B] values.
	Fields map[string][2]string `json:"fields"`
}

// Diff is the comparison of two reports.
type Diff struct {
	Schema    string       `json:"schema"`
	A         DiffSide     `json:"a"`
	B         DiffSide     `json:"b"`
	Changed   []DiffChange `json:"changed"`
	New       []DiffBrief  `json:"new"`
	Missing   []DiffBrief  `json:"missing"`
	Unchanged int          `json:"unchanged"`
}

// Different reports whether anything changed, the verdict included.
func (d Diff) Different() bool {
	return len(d.Changed)+len(d.New)+len(d.Missing) > 0 || d.A.Verdict != d.B.Verdict
}

// Compare diffs two reports, in B's result order. Results are matched by
// id; one changed when its status, observed state, reason or reporter
// changed; results only in B are new, only in A missing (in A's order). An
// id that appears twice in a report is compared once, by its first result,
// and listed in that side's Duplicates.
func Compare(a, b Report) Diff {
	d := Diff{Schema: DiffSchema, A: diffSide(a), B: diffSide(b), Changed: []DiffChange{}, New: []DiffBrief{}, Missing: []DiffBrief{}}
	firstA, dupA := firstByID(a.Results)
	firstB, dupB := firstByID(b.Results)
	d.A.Duplicates, d.B.Duplicates = dupA, dupB
	inA := map[string]Result{}
	for _, r := range firstA {
		inA[r.ID] = r
	}
	inB := map[string]bool{}
	for _, r := range firstB {
		inB[r.ID] = true
		old, ok := inA[r.ID]
		switch {
		case !ok:
			d.New = append(d.New, diffBrief(r))
		case len(fieldChanges(old, r)) > 0:
			d.Changed = append(d.Changed, DiffChange{ID: r.ID, Check: r.Check, Target: r.Target, Fields: fieldChanges(old, r)})
		default:
			d.Unchanged++
		}
	}
	for _, r := range firstA {
		if !inB[r.ID] {
			d.Missing = append(d.Missing, diffBrief(r))
		}
	}
	return d
}

// firstByID keeps the first result of each id, in order, and lists once
// each id seen again.
func firstByID(rs []Result) (first []Result, dups []string) {
	seen := make(map[string]int, len(rs))
	for _, r := range rs {
		seen[r.ID]++
		switch seen[r.ID] {
		case 1:
			first = append(first, r)
		case 2:
			dups = append(dups, r.ID)
		}
	}
	return first, dups
}

func diffSide(r Report) DiffSide {
	s := DiffSide{Tool: r.Tool, StartedAt: r.StartedAt.UTC().Format("2006-01-02T15:04:05Z"), Hostname: r.Vantage.Hostname}
	if r.Verdict != nil {
		s.Verdict = string(r.Verdict.Status)
		if r.Verdict.Layer != "" {
			s.Verdict += "/" + string(r.Verdict.Layer)
		}
	}
	return s
}

func diffBrief(r Result) DiffBrief {
	return DiffBrief{ID: r.ID, Check: r.Check, Target: r.Target, Status: r.Status, Observed: r.Observed, Reason: r.Reason, ReportedBy: r.ReportedBy}
}

func fieldChanges(a, b Result) map[string][2]string {
	m := map[string][2]string{}
	for _, f := range []struct{ name, a, b string }{
		{"status", string(a.Status), string(b.Status)},
		{"observed", string(a.Observed), string(b.Observed)},
		{"reason", string(a.Reason), string(b.Reason)},
		{"reported_by", a.ReportedBy, b.ReportedBy},
	} {
		if f.a != f.b {
			m[f.name] = [2]string{f.a, f.b}
		}
	}
	return m
}
