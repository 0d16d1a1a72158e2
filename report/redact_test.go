package report

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/vocab"
)

func TestRedact(t *testing.T) {
	args := []string{"proxycheck", "--proxy", "http://admin:Hunter2pw@10.0.0.1:3128", "--proxy=admin:Hunter2pw@p:8080",
		"--url", "user:s3cret@status.example/api", "-o", "json", "see https://u:p@h/x and ftp://tok@h", "alice@example.com",
		"--key", "Hunter2pw", "--key=Hunter2pw", "--status-url", "u:Hunter2pw@h", "--echo=u:Hunter2pw@h:80"}
	want := []string{"proxycheck", "--proxy", "http://REDACTED@10.0.0.1:3128", "--proxy=REDACTED@p:8080",
		"--url", "REDACTED@status.example/api", "-o", "json", "see https://REDACTED@h/x and ftp://REDACTED@h", "alice@example.com",
		"--key", "REDACTED", "--key=REDACTED", "--status-url", "REDACTED@h", "--echo=REDACTED@h:80"}
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
		"kept http://user:REDACTED@h/ x":  "kept http://user:REDACTED@h/ x",
		"a http://u:p:REDACTED@h/ x":      "a http://REDACTED@h/ x",
		"b http://:REDACTED@h/ x":         "b http://REDACTED@h/ x",
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

// TestWriterRedacts: the recorded command, the free text of results and
// the verdict never carry a URL password, whatever the output format.
func TestWriterRedacts(t *testing.T) {
	const secret = "Hunter2pw"
	for _, format := range Formats {
		var buf bytes.Buffer
		enc, err := NewEncoder(format, &buf, EncoderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		w := NewWriter("proxycheck", "0.1.0", Vantage{Hostname: "h"}, enc, Options{
			Command: []string{"proxycheck", "--proxy", "admin:" + secret + "@10.0.0.1:3128", "--status-url=http://u:" + secret + "@h/"}})
		fail := vocab.Failure("unknown_failure: dial http://admin:" + secret + "@p: refused")
		w.Add(0, Result{ID: "proxy/http://admin:" + secret + "@p", Check: "proxy", Target: "http://admin:" + secret + "@p:3128",
			Status: StatusFail, Observed: "error", Failure: &fail, Hint: "proxy http://admin:" + secret + "@p refused",
			Detail: &struct {
				URL string `json:"url"`
			}{"http://user:" + secret + "@status.example/api"},
			Attempts: []Attempt{{N: 1, Observed: "error", Failure: &fail}}})
		w.SetVerdict(&Verdict{Status: StatusFail, Message: "via http://admin:" + secret + "@p", NextSteps: []string{"check https://a:" + secret + "@x"}})
		if _, err := w.Finish(false); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), secret) {
			t.Errorf("-o %s: secret in output:\n%s", format, buf.String())
		}
	}
	if os.Args[0] != "" {
		w := NewWriter("t", "0", Vantage{Hostname: "h"}, &jsonEncoder{w: &bytes.Buffer{}}, Options{})
		if d := cmp.Diff(RedactArgs(os.Args), w.Snapshot().Command); d != "" {
			t.Errorf("default command is not os.Args redacted (-want +got):\n%s", d)
		}
	}
}

// BenchmarkWriterAdd is the cost of one result through a streaming Writer,
// redaction of its free text and detail included.
func BenchmarkWriterAdd(b *testing.B) {
	enc, _ := NewEncoder("ndjson", io.Discard, EncoderOptions{})
	w := NewWriter("portcheck", "0.1.0", Vantage{Hostname: "h"}, enc, Options{Command: []string{"portcheck"}})
	res := Result{ID: "tcp/10.10.5.23:9090", Check: "tcp", Target: "10.10.5.23:9090", Status: StatusPass, Observed: "open", Reason: "syn_ack",
		Detail: map[string]any{"icmp": map[string]any{"type": 3, "code": 13, "from": "10.0.30.2"}}}
	for i := 0; b.Loop(); i++ {
		w.Add(i, res)
	}
}

type cleanDetail struct{ Address string }

func (d *cleanDetail) CredentialFree() bool { return !strings.Contains(d.Address, "@") }

// TestRedactSkipsCredentialFreeDetail: a detail that says it holds no "@"
// is not marshalled to look (no allocation per result), while one that
// does hold a credential is still redacted.
func TestRedactSkipsCredentialFreeDetail(t *testing.T) {
	res := Result{ID: "tcp/10.0.0.1:9090", Target: "10.0.0.1:9090", Hint: "Nothing answered.", Detail: &cleanDetail{Address: "10.0.0.1"}}
	if n := testing.AllocsPerRun(100, func() { r := res; redactResult(&r) }); n != 0 {
		t.Errorf("redacting a credential-free result: %v allocations, want 0", n)
	}
	dirty := Result{Detail: &cleanDetail{Address: "http://u:Hunter2pw@p"}}
	redactResult(&dirty)
	if b, _ := json.Marshal(dirty.Detail); strings.Contains(string(b), "Hunter2pw") {
		t.Errorf("a detail holding a credential kept it: %s", b)
	}
}
