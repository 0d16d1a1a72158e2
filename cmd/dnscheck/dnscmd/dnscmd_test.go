package dnscmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// fixedVantage keeps the tests off the host's configuration.
func fixedVantage() report.Vantage { return report.Vantage{Hostname: "test", OS: "linux"} }

// execute runs the tool as a user would, with the system configuration
// read from resolvConf (never the host's in tests).
func execute(t *testing.T, resolvConf string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	tool := newTool(resolvConf)
	tool.Vantage = fixedVantage
	var out, errb bytes.Buffer
	code = cli.Execute(tool, args, &out, &errb)
	return code, out.String(), errb.String()
}

func fake(t *testing.T, cfg dnstest.Config) string {
	t.Helper()
	s, err := dnstest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s.Addr.String()
}

// noResolvConf is a path that does not exist: a test that forgets
// --resolver fails instead of asking the host's resolvers.
const noResolvConf = "/nonexistent/resolv.conf"

type row struct {
	ID       string
	Status   report.Status
	Observed vocab.Observed
}

func decode(t *testing.T, stdout string) (report.Report, []row) {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("output is not the JSON envelope: %v\n%s", err, stdout)
	}
	var rows []row
	for _, r := range rep.Results {
		rows = append(rows, row{r.ID, r.Status, r.Observed})
	}
	return rep, rows
}

