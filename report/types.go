package report

import (
	"time"

	"github.com/roompath/roompath/probe/vocab"
)

// Schema names the version of the envelope every encoder writes.
const Schema = "roompath.report/v1"

// Status is the verdict of one result.
type Status string

// The closed set of statuses.
const (
	StatusPass  Status = "pass"  // observed what was expected
	StatusFail  Status = "fail"  // observed something else
	StatusWarn  Status = "warn"  // works, but something is off
	StatusSkip  Status = "skip"  // not applicable or turned off
	StatusError Status = "error" // could not be run
)

// Report is the envelope: one run of one tool.
type Report struct {
	// Schema is always Schema ("roompath.report/v1").
	Schema string `json:"schema"`
	// Tool names the binary or subcommand, e.g. "portcheck".
	Tool string `json:"tool"`
	// Version is the tool's version.
	Version string `json:"version"`
	// StartedAt is when the run began, in UTC.
	StartedAt time.Time `json:"started_at"`
	// DurationMS is the run's wall time.
	DurationMS float64 `json:"duration_ms"`
	// Command is the command line; omitted when empty.
	Command []string `json:"command,omitempty"`
	// Vantage is where the run measured from.
	Vantage Vantage `json:"vantage"`
	// Verdict is set by triage only.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Results are in planning order; empty (not null) under ndjson, whose
	// results went out one per line.
	Results []Result `json:"results"`
	// Summary counts the results by status.
	Summary Summary `json:"summary"`
	// Interrupted is true when the run was stopped (Ctrl-C) before every
	// check ended.
	Interrupted bool `json:"interrupted"`
}

// Vantage describes where the measurement was taken from. Fields that were
// not measured are empty, never guessed.
type Vantage struct {
	// Hostname is this host's name.
	Hostname string `json:"hostname"`
	// OS and Arch are the platform (GOOS, GOARCH).
	OS   string `json:"os"`
	Arch string `json:"arch,omitempty"`
	// Interfaces are the local interfaces; empty when not read.
	Interfaces []Interface `json:"interfaces"`
	// Resolvers are the system's resolvers, in order; empty when none
	// were found.
	Resolvers []string `json:"resolvers"`
	// Proxy holds the proxy settings of the environment (HTTPS_PROXY, …)
	// by variable name.
	Proxy map[string]string `json:"proxy"`
	// Privileged is true when the run had CAP_NET_RAW (or was root).
	Privileged bool `json:"privileged"`
	// Limits lists what this platform or privilege level could not measure.
	Limits []string `json:"limits,omitempty"`
}

// Interface is one local network interface as seen at the vantage point.
type Interface struct {
	// Name is the interface's name, e.g. "wlan0".
	Name string `json:"name"`
	// Index is its interface index.
	Index int `json:"index"`
	// MTU is its MTU in bytes.
	MTU int `json:"mtu"`
	// Up is true when the interface is administratively up.
	Up bool `json:"up"`
	// Addresses are its addresses as prefixes ("10.0.30.5/24").
	Addresses []string `json:"addresses"`
}

// Verdict is the one-line answer of a triage run.
type Verdict struct {
	// Status is fail when a layer failed, else pass.
	Status Status `json:"status"`
	// Layer is the first failing layer; empty on a pass.
	Layer vocab.Layer `json:"layer,omitempty"`
	// Message states the finding and its evidence in one or two
	// sentences.
	Message string `json:"message"`
	// NextSteps are what to do about it, most useful first.
	NextSteps []string `json:"next_steps,omitempty"`
}

