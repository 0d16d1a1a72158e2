package report

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// maxHintGroups bounds the distinct hints a streamed text report keeps to
// print at the end; results with further hints are counted and named as
// such, never dropped silently.
const maxHintGroups = 256

// hintShown is how many rows a hint line names before "and N more".
const hintShown = 4

// textStream is the state of a text report that streams: the column
// widths fixed at the spill, and the hints grouped by what they say once
// the row's own address is set aside.
type textStream struct {
	widths [6]int
	hints  hintGroups
}

// hintGroups files hints by what they say once the row's own address is
// set aside, so the same advice about 16,000 addresses is one line, not
// 16,000; identical hints always share a group.
type hintGroups struct {
	order  []string
	groups map[string]*hintGroup
	other  int // results whose hint did not fit in maxHintGroups
}

type hintGroup struct {
	hint string // the first row's hint, verbatim
	who  []string
	n    int
	same bool // every row's hint was the same text
}

// spill writes the head, the column header with widths fitted to the kept
// rows, and the kept rows; later rows follow as they complete.
func (e *textEncoder) spill(r *Report) error {
	st := &textStream{}
	e.st = st
	labels := targetLabels(r.Results)
	cols := [6]string{"CHECK", "TARGET", "OBSERVED", "REASON", "REPORTED BY", "RTT"}
	for i, c := range cols {
		st.widths[i] = len(c)
	}
	for i := range r.Results {
		for k, v := range rowCells(&r.Results[i], labels[i]) {
			st.widths[k] = max(st.widths[k], utf8.RuneCountInString(v))
		}
	}
	var b strings.Builder
	e.writeHead(&b, r)
	b.WriteString(st.line("STATUS", cols))
	for i := range r.Results {
		e.row(&b, &r.Results[i], labels[i])
	}
	_, err := io.WriteString(e.w, b.String())
	return err
}

// Result writes one row of a streamed report (a no-op before the spill).
func (e *textEncoder) Result(res *Result) error {
	if e.st == nil {
		return nil
	}
	var b strings.Builder
	e.row(&b, res, dash(res.Target))
	_, err := io.WriteString(e.w, b.String())
	return err
}

func (e *textEncoder) row(b *strings.Builder, res *Result, label string) {
	b.WriteString(e.st.line(e.statusWord(res.Status)+pad(res.Status)+" ", rowCells(res, label))) // STATUS is 6 wide
	e.st.hints.add(res, label)
}

func rowCells(res *Result, label string) [6]string {
	return [6]string{dash(string(res.Check)), label, dash(string(res.Observed)), dash(string(res.Reason)), dash(res.ReportedBy), rtt(res.RTTMS)}
}

// line pads each cell to its column (two spaces between columns, as the
// tabwriter of a whole report does); a longer cell pushes the rest right.
func (st *textStream) line(status string, cells [6]string) string {
	var b strings.Builder
	b.WriteString(status)
	b.WriteString("  ")
	for i, c := range cells {
		b.WriteString(c)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", max(st.widths[i]-utf8.RuneCountInString(c), 0)+2))
		}
	}
	b.WriteString("\n")
	return b.String()
}

// add files the row's hint under its group.
func (h *hintGroups) add(res *Result, label string) {
	if res.Hint == "" || res.Status == StatusPass || res.Status == StatusSkip {
		return
	}
	key := res.Hint
	if host := rowHost(res.Target); host != "" {
		key = strings.ReplaceAll(key, host, "\x00")
	}
	if h.groups == nil {
		h.groups = map[string]*hintGroup{}
	}
	g, ok := h.groups[key]
	if !ok {
		if len(h.groups) >= maxHintGroups {
			h.other++
			return
		}
		g = &hintGroup{hint: res.Hint, same: true}
		h.groups[key] = g
		h.order = append(h.order, key)
	}
	g.n++
	g.same = g.same && res.Hint == g.hint
	if len(g.who) < hintShown {
		g.who = append(g.who, label)
	}
}

// write prints one line per group, after a blank line when there is any.
func (h *hintGroups) write(b *strings.Builder, e *textEncoder) {
	if len(h.order) > 0 || h.other > 0 {
		b.WriteString("\n")
	}
	for _, k := range h.order {
		g := h.groups[k]
		who := strings.Join(g.who, ", ")
		if more := g.n - len(g.who); more > 0 {
			who += fmt.Sprintf(", %d more", more)
		}
		if !g.same {
			who += " (the hint names the first; the others differ only in their own address)"
		}
		fmt.Fprintf(b, "%s %s: %s\n", e.paint(ansiBold, "»"), who, Escape(g.hint))
	}
	if h.other > 0 {
		fmt.Fprintf(b, "%s %d more results have hints not grouped here (over %d distinct hints): -o json or ndjson has each one\n", e.paint(ansiBold, "»"), h.other, maxHintGroups)
	}
}

// rowHost is the IP address a target names ("10.0.0.1:9090" and
// "room (10.0.0.1:9090)" give 10.0.0.1), or "" when it names none: only
// an address is set aside, never a name that could be a word of the hint.
func rowHost(target string) string {
	if i := strings.LastIndexByte(target, '('); i >= 0 && strings.HasSuffix(target, ")") {
		target = target[i+1 : len(target)-1]
	}
	if h, _, err := net.SplitHostPort(target); err == nil {
		target = h
	}
	if _, err := netip.ParseAddr(target); err != nil {
		return ""
	}
	return target
}

// endStream writes the grouped hints, the notes and the summary.
func (e *textEncoder) endStream(r *Report) error {
	var b strings.Builder
	e.st.hints.write(&b, e)
	e.writeTail(&b, r)
	_, err := io.WriteString(e.w, b.String())
	return err
}
