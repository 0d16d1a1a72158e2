package proxyprobe

import (
	"strings"
)

// Challenge is one authentication challenge of a Proxy-Authenticate header
// (RFC 9110 §11.6.1).
type Challenge struct {
	// Scheme is the auth scheme as sent, e.g. "Basic", "NTLM", "Negotiate".
	Scheme string `json:"scheme"`
	// Realm is the realm parameter; empty when absent.
	Realm string `json:"realm,omitempty"`
}

// ParseChallenges parses Proxy-Authenticate header values into challenges
// in order. It is lenient: what it cannot parse it skips, never failing.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		out = append(out, parseChallengeList(v)...)
	}
	return out
}

// parseChallengeList walks one header value: a challenge is a scheme token,
// optionally followed by a token68 or by comma-separated name=value
// parameters; a token not followed by "=" starts the next challenge.
func parseChallengeList(s string) []Challenge {
	var out []Challenge
	p := &authLexer{s: s}
	for {
		p.skip(" \t,")
		scheme := p.token()
		if scheme == "" {
			if p.i >= len(p.s) {
				return out
			}
			p.i++ // not a token character: skip it
			continue
		}
		c := Challenge{Scheme: scheme}
		p.params(&c)
		out = append(out, c)
	}
}

type authLexer struct {
	s string
	i int
}

func (p *authLexer) skip(set string) {
	for p.i < len(p.s) && strings.IndexByte(set, p.s[p.i]) >= 0 {
		p.i++
	}
}

func isTokenChar(b byte) bool {
	return b > 0x20 && b < 0x7f && strings.IndexByte("\"(),/:;<=>?@[\\]{}", b) < 0
}

func (p *authLexer) token() string {
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// params reads the parameters (or token68) after a scheme, stopping before
// the next challenge's scheme: a bare token after a comma.
func (p *authLexer) params(c *Challenge) {
	for first := true; ; first = false {
		save := p.i
		p.skip(" \t")
		comma := p.i < len(p.s) && p.s[p.i] == ','
		p.skip(" \t,")
		name := p.token68()
		if name == "" {
			p.i = save
			return
		}
		p.skip(" \t")
		eq := p.i
		for p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
		}
		after := p.i
		p.skip(" \t")
		if after-eq == 1 && p.i < len(p.s) && p.s[p.i] != ',' {
			if val := p.value(); strings.EqualFold(name, "realm") {
				c.Realm = val
			}
			continue
		}
		if after > eq || (first && !comma) {
			p.i = after // a token68, e.g. "Negotiate abc==" or "Negotiate abc"
			continue
		}
		p.i = save // the next challenge
		return
	}
}

// token68 reads a run of token characters and '/'.
func (p *authLexer) token68() string {
	start := p.i
	for p.i < len(p.s) && (isTokenChar(p.s[p.i]) || p.s[p.i] == '/') {
		p.i++
	}
	return p.s[start:p.i]
}

// value reads a token or a quoted string (with backslash escapes).
func (p *authLexer) value() string {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return p.token()
	}
	p.i++
	var b strings.Builder
	for p.i < len(p.s) && p.s[p.i] != '"' {
		if p.s[p.i] == '\\' && p.i+1 < len(p.s) {
			p.i++
		}
		b.WriteByte(p.s[p.i])
		p.i++
	}
	if p.i < len(p.s) {
		p.i++
	}
	return b.String()
}
