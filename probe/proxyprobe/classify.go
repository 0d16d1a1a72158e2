package proxyprobe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

// ErrHeadTooLarge is returned when a peer's HTTP head exceeds the size cap.
var ErrHeadTooLarge = errors.New("HTTP head exceeds the size limit")

// errInvalidHTTP marks an answer that is not valid HTTP.
type errInvalidHTTP struct{ err error }

// Error quotes at most maxExcerpt bytes of the parser's message, escaped:
// the message may hold the peer's raw bytes.
func (e *errInvalidHTTP) Error() string { return "invalid HTTP answer: " + excerpt(e.err.Error()) }
func (e *errInvalidHTTP) Unwrap() error { return e.err }

// errPAC marks a PAC file that cannot be compiled, run or understood.
type errPAC struct{ err error }

func (e *errPAC) Error() string { return "PAC: " + e.err.Error() }
func (e *errPAC) Unwrap() error { return e.err }

// classify maps an error to its failure string: the typed errors of this
// package first, then probe.Classify.
func classify(err error) vocab.Failure {
	var (
		inv *errInvalidHTTP
		pac *errPAC
		lim *errPACLimit
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrHeadTooLarge):
		return vocab.FailureHTTPHeadTooLarge
	case errors.As(err, &lim):
		return vocab.FailurePACLimit
	case errors.As(err, &pac):
		return vocab.FailurePACInvalid
	case errors.As(err, &inv):
		return vocab.FailureHTTPInvalidResponse
	}
	f := probe.Classify(err)
	if strings.HasPrefix(string(f), vocab.UnknownPrefix) {
		return vocab.Unknown(peerText(err.Error(), maxExcerpt))
	}
	return f
}

// maxPeerField caps a header value of a peer (Server, Via, Location, a
// page title) kept as evidence.
const maxPeerField = 256

// peerText is at most n bytes of s with control characters, other
// unprintable runes and invalid UTF-8 escaped (\x1b, \u200b, \xff): text a
// peer chose, safe to put in a report or on a terminal.
func peerText(s string, n int) string {
	cut := len(s) > n
	if cut {
		s = s[:n]
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case !unicode.IsPrint(r) && r != ' ':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	if cut {
		b.WriteString("…")
	}
	return b.String()
}

// maxExcerpt caps how much of a peer's text an error message repeats.
const maxExcerpt = 64

// excerpt is at most maxExcerpt bytes of s, quoted with %q so control
// characters and invalid UTF-8 are escaped.
func excerpt(s string) string {
	if len(s) > maxExcerpt {
		return fmt.Sprintf("%q…", s[:maxExcerpt])
	}
	return fmt.Sprintf("%q", s)
}
