package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedact(t *testing.T) {
	args := []string{"proxycheck", "--proxy", "http://admin:Hunter2pw@10.0.0.1:3128", "--proxy=admin:Hunter2pw@p:8080",
		"--url", "user:s3cret@status.example/api", "-o", "json", "see https://u:p@h/x and ftp://tok@h", "alice@example.com"}
	want := []string{"proxycheck", "--proxy", "http://REDACTED@10.0.0.1:3128", "--proxy=REDACTED@p:8080",
		"--url", "REDACTED@status.example/api", "-o", "json", "see https://REDACTED@h/x and ftp://REDACTED@h", "alice@example.com"}
	got := RedactArgs(args)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RedactArgs (-want +got):\n%s", d)
	}
	for _, s := range got {
		if strings.Contains(s, "Hunter2pw") || strings.Contains(s, "s3cret") {
			t.Errorf("secret left in %q", s)
		}
	}
	for in, want := range map[string]string{
		"":                                "",
		"proxy:3128":                      "proxy:3128",
		"http://proxy:3128":               "http://proxy:3128",
		"socks5://u:p@[::1]:1080":         "socks5://REDACTED@[::1]:1080",
		"http://u:p@host:bad port":        "REDACTED",
		"dial http://u:p@h: refused (@x)": "dial http://REDACTED@h: refused (@x)",
	} {
		f := RedactURL
		if strings.Contains(in, " ") && !strings.Contains(in, "bad port") {
			f = RedactText
		}
		if got := f(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
