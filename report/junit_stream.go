package report

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/roompath/roompath/probe/vocab"
)

// junitStream is the state of a JUnit report that streams. Counts are
// known only at the end, and XML puts attributes first, so a streamed
// report's <testsuites> and per-check suites carry no count attributes
// (JUnit readers count the test cases); the counts and the duration go in
// a last suite, TOOL.summary, with no cases and one property each. A run
// of consecutive results of one check is one suite; a check that comes
// back after another opens a suite of the same name again.
type junitStream struct {
	head Report // tool, version, start, vantage: what a suite names
	cur  vocab.Check
	open bool
	buf  bytes.Buffer
	// enc writes into buf with prefix.
	enc    *xml.Encoder
	prefix string
}

// junitStreamSuite is a suite's start tag and properties as streamed.
type junitStreamSuite struct {
	XMLName    xml.Name        `xml:"testsuite"`
	Name       string          `xml:"name,attr"`
	Tests      *int            `xml:"tests,attr,omitempty"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
}

func (e *junitEncoder) spill(r *Report) error {
	e.st = &junitStream{head: *r}
	e.st.head.Results = nil
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<testsuites name="`)
	xml.EscapeText(&b, []byte(r.Tool))
	b.WriteString("\">\n")
	if _, err := e.w.Write(b.Bytes()); err != nil {
		return err
	}
	for i := range r.Results {
		if err := e.Result(&r.Results[i]); err != nil {
			return err
		}
	}
	return nil
}

// Result writes one test case of a streamed report (a no-op before the
// spill).
func (e *junitEncoder) Result(res *Result) error {
	st := e.st
	if st == nil {
		return nil
	}
	st.buf.Reset()
	if !st.open || res.Check != st.cur {
		st.closeSuite()
		st.cur, st.open = res.Check, true
		s := &st.head
		st.openSuite(junitStreamSuite{Name: s.Tool + "." + string(res.Check), Timestamp: s.StartedAt.UTC().Format("2006-01-02T15:04:05"),
			Hostname: s.Vantage.Hostname, Properties: []junitProperty{{"schema", s.Schema}, {"version", s.Version}}})
	}
	if err := st.encode(newCase(st.head.Tool, res), "testcase", "    "); err != nil {
		return err
	}
	_, err := e.w.Write(st.buf.Bytes())
	return err
}

// openSuite writes a suite's start tag and properties into buf.
func (st *junitStream) openSuite(s junitStreamSuite) {
	var tmp bytes.Buffer
	enc := xml.NewEncoder(&tmp)
	enc.Indent("  ", "  ")
	_ = enc.Encode(s) // strings and ints only: cannot fail
	// Encode wrote the whole element; keep it open by dropping its end tag.
	st.buf.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n  </testsuite>")))
	st.buf.WriteString("\n")
}

func (st *junitStream) closeSuite() {
	if st.open {
		st.buf.WriteString("  </testsuite>\n")
		st.open = false
	}
}

// encode appends v as element name, indented under prefix, and a newline
// to buf. The encoder is kept between calls with the same prefix (one per
// case would allocate its buffer each time); the newline it puts before
// every element after its first is dropped.
func (st *junitStream) encode(v any, name, prefix string) error {
	if st.enc == nil || st.prefix != prefix {
		st.enc, st.prefix = xml.NewEncoder(&st.buf), prefix
		st.enc.Indent(prefix, "  ")
	}
	start := st.buf.Len()
	if err := st.enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}}); err != nil {
		return err
	}
	if err := st.enc.Flush(); err != nil {
		return err
	}
	if b := st.buf.Bytes(); len(b) > start && b[start] == '\n' {
		copy(b[start:], b[start+1:])
		st.buf.Truncate(len(b) - 1)
	}
	st.buf.WriteString("\n")
	return nil
}

// endStream closes the open suite, adds the interrupted suite when the run
// was stopped and the summary suite, and closes the document.
func (e *junitEncoder) endStream(r *Report) error {
	st := e.st
	st.buf.Reset()
	st.closeSuite()
	if r.Interrupted {
		if err := st.encode(interruptedSuite(r), "testsuite", "  "); err != nil {
			return err
		}
	}
	s := r.Summary
	zero := 0
	sum := junitStreamSuite{Name: r.Tool + ".summary", Tests: &zero, Timestamp: r.StartedAt.UTC().Format("2006-01-02T15:04:05"), Hostname: r.Vantage.Hostname,
		Properties: []junitProperty{{"schema", r.Schema}, {"version", r.Version}, {"interrupted", fmt.Sprint(r.Interrupted)},
			{"total", fmt.Sprint(s.Total)}, {"pass", fmt.Sprint(s.Pass)}, {"fail", fmt.Sprint(s.Fail)}, {"warn", fmt.Sprint(s.Warn)},
			{"skip", fmt.Sprint(s.Skip)}, {"error", fmt.Sprint(s.Error)}, {"time", seconds(r.DurationMS)}}}
	if err := st.encode(sum, "testsuite", "  "); err != nil {
		return err
	}
	st.buf.WriteString("</testsuites>\n")
	_, err := e.w.Write(st.buf.Bytes())
	return err
}