func TestHealthyExitsZero(t *testing.T) {
	a := fake(t, dnstest.Config{IP: "127.0.0.40"})
	code, out, errs := execute(t, noResolvConf, "-o", "json", "--resolver", a, "--timeout", "500ms", "zoomstatus.com", "zoom.us")
	if code != report.ExitOK {
		t.Fatalf("exit %d, want 0; stderr: %s", code, errs)
	}
	rep, rows := decode(t, out)
	want := []row{
		{"dns/zoomstatus.com/A@" + a, report.StatusPass, "ok"},
		{"dns/zoomstatus.com/AAAA@" + a, report.StatusPass, "no_answer"},
		{"dns/zoom.us/A@" + a, report.StatusPass, "ok"},
		{"dns/zoom.us/AAAA@" + a, report.StatusPass, "ok"},
		{"dns/nxdomain-rewrite@" + a, report.StatusPass, "nxdomain"},
		{"dns/whoami@" + a, report.StatusPass, "ok"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if rep.Tool != Name || rep.Summary.Pass != 6 || rep.Results[0].Check != "dns" || rep.Results[0].Layer != "dns" {
		t.Errorf("envelope: tool %q, summary %+v, check %q, layer %q", rep.Tool, rep.Summary, rep.Results[0].Check, rep.Results[0].Layer)
	}
	if rep.Results[0].Failure != nil || rep.Results[0].Operation != nil || rep.Results[0].RTTMS == nil {
		t.Errorf("a pass has failure %v, operation %v, rtt %v", rep.Results[0].Failure, rep.Results[0].Operation, rep.Results[0].RTTMS)
	}
}

func TestSinkholeExitsOne(t *testing.T) {
	good := fake(t, dnstest.Config{IP: "127.0.0.41"})
	sink := fake(t, dnstest.Config{IP: "127.0.0.42", Mode: dnstest.Sinkhole, Names: []string{"zoom.us"}})
	code, out, _ := execute(t, noResolvConf, "-o", "json", "--resolver", sink, "--reference", good,
		"--type", "A", "--nx-zone=", "--whoami=", "zoom.us", "zoomstatus.com")
	if code != report.ExitFail {
		t.Fatalf("exit %d, want 1", code)
	}
	rep, rows := decode(t, out)
	want := []row{
		{"dns/zoom.us/A@" + sink, report.StatusFail, "bogon"},
		{"dns/zoom.us/A@" + good, report.StatusPass, "ok"},
		{"dns/zoomstatus.com/A@" + sink, report.StatusPass, "ok"},
		{"dns/zoomstatus.com/A@" + good, report.StatusPass, "ok"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	bad := rep.Results[0]
	if bad.Failure == nil || *bad.Failure != "dns_bogon_error" || *bad.Operation != "dns_round_trip" || !strings.Contains(bad.Hint, "0.0.0.0") {
		t.Errorf("sinkhole result: failure %v, operation %v, hint %q", bad.Failure, bad.Operation, bad.Hint)
	}
	if bad.ReportedBy != "127.0.0.42" {
		t.Errorf("reported_by %q, want the resolver's IP", bad.ReportedBy)
	}
}

func TestBadInputExitsTwo(t *testing.T) {
	long := strings.Repeat("a", 300)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"resolver out of range", []string{"--resolver", "300.1.1.1", "zoom.us"}, `"300.1.1.1"`},
		{"resolver host name", []string{"--resolver", "dns.google", "zoom.us"}, `"dns.google"`},
		{"reference out of range", []string{"--resolver", "127.0.0.1", "--reference", "1.2.3.256", "zoom.us"}, `"1.2.3.256"`},
		{"empty name", []string{"--resolver", "127.0.0.1", ""}, "empty name"},
		{"300-character label", []string{"--resolver", "127.0.0.1", long + ".zoom.us"}, "at most 63"},
		{"unknown type", []string{"--resolver", "127.0.0.1", "--type", "BOGUS", "zoom.us"}, `"BOGUS"`},
		{"bad allow-net", []string{"--resolver", "127.0.0.1", "--allow-net", "10.0.0.0/40", "zoom.us"}, `"10.0.0.0/40"`},
		{"zero attempts", []string{"--resolver", "127.0.0.1", "--attempts", "0", "zoom.us"}, "--attempts"},
		{"zero parallel", []string{"--resolver", "127.0.0.1", "--parallel", "0", "zoom.us"}, "--parallel must be 1-4096, got 0"},
		{"negative parallel", []string{"--resolver", "127.0.0.1", "--parallel", "-1", "zoom.us"}, "--parallel must be 1-4096, got -1"},
		{"huge parallel", []string{"--resolver", "127.0.0.1", "--parallel", "100000", "zoom.us"}, "--parallel must be 1-4096, got 100000"},
		{"too many attempts", []string{"--resolver", "127.0.0.1", "--attempts", "11", "zoom.us"}, "--attempts must be between 1 and 10, got 11"},
		{"large edns size", []string{"--resolver", "127.0.0.1", "--edns-size", "70000", "zoom.us"}, "--edns-size must be 0 (no EDNS) or between 512 and 65535, got 70000"},
		{"timeout 1ns", []string{"--resolver", "127.0.0.1", "--timeout", "1ns", "zoom.us"}, "--timeout 1ns is below the minimum 10ms"},
		{"timeout 999999h", []string{"--resolver", "127.0.0.1", "--timeout", "999999h", "zoom.us"}, "--timeout 999999h0m0s is above the maximum 10m0s"},
		{"whoami type MX", []string{"--resolver", "127.0.0.1", "--whoami-type", "MX", "zoom.us"}, "--whoami-type: DNS type MX cannot carry a whoami answer (use A, AAAA or TXT)"},
		{"whoami type CNAME", []string{"--resolver", "127.0.0.1", "--whoami-type", "cname", "zoom.us"}, "--whoami-type: DNS type CNAME cannot carry"},
		{"whoami type AXFR", []string{"--resolver", "127.0.0.1", "--whoami-type", "AXFR", "zoom.us"}, "--whoami-type: DNS type AXFR cannot be asked"},
		{"too many lookups", tooManyLookups(), "refusing to plan 257 names x 2 types x 128 resolvers: more than 65536 lookups"},
		{"allow-net with a zone", []string{"--resolver", "127.0.0.1", "--allow-net", "fe80::1%eth0", "zoom.us"}, `--allow-net: network "fe80::1%eth0"`},
		{"empty whoami type", []string{"--resolver", "127.0.0.1", "--whoami-type=", "zoom.us"}, `--whoami-type: unknown DNS type ""`},
		{"empty type", []string{"--resolver", "127.0.0.1", "--type=", "zoom.us"}, "--type: no type given"},
		{"small edns size", []string{"--resolver", "127.0.0.1", "--edns-size", "-1", "zoom.us"}, "--edns-size must be 0 (no EDNS)"},
		{"unknown flag", []string{"--resolvr", "127.0.0.1"}, "resolvr"},
		{"no system config", []string{"zoom.us"}, "--resolver"},
		{"missing profile", []string{"--resolver", "127.0.0.1", "--profile", "/nonexistent.yaml"}, "profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := execute(t, noResolvConf, tt.args...)
			if code != report.ExitUsage {
				t.Fatalf("exit %d, want 2", code)
			}
			if lines := strings.Count(strings.TrimSpace(errs), "\n") + 1; lines != 1 || !strings.Contains(errs, tt.want) {
				t.Errorf("stderr should be one line naming %s, got %q", tt.want, errs)
			}
			if out != "" {
				t.Errorf("stdout should be empty on a usage error, got %q", out)
			}
		})
	}
}

// tooManyLookups is a command line planning 257 names x 2 types x 128
// resolvers: just above dnsprobe.MaxLookups.
func tooManyLookups() []string {
	var args []string
	for i := 1; i <= 128; i++ {
		args = append(args, "--resolver", "127.0.0.1:"+strconv.Itoa(i))
	}
	for i := 0; i < 257; i++ {
		args = append(args, "n"+strconv.Itoa(i)+".zoom.us")
	}
	return args
}

func TestSystemResolversWithSearchList(t *testing.T) {
	// resolv.conf has no port syntax: the fake must listen on port 53 of
	// its own loopback address, which needs root (CI is root).
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(conf, []byte("nameserver 127.0.0.44\nsearch rooms.example\noptions ndots:1 timeout:1 attempts:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := dnstest.Start(dnstest.Config{IP: "127.0.0.44", Port: 53, Zone: dnstest.NewZone("room1.rooms.example. 60 IN A 10.10.5.23")})
	if err != nil {
		t.Skipf("port 53 on 127.0.0.44 not available (%v): resolv.conf has no port syntax", err)
	}
	defer s.Close()
	code, out, errs := execute(t, conf, "-o", "json", "--type", "A", "--nx-zone=", "--whoami=", "room1")
	if code != report.ExitOK {
		t.Fatalf("exit %d, want 0; stderr %s; stdout %s", code, errs, out)
	}
	rep, _ := decode(t, out)
	d, _ := json.Marshal(rep.Results[0].Detail)
	var detail struct {
		Role  string `json:"role"`
		QName string `json:"qname"`
	}
	_ = json.Unmarshal(d, &detail)
	if detail.Role != "system" || detail.QName != "room1.rooms.example." || rep.Results[0].ID != "dns/room1/A@127.0.0.44" {
		t.Errorf("got id %s, role %q, qname %q; want the system resolver and the searched name", rep.Results[0].ID, detail.Role, detail.QName)
	}
}

func TestProfileFlag(t *testing.T) {
	a := fake(t, dnstest.Config{IP: "127.0.0.45"})
	prof := filepath.Join(t.TempDir(), "zoom.yaml")
	yaml := "endpoints:\n  - name: zoom.us\n    role: web\n    https: true\n  - name: www.zoomstatus.com\n    role: status\n    https: true\n"
	if err := os.WriteFile(prof, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := execute(t, noResolvConf, "-o", "json", "--resolver", a, "--profile", prof, "--type", "A", "--nx-zone=", "--whoami=")
	if code != report.ExitOK {
		t.Fatalf("exit %d; stderr %s", code, errs)
	}
	_, rows := decode(t, out)
	var targets []string
	for _, r := range rows {
		targets = append(targets, r.ID)
	}
	sort.Strings(targets)
	want := []string{"dns/www.zoomstatus.com/A@" + a, "dns/zoom.us/A@" + a}
	if diff := cmp.Diff(want, targets); diff != "" {
		t.Errorf("profile names (-want +got):\n%s", diff)
	}
}

func TestDefaultNamesAreTheProfile(t *testing.T) {
	a := fake(t, dnstest.Config{IP: "127.0.0.46"})
	code, out, errs := execute(t, noResolvConf, "-o", "json", "--resolver", a, "--nx-zone=", "--whoami=")
	if code != report.ExitOK {
		t.Fatalf("exit %d; stderr %s", code, errs)
	}
	rep, _ := decode(t, out)
	seen := map[string]bool{}
	for _, r := range rep.Results {
		seen[r.Target] = true
	}
	for _, n := range []string{"zoomstatus.com", "www.zoomstatus.com", "zoom.us", "www.zoom.us"} {
		if !seen[n] {
			t.Errorf("default names lack %s", n)
		}
	}
}

func TestHelpListsEveryFlagAndTheProfile(t *testing.T) {
	code, _, errs := execute(t, noResolvConf, "--help")
	if code != report.ExitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, s := range []string{"--resolver", "--reference", "--type", "--attempts", "--tcp", "--dnssec", "--edns-size", "--allow-net", "--profile", "--nx-zone", "--whoami", "--whoami-type", "--no-search", "--parallel", "--timeout", "--output", "probe/endpoints/zoom.yaml", "zoomstatus.com"} {
		if !strings.Contains(errs, s) {
			t.Errorf("--help does not mention %s", s)
		}
	}
}

func TestFlagZerosKeepTheirMeaning(t *testing.T) {
	var o Options
	fs := Flags(&o)
	if err := fs.Parse([]string{"--resolver", "127.0.0.1", "--edns-size", "0", "--nx-zone=", "--whoami=", "--type", "A"}); err != nil {
		t.Fatal(err)
	}
	d, err := o.dnsOptions([]string{"zoom.us"}, fs.Changed, noResolvConf)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := d.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.EDNSSize != -1 || cfg.NXZone != "" || cfg.Whoami != "" || cfg.Parallel != 512 || cfg.Attempts != 2 {
		t.Errorf("edns %d, nx-zone %q, whoami %q, parallel %d, attempts %d; want no EDNS, both checks off, the defaults",
			cfg.EDNSSize, cfg.NXZone, cfg.Whoami, cfg.Parallel, cfg.Attempts)
	}
}
