package proxyprobe

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/roompath/roompath/report"
)

// CheckPACSource accepts what DiscoveryConfig.PAC may hold, before anything
// is sent: an http:// or https:// URL with a host and a valid port, or the
// path of a readable regular file of at most 1 MiB. The error is one line;
// the value is quoted (control characters escaped) and its credentials
// redacted.
func CheckPACSource(s string) error {
	if strings.Contains(s, "://") {
		return checkPACURL(s)
	}
	q := strconv.Quote(s)
	fi, err := os.Stat(s)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file (want a PAC file, or an http:// or https:// URL)", q)
	case err != nil:
		return fmt.Errorf("%s: cannot be read", q)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", q)
	case fi.Size() > maxPACBytes:
		return fmt.Errorf("%s: larger than the %d-byte PAC limit", q, maxPACBytes)
	}
	f, err := os.Open(s)
	if err != nil {
		return fmt.Errorf("%s: cannot be read", q)
	}
	return f.Close()
}

func checkPACURL(s string) error {
	q := strconv.Quote(report.RedactURL(s))
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%s is not a URL", q)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s: scheme %s is not http or https", q, strconv.Quote(u.Scheme))
	}
	if u.Hostname() == "" || !validHost(u.Hostname()) {
		return fmt.Errorf("%s: no valid host", q)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s: port %s is not 1-65535", q, strconv.Quote(p))
		}
	}
	return nil
}

// CheckDomain accepts a DNS domain name for WPAD: labels of letters,
// digits, '-' and '_' (1-63 bytes each, not starting or ending with '-'),
// at most 253 bytes; one trailing dot is allowed.
func CheckDomain(d string) error {
	q := strconv.Quote(d)
	name := strings.TrimSuffix(d, ".")
	if name == "" || len(name) > 253 {
		return fmt.Errorf("%s is not a domain name", q)
	}
	for _, l := range strings.Split(name, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || !validHost(l) || strings.Contains(l, ".") {
			return fmt.Errorf("%s is not a domain name (label %s)", q, strconv.Quote(l))
		}
	}
	return nil
}
