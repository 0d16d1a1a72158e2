package responder

import "bytes"

// Sniff outcomes.
const (
	sniffMore  = iota // need more bytes
	sniffHTTP         // a request line
	sniffPlain        // not HTTP: plain echo
)

// sniff decides from the first bytes whether a client speaks HTTP: a first
// line "TOKEN SP TARGET SP HTTP/…" (CRLF or LF). It answers as soon as the
// bytes cannot be a request line any more.
func sniff(b []byte) int {
	line := b
	complete := false
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line, complete = bytes.TrimSuffix(b[:i], []byte("\r")), true
	}
	if !plausibleRequestLine(line, complete) {
		return sniffPlain
	}
	if complete {
		return sniffHTTP
	}
	return sniffMore
}

// plausibleRequestLine reports whether line is (complete) or may become
// (incomplete) "METHOD TARGET HTTP/d.d".
func plausibleRequestLine(line []byte, complete bool) bool {
	parts := bytes.SplitN(line, []byte(" "), 3)
	if len(parts[0]) == 0 && (complete || len(line) > 0) {
		return false
	}
	for _, c := range parts[0] {
		if !isToken(c) {
			return false
		}
	}
	if len(parts) > 1 && (bytes.ContainsAny(parts[1], "\t\r") || (len(parts) == 3 && len(parts[1]) == 0)) {
		return false
	}
	if len(parts) < 3 {
		return !complete
	}
	proto := parts[2]
	want := []byte("HTTP/")
	if len(proto) < len(want) {
		return !complete && bytes.HasPrefix(want, proto)
	}
	if !bytes.HasPrefix(proto, want) || bytes.ContainsAny(proto, " \t\r") {
		return false
	}
	return !complete || len(proto) > len(want)
}

func isToken(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}
