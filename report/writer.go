package report

import (
	"bytes"
	"encoding/json"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/vocab"
)

// Writer collects results from concurrent probes, keeps the summary, and
// feeds an Encoder. It keeps the results themselves only when the encoder
// needs them at the end; streaming encoders get each result at once and
// memory stays flat.
type Writer struct {
	mu      sync.Mutex
	enc     Encoder
	rep     Report
	seq     []int
	now     func() time.Time
	began   bool
	done    bool
	spilled bool
	spillAt int // SpillAfter; lower in tests
	keep    func(*Result) bool
	errOnce error
}

// SetFilter makes the Writer write only the results keep accepts (portcheck
// --only); the summary and the exit code still count every result. Call it
// before the first Add.
func (w *Writer) SetFilter(keep func(*Result) bool) {
	w.mu.Lock()
	w.keep = keep
	w.mu.Unlock()
}

// SpillAfter is how many results the json, text and junit encoders keep
// (and print in planning order, as one block) before they switch to
// streaming: a run with at most this many results reads as it always did;
// a sweep with more writes its first SpillAfter results in planning order,
// then every later one as it completes, and memory stays flat.
const SpillAfter = 1024

// spiller is an encoder that keeps a small report whole and streams a
// large one: spill writes the head and the kept results (planning order),
// and from then on Result writes each result as it comes and End closes
// the document.
type spiller interface {
	spill(r *Report) error
}

// Options pins the values that tests (golden files) must control.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hostname overrides the vantage hostname when non-empty.
	Hostname string
	// Command is recorded in the envelope (os.Args when nil), always with
	// its credentials hidden (RedactArgs).
	Command []string
}

// NewWriter starts a report for tool at version, measured from vantage v.
func NewWriter(tool, version string, v Vantage, enc Encoder, opt Options) *Writer {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if opt.Hostname != "" {
		v.Hostname = opt.Hostname
	}
	if v.Hostname == "" {
		v.Hostname, _ = os.Hostname()
	}
	if v.OS == "" {
		v.OS, v.Arch = runtime.GOOS, runtime.GOARCH
	}
	if v.Interfaces == nil {
		v.Interfaces = []Interface{}
	}
	if v.Resolvers == nil {
		v.Resolvers = []string{}
	}
	if v.Proxy == nil {
		v.Proxy = map[string]string{}
	}
	cmd := opt.Command
	if cmd == nil {
		cmd = os.Args
	}
	return &Writer{enc: enc, now: now, spillAt: SpillAfter, rep: Report{
		Schema: Schema, Tool: tool, Version: version, StartedAt: now().UTC(),
		Command: RedactArgs(cmd), Vantage: v, Results: []Result{},
	}}
}

// begin writes the encoder's header once, before the first result.
func (w *Writer) begin() {
	if !w.began {
		w.began = true
		w.keepErr(w.enc.Begin(&w.rep))
	}
}

func (w *Writer) keepErr(err error) {
	if err != nil && w.errOnce == nil {
		w.errOnce = err
	}
}

// Add records one result; seq orders retained results in the final report
// (use the planning order so output is stable across runs). Safe for
// concurrent use.
func (w *Writer) Add(seq int, res Result) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return // the report was already written (interrupted run)
	}
	w.begin()
	w.rep.Summary.Add(res.Status)
	if w.keep != nil && !w.keep(&res) {
		return
	}
	redactResult(&res)
	if w.enc.Streams() || w.spilled {
		w.keepErr(w.enc.Result(&res))
		return
	}
	w.rep.Results = append(w.rep.Results, res)
	w.seq = append(w.seq, seq)
	if sp, ok := w.enc.(spiller); ok && len(w.rep.Results) > w.spillAt {
		w.sortLocked()
		w.keepErr(sp.spill(&w.rep))
		w.rep.Results, w.seq, w.spilled = []Result{}, nil, true
	}
}

// RedactResult returns r with URL credentials hidden as the Writer hides
// them, for results that reach a file without passing through a Writer
// (the triage bundle).
func RedactResult(r Result) Result {
	redactResult(&r)
	return r
}