// Result is one check of one target.
type Result struct {
	// ID is a stable key, e.g. "tcp/10.10.5.23:9090".
	ID string `json:"id"`
	// Check is what was checked.
	Check vocab.Check `json:"check"`
	// Target is what was probed, as the user would write it.
	Target string `json:"target"`
	// Status is the verdict of this result.
	Status Status `json:"status"`
	// Expect is what was expected, e.g. "open"; empty when nothing was.
	Expect string `json:"expect,omitempty"`
	// Observed is the check's state (vocab.ObservedOf(Check)).
	Observed vocab.Observed `json:"observed"`
	// Reason says why; empty when the state needs no reason.
	Reason vocab.Reason `json:"reason,omitempty"`
	// Failure and Operation are nil on success: the failure string and
	// the step that failed.
	Failure   *vocab.Failure   `json:"failure"`
	Operation *vocab.Operation `json:"operation"`
	// ReportedBy is the address that told us (ICMP sender, resolver).
	ReportedBy string `json:"reported_by,omitempty"`
	// Layer places the result on the troubleshooting path.
	Layer vocab.Layer `json:"layer,omitempty"`
	// DurationMS is the check's wall time.
	DurationMS float64 `json:"duration_ms"`
	// RTTMS is the headline round-trip time (the minimum); nil when
	// nothing answered.
	RTTMS *float64 `json:"rtt_ms"`
	// RTT summarises the round-trip times of the attempts that got an
	// answer; nil when none did.
	RTT *RTTStats `json:"rtt,omitempty"`
	// Attempts lists each try with its own outcome.
	Attempts []Attempt `json:"attempts,omitempty"`
	// Detail is the check's evidence: a pointer to the probe's detail type
	// (probe.TCPDetail, pathprobe.Detail, …).
	Detail any `json:"detail,omitempty"`
	// Hint is one or two sentences a network engineer can act on; empty
	// for a plain pass.
	Hint string `json:"hint,omitempty"`
}

// Attempt is one try within a result.
type Attempt struct {
	// N numbers the attempts from 1.
	N int `json:"n"`
	// Observed and Reason are this try's outcome.
	Observed vocab.Observed `json:"observed"`
	Reason   vocab.Reason   `json:"reason,omitempty"`
	// Failure is nil when the try succeeded.
	Failure *vocab.Failure `json:"failure"`
	// ReportedBy is the address that answered this try.
	ReportedBy string `json:"reported_by,omitempty"`
	// DurationMS is the try's wall time.
	DurationMS float64 `json:"duration_ms"`
	// RTTMS is the try's round-trip time; nil when nothing answered.
	RTTMS *float64 `json:"rtt_ms"`
}

// RTTStats summarises the round-trip times of the attempts that got an
// answer, in milliseconds.
type RTTStats struct {
	// Count is the number of answered attempts.
	Count int `json:"count"`
	// MinMS, AvgMS and MaxMS are their minimum, mean and maximum.
	MinMS float64 `json:"min_ms"`
	AvgMS float64 `json:"avg_ms"`
	MaxMS float64 `json:"max_ms"`
	// StddevMS is their population standard deviation.
	StddevMS float64 `json:"stddev_ms"`
}

// Summary counts results by status.
type Summary struct {
	// Total is the number of results.
	Total int `json:"total"`
	// Pass, Fail, Warn, Skip and Error count each status.
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Skip  int `json:"skip"`
	Error int `json:"error"`
}

// Add counts one result.
func (s *Summary) Add(st Status) {
	s.Total++
	switch st {
	case StatusPass:
		s.Pass++
	case StatusFail:
		s.Fail++
	case StatusWarn:
		s.Warn++
	case StatusSkip:
		s.Skip++
	default:
		s.Error++
	}
}

// Str returns a pointer to s, for the nullable string fields (failure,
// operation).
func Str[T ~string](s T) *T { return &s }

// SetFailure sets the result's failure and the operation that failed; an
// empty failure clears both.
func (r *Result) SetFailure(f vocab.Failure, op vocab.Operation) {
	if f == "" {
		r.Failure, r.Operation = nil, nil
		return
	}
	r.Failure, r.Operation = &f, nil
	if op != "" {
		r.Operation = &op
	}
}

// Emit receives results as they complete; seq orders them in the report
// (the planning order, so output is stable across runs). Every probe hands
// its results to an Emit, and says whether it may call it from several
// goroutines at once.
type Emit func(seq int, r Result)

// Float returns a pointer to f, for the nullable number fields.
func Float(f float64) *float64 { return &f }

// MS converts a duration to milliseconds with microsecond precision.
func MS(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
}
