package report

import (
	"container/heap"
	"sort"

	"github.com/roompath/roompath/probe/vocab"
)

// What the HTML report keeps of a run. Up to htmlFullMax results it keeps
// them whole and renders each one with its evidence; past that the run is a
// sweep and it keeps only what a sweep page shows: the counts per state
// and the htmlFailMax lowest (by id) results that did not pass, without
// their detail.
const (
	htmlFullMax = 256
	htmlFailMax = 100
)

// htmlStateKey is one row of a sweep's counts: a check's state and reason.
type htmlStateKey struct {
	Check    vocab.Check
	Observed vocab.Observed
	Reason   vocab.Reason
	Status   Status
}

// htmlAcc accumulates results for the HTML encoder.
type htmlAcc struct {
	total  int
	full   []Result
	sweep  bool
	counts map[htmlStateKey]int
	layers map[vocab.Layer]*Summary
	fails  failHeap
	// failTotal counts every result that did not pass (fail, warn,
	// error), listed or not.
	failTotal int
}

func newHTMLAcc() *htmlAcc {
	return &htmlAcc{counts: map[htmlStateKey]int{}, layers: map[vocab.Layer]*Summary{}}
}

// add counts one result and keeps it whole, or in the failures list of a
// sweep.
func (a *htmlAcc) add(r *Result) {
	a.total++
	a.counts[htmlStateKey{r.Check, r.Observed, r.Reason, r.Status}]++
	s := a.layers[r.Layer]
	if s == nil {
		s = &Summary{}
		a.layers[r.Layer] = s
	}
	s.Add(r.Status)
	if !a.sweep && a.total > htmlFullMax {
		a.sweep = true
		for i := range a.full {
			a.keepFail(&a.full[i])
		}
		a.full = nil
	}
	if a.sweep {
		a.keepFail(r)
		return
	}
	a.full = append(a.full, *r)
}

// notPassed reports whether a result belongs in the failures list.
func notPassed(s Status) bool {
	return s == StatusFail || s == StatusWarn || s == StatusError
}

// keepFail keeps a brief copy of r when it did not pass and is among the
// htmlFailMax lowest ids seen so far.
func (a *htmlAcc) keepFail(r *Result) {
	if !notPassed(r.Status) {
		return
	}
	a.failTotal++
	brief := *r
	brief.Detail, brief.Attempts, brief.RTT = nil, nil, nil
	if a.fails.Len() < htmlFailMax {
		heap.Push(&a.fails, brief)
		return
	}
	if naturalLess(brief.ID, a.fails[0].ID) {
		a.fails[0] = brief
		heap.Fix(&a.fails, 0)
	}
}

// failures returns the kept failures of a sweep in id order.
func (a *htmlAcc) failures() []Result {
	out := append([]Result(nil), a.fails...)
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].ID, out[j].ID) })
	return out
}

// failHeap is a max-heap by natural id order: its root is the failure to
// drop first when a lower id comes.
type failHeap []Result

func (h failHeap) Len() int           { return len(h) }
func (h failHeap) Less(i, j int) bool { return naturalLess(h[j].ID, h[i].ID) }
func (h failHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *failHeap) Push(x any)        { *h = append(*h, x.(Result)) }
func (h *failHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// naturalLess orders strings with their digit runs compared as numbers,
// so 10.0.0.9 sorts before 10.0.0.10 and port 443 before 9090.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			if na != nb {
				return numLess(na, nb)
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) (string, string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// numLess compares two digit strings as numbers of any length.
func numLess(a, b string) bool {
	for len(a) > 1 && a[0] == '0' {
		a = a[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
