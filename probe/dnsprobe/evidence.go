package dnsprobe

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/miekg/dns"
)

// maxExamples is how many wrong ids and unexpected sources a try keeps as
// examples; the counts go on past it, so a flood of spoofed replies costs
// a counter, not memory and report size.
const maxExamples = 5

// Limits of the notes on refused replies: no more than a short, escaped
// excerpt of what a peer sent goes into a report.
const (
	excerptBytes = 16
	maxNoteText  = 80
)

// wrongID records a reply from the resolver with id, not the query's.
func (ex *dnsExchange) wrongID(id uint16) {
	ex.WrongIDCount++
	if len(ex.WrongIDs) < maxExamples {
		ex.WrongIDs = append(ex.WrongIDs, id)
	}
}

// stray records a reply from an address the query was not sent to.
func (ex *dnsExchange) stray(from netip.AddrPort) {
	ex.StrayCount++
	if len(ex.Strays) < maxExamples {
		ex.Strays = append(ex.Strays, from)
	}
}

// malformed records a reply with the query's id that did not parse.
func (ex *dnsExchange) malformed(note string) {
	ex.Malformed++
	ex.noteOnce(note)
}

// malformedf is malformed with the note formatted only when it is the
// first (a flood of malformed replies costs a counter each).
func (ex *dnsExchange) malformedf(format string, a ...any) {
	ex.Malformed++
	if ex.Note == "" {
		ex.Note = fmt.Sprintf(format, a...)
	}
}

// noteOnce keeps the note of the first refused reply.
func (ex *dnsExchange) noteOnce(note string) {
	if ex.Note == "" {
		ex.Note = note
	}
}

// evidence sums the refused replies of every exchange of a try: the
// counts in full, the examples up to maxExamples, the first note.
func evidence(t dnsTry) dnsExchange {
	var sum dnsExchange
	for _, ex := range t.Exchanges {
		sum.WrongIDCount += ex.WrongIDCount
		sum.StrayCount += ex.StrayCount
		sum.WrongIDs = appendUpTo(sum.WrongIDs, ex.WrongIDs)
		sum.Strays = appendUpTo(sum.Strays, ex.Strays)
		sum.Malformed += ex.Malformed
		sum.WrongQuestion += ex.WrongQuestion
		sum.noteOnce(ex.Note)
	}
	return sum
}

// appendUpTo appends to dst what fits under maxExamples.
func appendUpTo[T any](dst, src []T) []T {
	return append(dst, src[:min(len(src), max(maxExamples-len(dst), 0))]...)
}

// excerpt is the first excerptBytes of b in hex, "…" marking a cut.
func excerpt(b []byte) string {
	if len(b) <= excerptBytes {
		return hex.EncodeToString(b)
	}
	return hex.EncodeToString(b[:excerptBytes]) + "…"
}

// shortErr is an error's text, quoted (escaped) and cut to maxNoteText.
func shortErr(err error) string {
	return shortText(err.Error())
}

// shortText quotes s, escaping anything unprintable, cut to maxNoteText.
func shortText(s string) string {
	if len(s) > maxNoteText {
		return strconv.Quote(s[:maxNoteText]) + "…"
	}
	return strconv.Quote(s)
}

// wrongQuestionNote describes a reply with the query's id that is not an
// answer to it.
func wrongQuestionNote(m *dns.Msg) string {
	if !m.Response {
		return "a message with the query's id that is not a response (QR bit clear)"
	}
	qq := m.Question[0]
	return "a reply with the query's id for another question: " + shortText(qq.Name) + " " + typeString(qq.Qtype)
}
