package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// textEncoder writes a table. A report of at most SpillAfter results is
// written whole at the end (rows in planning order, hints grouped); a
// larger one streams (text_stream.go).
type textEncoder struct {
	w     io.Writer
	color bool
	st    *textStream // non-nil once spilled
}

func (e *textEncoder) Begin(*Report) error { return nil }
func (e *textEncoder) Streams() bool       { return false }

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
)

func (e *textEncoder) paint(code, s string) string {
	if !e.color {
		return s
	}
	return code + s + ansiReset
}

func (e *textEncoder) statusWord(s Status) string {
	w := strings.ToUpper(string(s))
	switch s {
	case StatusPass:
		return e.paint(ansiGreen, w)
	case StatusFail, StatusError:
		return e.paint(ansiRed, w)
	case StatusWarn:
		return e.paint(ansiYellow, w)
	}
	return e.paint(ansiDim, w)
}

// End writes a table of results, then the hints of the results that need
// attention, then a one-line summary.
func (e *textEncoder) End(r *Report) error {
	if e.st != nil {
		return e.endStream(r)
	}
	var b strings.Builder
	e.writeHead(&b, r)
	// Colour codes are invisible but counted by tabwriter, so pad the
	// status column by hand before colouring it.
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tTARGET\tOBSERVED\tREASON\tREPORTED BY\tRTT")
	labels := targetLabels(r.Results)
	for i := range r.Results {
		res := &r.Results[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.statusWord(res.Status)+pad(res.Status),
			dash(string(res.Check)), labels[i], dash(string(res.Observed)), dash(string(res.Reason)), dash(res.ReportedBy), rtt(res.RTTMS))
	}
	tw.Flush()
	e.writeHints(&b, r.Results, labels)
	e.writeTail(&b, r)
	_, err := io.WriteString(e.w, b.String())
	return err
}

// writeHead writes the first line and the verdict.
func (e *textEncoder) writeHead(b *strings.Builder, r *Report) {
	fmt.Fprintf(b, "%s %s  %s  from %s (%s)\n", Escape(r.Tool), Escape(r.Version), r.StartedAt.UTC().Format("2006-01-02 15:04:05Z"), Escape(r.Vantage.Hostname), Escape(r.Vantage.OS))
	if r.Verdict != nil {
		fmt.Fprintf(b, "\n%s %s\n", e.statusWord(r.Verdict.Status), Escape(r.Verdict.Message))
		for _, s := range r.Verdict.NextSteps {
			fmt.Fprintf(b, "  - %s\n", Escape(s))
		}
	}
	b.WriteString("\n")
}

// writeTail writes the platform notes and the summary line.
func (e *textEncoder) writeTail(b *strings.Builder, r *Report) {
	for _, l := range r.Vantage.Limits {
		fmt.Fprintf(b, "%s\n", e.paint(ansiDim, "note: "+Escape(l)))
	}
	s := r.Summary
	fmt.Fprintf(b, "\n%d checks: %d pass, %d fail, %d warn, %d skip, %d error in %.0f ms", s.Total, s.Pass, s.Fail, s.Warn, s.Skip, s.Error, r.DurationMS)
	if r.Interrupted {
		b.WriteString(" " + e.paint(ansiYellow, "(interrupted: partial report)"))
	}
	b.WriteString("\n")
}

// targetLabels names each row: the target, or the id without its check
// prefix where several rows of one check share a target (the A and AAAA
// queries of one name, one name through several resolvers).
func targetLabels(rs []Result) []string {
	seen := map[string]int{}
	for _, r := range rs {
		seen[string(r.Check)+"\x00"+r.Target]++
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Target
		if seen[string(r.Check)+"\x00"+r.Target] > 1 {
			out[i] = strings.TrimPrefix(r.ID, string(r.Check)+"/")
		}
		out[i] = dash(out[i])
	}
	return out
}

// writeHints prints each distinct hint once, after the rows it explains
// (hints that differ only in their row's own address are one).
func (e *textEncoder) writeHints(b *strings.Builder, rs []Result, labels []string) {
	var h hintGroups
	for i := range rs {
		h.add(&rs[i], labels[i])
	}
	h.write(b, e)
}

// pad keeps the status column aligned when colour codes are added: every
// status word is padded to the longest one ("ERROR").
func pad(s Status) string { return strings.Repeat(" ", 5-len(s)) }

// dash is s escaped for the terminal, or "-" when it is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return Escape(s)
}

// Escape makes network- and file-derived text safe to print on a terminal:
// C0 and C1 control characters (ESC, CR, LF and TAB included), DEL, the
// bidirectional overrides and invalid UTF-8 are written as Go escapes
// (\x1b, \r, \u202e, \xff); everything else is left as it is.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteRune(r)
		case r == utf8.RuneError:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i, r := range s {
		if unsafeRune(r) || r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return true
		}
	}
	return false
}

// unsafeRune is a rune a terminal may act on rather than show.
func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func rtt(ms *float64) string {
	if ms == nil {
		return "-"
	}
	if *ms < 10 {
		return fmt.Sprintf("%.2f ms", *ms)
	}
	return fmt.Sprintf("%.0f ms", *ms)
}
