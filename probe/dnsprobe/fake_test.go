package dnsprobe_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// outcome is the part of a result the scenarios pin.
type outcome struct {
	Status   report.Status
	Observed vocab.Observed
	Failure  vocab.Failure
	Reason   vocab.Reason
}

// key names a result without the fake's random port: name/TYPE@ip, or
// kind@ip for the interception checks.
func key(r report.Result) string {
	id := r.ID
	if at := strings.LastIndex(id, "@"); at >= 0 {
		id = id[:at+1] + r.ReportedBy
	}
	return strings.TrimPrefix(id, "dns/")
}

func outcomes(rs []report.Result) map[string]outcome {
	out := map[string]outcome{}
	for _, r := range rs {
		o := outcome{Status: r.Status, Observed: r.Observed, Reason: r.Reason}
		if r.Failure != nil {
			o.Failure = *r.Failure
		}
		out[key(r)] = o
	}
	return out
}

// startFake starts a fake resolver for the test's lifetime.
func startFake(t testing.TB, cfg dnstest.Config) *dnstest.Server {
	t.Helper()
	s, err := dnstest.Start(cfg)
	if err != nil {
		t.Fatalf("starting fake resolver: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// quick is a config for loopback fakes: short timeout, one attempt, no
// interception checks unless a scenario turns them on.
func quick(names []string, servers ...dnsprobe.Server) dnsprobe.DNSConfig {
	return dnsprobe.DNSConfig{Names: names, Servers: servers, Timeout: 400 * time.Millisecond, Attempts: 1}
}

func srv(s *dnstest.Server, role dnsprobe.Role) dnsprobe.Server {
	return dnsprobe.Server{Addr: s.Addr, Role: role}
}

func runProbe(t testing.TB, cfg dnsprobe.DNSConfig) []report.Result {
	t.Helper()
	p, err := dnsprobe.NewDNS(cfg)
	if err != nil {
		t.Fatalf("NewDNS: %v", err)
	}
	return p.RunAll(context.Background())
}

var (
	ok        = outcome{report.StatusPass, vocab.DNSOK, "", ""}
	emptyPass = outcome{report.StatusPass, vocab.DNSNoAnswer, "", vocab.ReasonOtherTypeAnswered}
)

// scenario is one misbehaving resolver, the names asked of it and the
// outcomes it must give.
type scenario struct {
	name  string
	fake  dnstest.Config
	names []string
	tweak func(*dnsprobe.DNSConfig)
	want  map[string]outcome
}

var scenarios = []scenario{
	{
		name:  "healthy resolver",
		fake:  dnstest.Config{IP: "127.0.0.2"},
		names: []string{"zoomstatus.com", "www.zoomstatus.com", "zoom.us"},
		want: map[string]outcome{
			"zoomstatus.com/A@127.0.0.2": ok, "zoomstatus.com/AAAA@127.0.0.2": emptyPass,
			"www.zoomstatus.com/A@127.0.0.2": ok, "www.zoomstatus.com/AAAA@127.0.0.2": ok,
			"zoom.us/A@127.0.0.2": ok, "zoom.us/AAAA@127.0.0.2": ok,
		},
	},
	{
		name:  "sinkhole to 0.0.0.0 and ::",
		fake:  dnstest.Config{IP: "127.0.0.3", Mode: dnstest.Sinkhole, Sinkhole6: "::", Names: []string{"zoom.us"}},
		names: []string{"zoom.us", "zoomstatus.com"},
		want: map[string]outcome{
			"zoom.us/A@127.0.0.3":           {report.StatusFail, vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonUnspecified},
			"zoom.us/AAAA@127.0.0.3":        {report.StatusFail, vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonUnspecified},
			"zoomstatus.com/A@127.0.0.3":    ok,
			"zoomstatus.com/AAAA@127.0.0.3": emptyPass,
		},
	},
	{
		name:  "sinkhole to a private address",
		fake:  dnstest.Config{IP: "127.0.0.4", Mode: dnstest.Sinkhole, Sinkhole: "10.20.30.40"},
		names: []string{"zoom.us"},
		want: map[string]outcome{
			"zoom.us/A@127.0.0.4":    {report.StatusFail, vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonPrivate},
			"zoom.us/AAAA@127.0.0.4": {report.StatusPass, vocab.DNSNoAnswer, "", vocab.ReasonOtherTypeAnswered},
		},
	},
	{
		name:  "private answer inside --allow-net",
		fake:  dnstest.Config{IP: "127.0.0.4", Mode: dnstest.Sinkhole, Sinkhole: "10.20.30.40"},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.AllowNets = []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")} },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.4":    {report.StatusPass, vocab.DNSOK, "", vocab.ReasonAllowedNet},
			"zoom.us/AAAA@127.0.0.4": emptyPass,
		},
	},
	{
		name:  "NXDOMAIN",
		fake:  dnstest.Config{IP: "127.0.0.5", Mode: dnstest.NXDomain},
		names: []string{"zoom.us"},
		want: map[string]outcome{
			"zoom.us/A@127.0.0.5":    {report.StatusFail, vocab.DNSNXDOMAIN, vocab.FailureDNSNXDOMAIN, ""},
			"zoom.us/AAAA@127.0.0.5": {report.StatusFail, vocab.DNSNXDOMAIN, vocab.FailureDNSNXDOMAIN, ""},
		},
	},
	{
		name:  "SERVFAIL",
		fake:  dnstest.Config{IP: "127.0.0.6", Mode: dnstest.ServFail},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types = []uint16{1} },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.6": {report.StatusFail, vocab.DNSServfail, vocab.FailureDNSServfail, ""},
		},
	},
	{
		name:  "REFUSED",
		fake:  dnstest.Config{IP: "127.0.0.7", Mode: dnstest.Refused},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types = []uint16{1} },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.7": {report.StatusFail, vocab.DNSRefused, vocab.FailureDNSRefused, ""},
		},
	},
	{
		name:  "silence",
		fake:  dnstest.Config{IP: "127.0.0.8", Mode: dnstest.Silent},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types, c.Timeout = []uint16{1}, 150*time.Millisecond },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.8": {report.StatusFail, vocab.DNSTimeout, vocab.FailureTimeout, ""},
		},
	},
	{
		name:  "truncated over UDP, answered over TCP",
		fake:  dnstest.Config{IP: "127.0.0.9", Mode: dnstest.Truncate},
		names: []string{"zoom.us"},
		want:  map[string]outcome{"zoom.us/A@127.0.0.9": ok, "zoom.us/AAAA@127.0.0.9": ok},
	},
	{
		name:  "truncated over UDP, TCP closed",
		fake:  dnstest.Config{IP: "127.0.0.10", Mode: dnstest.TruncateNoTCP},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types = []uint16{1} },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.10": {report.StatusFail, vocab.DNSError, vocab.FailureEOF, vocab.ReasonTCPFallbackFailed},
		},
	},
	{
		name:  "wrong query id only",
		fake:  dnstest.Config{IP: "127.0.0.11", Mode: dnstest.WrongID},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types, c.Timeout = []uint16{1}, 150*time.Millisecond },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.11": {report.StatusFail, vocab.DNSError, vocab.FailureDNSWrongQueryID, ""},
		},
	},
	{
		name:  "wrong query id, then the right reply",
		fake:  dnstest.Config{IP: "127.0.0.12", Mode: dnstest.WrongIDThenRight},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types = []uint16{1} },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.12": {report.StatusWarn, vocab.DNSOK, vocab.FailureDNSWrongQueryID, vocab.ReasonWrongIDSeen},
		},
	},
	{
		name:  "answer from another address",
		fake:  dnstest.Config{IP: "127.0.0.13", Mode: dnstest.OtherSource, From: "127.0.0.14"},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types, c.Timeout = []uint16{1}, 150*time.Millisecond },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.13": {report.StatusFail, vocab.DNSError, vocab.FailureDNSUnexpectedSource, ""},
		},
	},
	{
		name:  "slow but within the timeout",
		fake:  dnstest.Config{IP: "127.0.0.15", Mode: dnstest.Slow, Delay: 100 * time.Millisecond},
		names: []string{"zoom.us"},
		want:  map[string]outcome{"zoom.us/A@127.0.0.15": ok, "zoom.us/AAAA@127.0.0.15": ok},
	},
	{
		name:  "slower than the timeout",
		fake:  dnstest.Config{IP: "127.0.0.16", Mode: dnstest.Slow, Delay: 400 * time.Millisecond},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types, c.Timeout = []uint16{1}, 100*time.Millisecond },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.16": {report.StatusFail, vocab.DNSTimeout, vocab.FailureTimeout, ""},
		},
	},
	{
		name:  "malformed reply",
		fake:  dnstest.Config{IP: "127.0.0.17", Mode: dnstest.Malformed},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types, c.Timeout = []uint16{1}, 150*time.Millisecond },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.17": {report.StatusFail, vocab.DNSError, vocab.FailureDNSMalformedReply, ""},
		},
	},
	{
		name:  "NXDOMAIN rewriting: a real name keeps its answer, a missing one is hijacked",
		fake:  dnstest.Config{IP: "127.0.0.18", RewriteNX: "198.105.244.11"},
		names: []string{"zoom.us", "gone.zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types, c.NXZone = []uint16{1}, "example.com" },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.18":        ok,
			"gone.zoom.us/A@127.0.0.18":   {report.StatusFail, vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite},
			"nxdomain-rewrite@127.0.0.18": {report.StatusWarn, vocab.DNSOK, vocab.FailureDNSNXDOMAINRewrite, vocab.ReasonNXDOMAINRewrite},
		},
	},
	{
		name:  "no rewriting, whoami answered",
		fake:  dnstest.Config{IP: "127.0.0.19", Whoami: "192.0.2.53"},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) {
			c.Types, c.NXZone, c.Whoami = []uint16{1}, "example.com", "whoami.akamai.net"
		},
		want: map[string]outcome{
			"zoom.us/A@127.0.0.19":        ok,
			"nxdomain-rewrite@127.0.0.19": {report.StatusPass, vocab.DNSNXDOMAIN, "", ""},
			"whoami@127.0.0.19":           {report.StatusPass, vocab.DNSOK, "", vocab.ReasonEgressDiffers},
		},
	},
	{
		name:  "interception checks not measurable",
		fake:  dnstest.Config{IP: "127.0.0.20", Mode: dnstest.Refused},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) {
			c.Types, c.NXZone, c.Whoami = []uint16{1}, "example.com", "whoami.akamai.net"
		},
		want: map[string]outcome{
			"zoom.us/A@127.0.0.20":        {report.StatusFail, vocab.DNSRefused, vocab.FailureDNSRefused, ""},
			"nxdomain-rewrite@127.0.0.20": {report.StatusSkip, vocab.DNSRefused, "", vocab.ReasonNotMeasurable},
			"whoami@127.0.0.20":           {report.StatusSkip, vocab.DNSRefused, "", vocab.ReasonNotMeasurable},
		},
	},
}

func TestDNSScenarios(t *testing.T) {
	for _, tt := range scenarios {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startFake(t, tt.fake)
			cfg := quick(tt.names, srv(s, dnsprobe.RoleResolver))
			if tt.tweak != nil {
				tt.tweak(&cfg)
			}
			got := outcomes(runProbe(t, cfg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}