// redactResult hides URL credentials in the free-text fields of a result
// (a probe that echoes a proxy or URL setting into its id, target, hint or
// failure text must not put a password in the report). A detail that
// would carry one is replaced by its redacted JSON.
func redactResult(r *Result) {
	r.ID, r.Target, r.Hint, r.ReportedBy = RedactText(r.ID), RedactText(r.Target), RedactText(r.Hint), RedactText(r.ReportedBy)
	r.Detail = redactDetail(r.Detail)
	redactFailure(&r.Failure)
	for i := range r.Attempts {
		if f := r.Attempts[i].Failure; f != nil && strings.Contains(string(*f), "@") {
			r.Attempts = append([]Attempt(nil), r.Attempts...) // the caller's slice stays as it was
			for j := range r.Attempts {
				redactFailure(&r.Attempts[j].Failure)
			}
			return
		}
	}
}

// CredentialFree is implemented by a detail type that can say, cheaply,
// that it holds no URL credentials (no "@" in any of its strings), so the
// Writer need not marshal it to look: a sweep's TCP detail. A detail that
// returns false, or does not implement it, is marshalled and searched.
type CredentialFree interface {
	CredentialFree() bool
}

// redactDetail returns d, or its JSON with URL credentials hidden when it
// holds any.
func redactDetail(d any) any {
	if d == nil {
		return nil
	}
	if cf, ok := d.(CredentialFree); ok && cf.CredentialFree() {
		return d
	}
	b, err := json.Marshal(d)
	if err != nil || !bytes.Contains(b, []byte("@")) {
		return d
	}
	if red := RedactText(string(b)); red != string(b) {
		return json.RawMessage(red)
	}
	return d
}

func redactFailure(f **vocab.Failure) {
	if *f != nil && strings.Contains(string(**f), "@") {
		v := vocab.Failure(RedactText(string(**f)))
		*f = &v
	}
}

// SetVerdict sets the envelope's verdict (triage), its text redacted as
// results are.
func (w *Writer) SetVerdict(v *Verdict) {
	if v != nil {
		c := *v
		c.Message = RedactText(c.Message)
		c.NextSteps = make([]string, len(v.NextSteps))
		for i, s := range v.NextSteps {
			c.NextSteps[i] = RedactText(s)
		}
		if v.NextSteps == nil {
			c.NextSteps = nil
		}
		v = &c
	}
	w.mu.Lock()
	w.rep.Verdict = v
	w.mu.Unlock()
}

// Summary returns the counts so far.
func (w *Writer) Summary() Summary {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rep.Summary
}

// Results returns a copy of the retained results in planning order (empty
// for streaming encoders, and for the others once more than SpillAfter
// results made them stream).
func (w *Writer) Results() []Result {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sortLocked()
	return append([]Result(nil), w.rep.Results...)
}

func (w *Writer) sortLocked() {
	sort.Stable(bySeq{w.rep.Results, w.seq})
}

// Finish writes the envelope and returns the exit code it implies and the
// first write error. Later Adds are ignored by the encoder's output.
func (w *Writer) Finish(interrupted bool) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.begin()
	w.done = true
	w.sortLocked()
	w.rep.Interrupted = interrupted
	w.rep.DurationMS = MS(w.now().Sub(w.rep.StartedAt))
	w.keepErr(w.enc.End(&w.rep))
	return ExitCode(w.rep.Summary, interrupted), w.errOnce
}

type bySeq struct {
	r   []Result
	seq []int
}

func (b bySeq) Len() int           { return len(b.r) }
func (b bySeq) Less(i, j int) bool { return b.seq[i] < b.seq[j] }
func (b bySeq) Swap(i, j int) {
	b.r[i], b.r[j] = b.r[j], b.r[i]
	b.seq[i], b.seq[j] = b.seq[j], b.seq[i]
}

// Snapshot returns a copy of the report as it stands: summary, verdict,
// duration so far, and the retained results in planning order (none for
// streaming encoders, nor once the encoder spilled). The report is not finished.
func (w *Writer) Snapshot() Report {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sortLocked()
	r := w.rep
	r.Results = append([]Result(nil), w.rep.Results...)
	r.DurationMS = MS(w.now().Sub(w.rep.StartedAt))
	return r
}
