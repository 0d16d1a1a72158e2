package triagecmd

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// cloud is a loopback stand-in for the Zoom cloud: a status page, a
// resolver, and a TLS origin chained to a test root.
type cloud struct {
	statusURL, resolver, caFile, origin string
}

func startCloud(t *testing.T, kind statustest.Kind, dns dnstest.Config, intercept bool) cloud {
	t.Helper()
	c := cloud{statusURL: statustest.New(t, kind)}
	s, err := dnstest.Start(dns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	c.resolver = s.Addr.String()
	genuine := proxytest.MustCA("Roompath Test Root G2", "Roompath Test PKI")
	signer := genuine
	if intercept {
		signer = proxytest.MustCA("FortiGate CA", "Fortinet")
	}
	c.caFile = filepath.Join(t.TempDir(), "genuine.pem")
	if err := os.WriteFile(c.caFile, genuine.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxytest.TLSOrigin{CA: signer}.Serve(ln))
	c.origin = ln.Addr().String()
	return c
}

func (c cloud) args(room string, port uint16) []string {
	_, op, _ := net.SplitHostPort(c.origin)
	return []string{
		"--room", room, "--port", itoa(port), "--control-port", "0", "--timeout", "2s", "-o", "json",
		"--skip", "path",
		"--status-url", c.statusURL,
		"--resolver", c.resolver, "--cloud-host", "zoom.us",
		"--ca", c.caFile, "--proxy", "none", "--captive-url", "none",
		"--connect-to", "zoom.us:443:127.0.0.1:" + op,
	}
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }

// runTriageRaw runs triage in-process and returns its raw stdout.
func runTriageRaw(t *testing.T, args []string) (int, []byte, string) {
	t.Helper()
	var out, errb bytes.Buffer
	tool := Tool()
	tool.Vantage = func() report.Vantage { return report.Vantage{Hostname: "test"} }
	code := cli.Execute(tool, args, &out, &errb)
	return code, out.Bytes(), errb.String()
}

func runTriage(t *testing.T, args []string) (int, report.Report, string) {
	t.Helper()
	code, raw, errs := runTriageRaw(t, args)
	out := bytes.NewBuffer(raw)
	var rep report.Report
	if code != report.ExitUsage {
		reporttest.ValidateJSON(t, out.Bytes())
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
	}
	return code, rep, errs
}

func TestTriageLoopback(t *testing.T) {
	open := probetest.Open(t)
	closed := probetest.Closed(t)
	tests := []struct {
		name      string
		kind      statustest.Kind
		dns       dnstest.Config
		intercept bool
		port      uint16
		wantCode  int
		wantLayer vocab.Layer
		wantMsg   string
	}{
		{"healthy room", statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, false, open.Port(), 0, "", "TCP " + itoa(open.Port()) + " to 127.0.0.1 is open"},
		{"zoom outage comes first", statustest.Critical, dnstest.Config{IP: "127.0.0.2"}, false, closed.Port(), 1, "cloud", "Zoom's status page reports"},
		{"room port closed", statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, false, closed.Port(), 1, "transport", "refuses TCP " + itoa(closed.Port())},
		{"sinkholing resolver", statustest.Operational, dnstest.Config{IP: "127.0.0.3", Mode: dnstest.Sinkhole}, false, open.Port(), 1, "dns", "answers zoom.us with a sinkhole"},
		{"tls inspection", statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, true, open.Port(), 1, "tls", "TLS to zoom.us:443 is intercepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startCloud(t, tt.kind, tt.dns, tt.intercept)
			code, rep, errs := runTriage(t, c.args("127.0.0.1", tt.port))
			if code != tt.wantCode {
				for _, r := range rep.Results {
					t.Logf("%s %s %s/%s %v", r.Status, r.ID, r.Observed, r.Reason, r.Hint)
				}
				t.Fatalf("exit %d, want %d; stderr %s; verdict %+v", code, tt.wantCode, errs, rep.Verdict)
			}
			v := rep.Verdict
			if v == nil || v.Layer != tt.wantLayer || !strings.Contains(v.Message, tt.wantMsg) || len(v.NextSteps) == 0 {
				t.Errorf("verdict %+v, want layer %q and a message containing %q", v, tt.wantLayer, tt.wantMsg)
			}
		})
	}
}

func TestTriageBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "--room is required"},
		{[]string{"--room", "10.0.0.300"}, `--room "10.0.0.300"`},
		{[]string{"--room", "10.0.0.0/24"}, "want one address or hostname"},
		{[]string{"--room", "10.0.0.1", "--skip", "bogus"}, `--skip "bogus"`},
		{[]string{"--room", "10.0.0.1", "--room-port", "70000"}, "--room-port"},
		{[]string{"--room", "10.0.0.1", "--resolver", "300.1.1.1"}, "dnscheck"},
		{[]string{"--room", "10.0.0.1", "--echo", "ftp://x"}, "proxycheck"},
		{[]string{"--room", "10.0.0.1", "--status-url", "ftp://x"}, "status"},
		{[]string{"--room", "10.0.0.1", "--timeout", "banana"}, "banana"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := runTriage(t, tt.args)
			if code != report.ExitUsage || !strings.Contains(errs, tt.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("exit %d, stderr %q, want one line with %q", code, errs, tt.want)
			}
		})
	}
}
