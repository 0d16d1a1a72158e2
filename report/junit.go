package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/roompath/roompath/probe/vocab"
)

// junitEncoder writes JUnit XML. A report of at most SpillAfter results
// is written whole at the end, with counts on every suite; a larger one
// streams (junit_stream.go).
type junitEncoder struct {
	w  io.Writer
	st *junitStream // non-nil once spilled
}

func (e *junitEncoder) Begin(*Report) error { return nil }
func (e *junitEncoder) Streams() bool       { return false }

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Errors  int          `xml:"errors,attr"`
	Skipped int          `xml:"skipped,attr"`
	Time    string       `xml:"time,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Fails      int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }

// interruptedCase names the test case an interrupted run adds, so a CI
// reader sees an error even when no result was in yet.
const interruptedCase = "interrupted"

// End writes one suite per check kind, one test case per result. A warn is
// a passing case whose system-out carries the warning. An interrupted run
// adds a suite TOOL.run with one errored case "interrupted".
func (e *junitEncoder) End(r *Report) error {
	if e.st != nil {
		return e.endStream(r)
	}
	suites := junitSuites{Name: r.Tool, Time: seconds(r.DurationMS)}
	index := map[vocab.Check]int{}
	for i := range r.Results {
		res := &r.Results[i]
		k, ok := index[res.Check]
		if !ok {
			k = len(suites.Suites)
			index[res.Check] = k
			suites.Suites = append(suites.Suites, newSuite(r, string(res.Check)))
		}
		s := &suites.Suites[k]
		c := newCase(r.Tool, res)
		switch res.Status {
		case StatusFail:
			s.Fails++
		case StatusError:
			s.Errors++
		case StatusSkip:
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	if r.Interrupted {
		suites.Suites = append(suites.Suites, interruptedSuite(r))
	}
	for _, s := range suites.Suites {
		suites.Tests, suites.Fails, suites.Errors, suites.Skipped = suites.Tests+s.Tests, suites.Fails+s.Fails, suites.Errors+s.Errors, suites.Skipped+s.Skipped
	}
	if _, err := io.WriteString(e.w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(e.w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(e.w, "\n")
	return err
}

// newCase is the test case of one result.
func newCase(tool string, res *Result) junitCase {
	c := junitCase{Classname: tool + "." + string(res.Check), Name: res.ID, Time: seconds(res.DurationMS)}
	msg := &junitMessage{Message: oneLine(res), Type: failureType(res), Body: caseBody(res)}
	switch res.Status {
	case StatusFail:
		c.Failure = msg
	case StatusError:
		c.Error = msg
	case StatusSkip:
		c.Skipped = &junitMessage{Message: oneLine(res)}
	case StatusWarn:
		c.SystemOut = "warning: " + msg.Message + "\n" + msg.Body
	}
	return c
}

func newSuite(r *Report, check string) junitSuite {
	return junitSuite{
		Name: r.Tool + "." + check, Timestamp: r.StartedAt.UTC().Format("2006-01-02T15:04:05"),
		Hostname: r.Vantage.Hostname, Time: seconds(r.DurationMS),
		Properties: []junitProperty{{"schema", r.Schema}, {"version", r.Version}, {"interrupted", fmt.Sprint(r.Interrupted)}},
	}
}

// interruptedSuite is the suite that makes an interrupted run an error for
// a CI reader: the checks not run are neither passes nor failures.
func interruptedSuite(r *Report) junitSuite {
	s := newSuite(r, "run")
	n := max(len(r.Results), r.Summary.Total) // a streamed report keeps none
	msg := fmt.Sprintf("interrupted: the run was stopped after %d results; checks still running or not started are not in this report", n)
	if n == 0 {
		msg = "interrupted: the run was stopped before any check finished"
	}
	s.Tests, s.Errors = 1, 1
	s.Cases = []junitCase{{Classname: s.Name, Name: interruptedCase, Time: seconds(r.DurationMS),
		Error: &junitMessage{Message: msg, Type: interruptedCase}}}
	return s
}

func oneLine(res *Result) string {
	parts := []string{string(res.Observed)}
	if res.Reason != "" {
		parts = append(parts, string(res.Reason))
	}
	if res.ReportedBy != "" {
		parts = append(parts, "reported by "+res.ReportedBy)
	}
	if res.Expect != "" {
		parts = append(parts, "expected "+res.Expect)
	}
	return strings.Join(parts, ", ")
}

func failureType(res *Result) string {
	if res.Failure != nil {
		return string(*res.Failure)
	}
	return ""
}

func caseBody(res *Result) string {
	var b strings.Builder
	if res.Hint != "" {
		b.WriteString(res.Hint + "\n")
	}
	if res.Detail != nil {
		if d, err := json.Marshal(res.Detail); err == nil {
			b.WriteString("detail: " + string(d) + "\n")
		}
	}
	return b.String()
}
