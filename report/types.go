package report

import "time"

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

// Layers along the troubleshooting path, from DESIGN.md.
const (
	LayerCloud     = "cloud"
	LayerLocal     = "local"
	LayerNetwork   = "network"
	LayerTransport = "transport"
	LayerDNS       = "dns"
	LayerProxy     = "proxy"
	LayerTLS       = "tls"
)

// Report is the envelope: one run of one tool.
type Report struct {
	Schema      string    `json:"schema"`
	Tool        string    `json:"tool"`
	Version     string    `json:"version"`
	StartedAt   time.Time `json:"started_at"`
	DurationMS  float64   `json:"duration_ms"`
	Command     []string  `json:"command,omitempty"`
	Vantage     Vantage   `json:"vantage"`
	Verdict     *Verdict  `json:"verdict,omitempty"`
	Results     []Result  `json:"results"`
	Summary     Summary   `json:"summary"`
	Interrupted bool      `json:"interrupted"`
}

// Vantage describes where the measurement was taken from. Fields that were
// not measured are empty, never guessed.
type Vantage struct {
	Hostname   string            `json:"hostname"`
	OS         string            `json:"os"`
	Arch       string            `json:"arch,omitempty"`
	Interfaces []Interface       `json:"interfaces"`
	Resolvers  []string          `json:"resolvers"`
	Proxy      map[string]string `json:"proxy"`
	// Privileged is true when the run had CAP_NET_RAW (or was root).
	Privileged bool `json:"privileged"`
	// Limits lists what this platform or privilege level could not measure.
	Limits []string `json:"limits,omitempty"`
}

// Interface is one local network interface as seen at the vantage point.
type Interface struct {
	Name      string   `json:"name"`
	Index     int      `json:"index"`
	MTU       int      `json:"mtu"`
	Up        bool     `json:"up"`
	Addresses []string `json:"addresses"`
}

// Verdict is the one-line answer of a triage run.
type Verdict struct {
	Status    Status   `json:"status"`
	Layer     string   `json:"layer,omitempty"`
	Message   string   `json:"message"`
	NextSteps []string `json:"next_steps,omitempty"`
}

// Result is one check of one target.
type Result struct {
	// ID is a stable key, e.g. "tcp/10.10.5.23:9090".
	ID     string `json:"id"`
	Check  string `json:"check"`
	Target string `json:"target"`
	Status Status `json:"status"`
	// Expect is what was expected, e.g. "open"; empty when nothing was.
	Expect   string `json:"expect,omitempty"`
	Observed string `json:"observed"`
	Reason   string `json:"reason,omitempty"`
	// Failure and Operation are nil on success.
	Failure   *string `json:"failure"`
	Operation *string `json:"operation"`
	// ReportedBy is the address that told us (ICMP sender, resolver).
	ReportedBy string    `json:"reported_by,omitempty"`
	Layer      string    `json:"layer,omitempty"`
	DurationMS float64   `json:"duration_ms"`
	RTTMS      *float64  `json:"rtt_ms"`
	RTT        *RTTStats `json:"rtt,omitempty"`
	Attempts   []Attempt `json:"attempts,omitempty"`
	Detail     any       `json:"detail,omitempty"`
	Hint       string    `json:"hint,omitempty"`
}

// Attempt is one try within a result.
type Attempt struct {
	N          int      `json:"n"`
	Observed   string   `json:"observed"`
	Reason     string   `json:"reason,omitempty"`
	Failure    *string  `json:"failure"`
	ReportedBy string   `json:"reported_by,omitempty"`
	DurationMS float64  `json:"duration_ms"`
	RTTMS      *float64 `json:"rtt_ms"`
}

// RTTStats summarises the round-trip times of the attempts that got an
// answer.
type RTTStats struct {
	Count    int     `json:"count"`
	MinMS    float64 `json:"min_ms"`
	AvgMS    float64 `json:"avg_ms"`
	MaxMS    float64 `json:"max_ms"`
	StddevMS float64 `json:"stddev_ms"`
}

// Summary counts results by status.
type Summary struct {
	Total int `json:"total"`
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

// Str returns a pointer to s, for the nullable string fields.
func Str(s string) *string { return &s }

// Float returns a pointer to f, for the nullable number fields.
func Float(f float64) *float64 { return &f }

// MS converts a duration to milliseconds with microsecond precision.
func MS(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
}
