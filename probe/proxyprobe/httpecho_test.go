package proxyprobe

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// echoOutcome is the part of an echo result the echo rule pins.
type echoOutcome struct {
	Status   report.Status
	Observed vocab.Observed
	Reason   vocab.Reason
	Strength string
}

var (
	echoClean        = echoOutcome{report.StatusPass, vocab.HTTPClean, vocab.ReasonEchoIdentical, VerdictStrong}
	echoNotResponder = echoOutcome{report.StatusWarn, vocab.HTTPClean, vocab.ReasonNotResponder, VerdictNone}
	echoRewritten    = echoOutcome{report.StatusFail, vocab.HTTPModified, vocab.ReasonHeadRewritten, VerdictStrong}
	echoAnswered     = echoOutcome{report.StatusFail, vocab.HTTPModified, vocab.ReasonProxyAnswered, VerdictStrong}
)

// answer builds the exchange of a peer answering status, headers and body.
func answer(t *testing.T, status int, header string, body []byte) exchange {
	t.Helper()
	raw := "HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n" + header +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body)
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return exchange{addr: "127.0.0.1:8080", resp: resp, body: body}
}

const echoMark = EchoHeader + ": 1\r\n"

// TestJudgeEcho is the echo rule over answers as data: a head that comes
// back as sent, token included, is never modified; only a roompath
// responder's answer (X-Roompath-Echo) can say the path rewrote it.
func TestJudgeEcho(t *testing.T) {
	u, _ := url.Parse("http://echo.lab.test:8080/")
	const token = "0123456789abcdef01234567"
	sent := BuildEchoRequest(u, token, rand.New(rand.NewPCG(1, 2)))
	same := sent.Bytes()
	rewritten := proxytest.SquidRewrite(same, "127.0.0.1")
	noToken := bytes.ReplaceAll(same, []byte(token), []byte("ffffffffffffffffffffffff"))
	tests := []struct {
		name string
		x    exchange
		want echoOutcome
	}{
		{"identical echo with token from a responder", answer(t, 200, echoMark, same), echoClean},
		{"identical head without X-Roompath-Echo", answer(t, 200, "", same), echoNotResponder},
		{"identical head, marked, but not a 200", answer(t, 203, echoMark, same), echoNotResponder},
		{"rewritten head from a responder", answer(t, 200, echoMark, rewritten), echoRewritten},
		{"rewritten head without X-Roompath-Echo", answer(t, 200, "", rewritten),
			echoOutcome{report.StatusWarn, vocab.HTTPModified, vocab.ReasonNotResponder, VerdictNone}},
		{"a proxy's block page", answer(t, 403, "Via: 1.1 squid\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\n", []byte("<html>Access Denied</html>")), echoAnswered},
		{"a plain server's 200 without the mark", answer(t, 200, "Server: nginx\r\n", []byte("ok\n")), echoAnswered},
		{"a responder's 200 that is not a head", answer(t, 200, echoMark, []byte("ok\n")),
			echoOutcome{report.StatusFail, vocab.HTTPModified, vocab.ReasonNotEchoed, VerdictStrong}},
		{"a responder's echo without the token", answer(t, 200, echoMark, noToken),
			echoOutcome{report.StatusFail, vocab.HTTPModified, vocab.ReasonTokenMissing, VerdictStrong}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &EchoDetail{Token: token, Verdict: VerdictStrong}
			r := judgeEcho(sent, tt.x, d)
			got := echoOutcome{r.Status, r.Observed, r.Reason, d.Verdict}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if r.Status != report.StatusPass && r.Hint == "" {
				t.Error("a result that does not pass needs a hint")
			}
			if r.Reason == vocab.ReasonNotResponder && !strings.Contains(r.Hint, "not a roompath responder") {
				t.Errorf("hint %q does not say the echo server is not a responder", r.Hint)
			}
		})
	}
}

// TestHTTPEchoServers runs the check against real servers on loopback:
// the responder, echo servers that are not responders, and what a proxy
// puts in their place.
func TestHTTPEchoServers(t *testing.T) {
	echoURL, _ := url.Parse("http://echo.lab.test:8080/")
	canonical := func(h []byte) []byte { return proxytest.SquidRewrite(h, "127.0.0.1") }
	tests := []struct {
		name  string
		serve func(t *testing.T) string
		want  echoOutcome
		hint  string
	}{
		{"responder", startResponder, echoClean, ""},
		{"echo server that is not a responder", func(t *testing.T) string { return start(t, proxytest.PlainEcho{}.Serve) },
			echoNotResponder, "cannot tell"},
		{"non-responder echo that re-serialises", func(t *testing.T) string { return start(t, proxytest.PlainEcho{Rewrite: canonical}.Serve) },
			echoOutcome{report.StatusWarn, vocab.HTTPModified, vocab.ReasonNotResponder, VerdictNone}, "by the echo server itself or by a proxy"},
		{"transparent proxy before a non-responder echo", func(t *testing.T) string {
			return start(t, proxytest.TransparentProxy{Upstream: start(t, proxytest.PlainEcho{}.Serve)}.Serve)
		}, echoOutcome{report.StatusWarn, vocab.HTTPModified, vocab.ReasonNotResponder, VerdictNone}, "proxy headers (Via, X-Cache)"},
		{"transparent proxy before the responder", func(t *testing.T) string {
			return start(t, proxytest.TransparentProxy{Upstream: startResponder(t)}.Serve)
		}, echoRewritten, "transparent proxy rewrites"},
		{"a proxy's block page", func(t *testing.T) string { return start(t, proxytest.BlockPage{}.Serve) }, echoAnswered, "HTTP 403"},
		{"a plain HTTP server", func(t *testing.T) string { return start(t, proxytest.Origin{}.Serve) }, echoAnswered, "HTTP 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", tt.serve(t))}}
			res := resultOf(t)(NewHTTPEcho(HTTPEchoConfig{URL: echoURL, Dialer: d, Timeout: scenarioTimeout}))
			ed := res.Detail.(*EchoDetail)
			if diff := cmp.Diff(tt.want, echoOutcome{res.Status, res.Observed, res.Reason, ed.Verdict}); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if !strings.Contains(res.Hint, tt.hint) {
				t.Errorf("hint %q lacks %q", res.Hint, tt.hint)
			}
		})
	}
}
