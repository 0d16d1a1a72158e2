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
	return userinfo.ReplaceAllString(s, "${1}"+Redacted+"@")
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
var credentialFlags = map[string]bool{"--proxy": true, "--url": true, "--pac": true}

// RedactArgs returns a copy of a command line with the credentials of
// every URL and proxy setting hidden (--proxy admin:pw@host, --url
// http://u:p@h/, --proxy=…).
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch name, val, ok := strings.Cut(a, "="); {
		case ok && credentialFlags[name]:
			out[i] = name + "=" + RedactURL(val)
		case i > 0 && credentialFlags[args[i-1]]:
			out[i] = RedactURL(a)
		default:
			out[i] = RedactText(a)
		}
	}
	return out
}
