package report

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces the credentials that RedactURL, RedactText and
// RedactArgs hide.
const Redacted = "REDACTED"

// userinfo matches the credentials of a URL inside any text:
// scheme://user:pass@ (or scheme://token@).
var userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s"']*@`)

// RedactText hides the userinfo of every URL in s: reports, stderr,
// bundles and HTML never carry a password given on a command line or
// found in the environment.
func RedactText(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllStringFunc(s, func(m string) string {
		_, info, _ := strings.Cut(strings.TrimSuffix(m, "@"), "://")
		if user, pw, _ := strings.Cut(info, ":"); info == Redacted || pw == Redacted && user != "" {
			return m // already redacted (user:REDACTED@ names the user, not the secret)
		}
		return userinfo.ReplaceAllString(m, "${1}"+Redacted+"@")
	})
}

// RedactURL hides the credentials of one proxy setting or URL, with or
// without a scheme ("admin:pw@proxy:3128" included). A value with an "@"
// that does not parse is hidden whole.
func RedactURL(v string) string {
	if !strings.Contains(v, "@") {
		return v
	}
	s := v
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if err != nil {
			return Redacted
		}
		return v
	}
	u.User = url.User(Redacted)
	out := u.String()
	if !strings.Contains(v, "://") {
		out = strings.TrimPrefix(out, "http://")
	}
	return out
}

// credentialFlags take a URL or proxy setting whose userinfo is a secret
// even without a scheme.
var credentialFlags = map[string]bool{
	"--proxy": true, "--url": true, "--pac": true, "--echo": true, "--status-url": true, "--status-fallback-url": true,
	"--fallback-url": true, "--captive-url": true, "--weak-url": true,
}

// secretFlags take a secret whole (mediacheck's and the responder's
// --key): their value is never recorded.
var secretFlags = map[string]bool{"--key": true}

// RedactArgs returns a copy of a command line with the credentials of
// every URL and proxy setting hidden (--proxy admin:pw@host, --url
// http://u:p@h/, --proxy=…) and the value of a --key replaced whole.
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	prev := ""
	for i, a := range args {
		out[i] = redactArg(prev, a)
		prev = a
	}
	return out
}

// redactArg hides the secrets of one argument a that follows prev.
func redactArg(prev, a string) string {
	name, val, ok := strings.Cut(a, "=")
	switch {
	case ok && secretFlags[name]:
		return name + "=" + Redacted
	case ok && credentialFlags[name]:
		return name + "=" + RedactURL(val)
	case secretFlags[prev]:
		return Redacted
	case credentialFlags[prev]:
		return RedactURL(a)
	}
	return RedactText(a)
}
