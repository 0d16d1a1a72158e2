package dnsprobe_test

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

var (
	hijacked   = outcome{report.StatusFail, vocab.DNSHijacked, vocab.FailureDNSHijacked, vocab.ReasonNXDOMAINRewrite}
	emptyByHij = outcome{report.StatusFail, vocab.DNSNoAnswer, vocab.FailureDNSNoAnswer, vocab.ReasonNXDOMAINRewrite}
	rewriteNX  = outcome{report.StatusWarn, vocab.DNSOK, vocab.FailureDNSNXDOMAINRewrite, vocab.ReasonNXDOMAINRewrite}
)

// hijackScenarios are resolvers that answer names that do not exist: a
// hijacker (every name, one address) and a rewriter (only the names it
// lacks), told apart by what the real names get.
var hijackScenarios = []scenario{
	{
		name:  "hijacker: every Zoom name is hijacked, none nxdomain",
		fake:  dnstest.Config{IP: "127.0.0.31", Mode: dnstest.Hijack, Hijack: "52.0.0.1"},
		names: []string{"zoom.us", "zoomstatus.com"},
		tweak: func(c *dnsprobe.DNSConfig) { c.NXZone = "example.com" },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.31": hijacked, "zoom.us/AAAA@127.0.0.31": emptyByHij,
			"zoomstatus.com/A@127.0.0.31": hijacked, "zoomstatus.com/AAAA@127.0.0.31": emptyByHij,
			"nxdomain-rewrite@127.0.0.31": rewriteNX,
		},
	},
	{
		name:  "hijacker with a private portal address and IPv6; whoami cannot tell the egress",
		fake:  dnstest.Config{IP: "127.0.0.32", Mode: dnstest.Hijack, Hijack6: "fd00::99:1"},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.NXZone, c.Whoami = "example.com", "whoami.akamai.net" },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.32": hijacked, "zoom.us/AAAA@127.0.0.32": hijacked,
			"nxdomain-rewrite@127.0.0.32": rewriteNX,
			"whoami@127.0.0.32":           {report.StatusSkip, vocab.DNSHijacked, "", vocab.ReasonNotMeasurable},
		},
	},
	{
		name:  "hijacker without the NX check: the private answer is all that is known",
		fake:  dnstest.Config{IP: "127.0.0.33", Mode: dnstest.Hijack},
		names: []string{"zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.Types = []uint16{1} },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.33": {report.StatusFail, vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonPrivate},
		},
	},
	{
		name:  "rewriter: real names keep their answers, a missing one is hijacked",
		fake:  dnstest.Config{IP: "127.0.0.34", RewriteNX: "198.51.100.7"},
		names: []string{"zoom.us", "zoomstatus.com", "gone.zoom.us"},
		tweak: func(c *dnsprobe.DNSConfig) { c.NXZone = "example.com" },
		want: map[string]outcome{
			"zoom.us/A@127.0.0.34": ok, "zoom.us/AAAA@127.0.0.34": ok,
			"zoomstatus.com/A@127.0.0.34": ok, "zoomstatus.com/AAAA@127.0.0.34": emptyPass,
			"gone.zoom.us/A@127.0.0.34": hijacked, "gone.zoom.us/AAAA@127.0.0.34": emptyByHij,
			"nxdomain-rewrite@127.0.0.34": rewriteNX,
		},
	},
}

func TestHijackScenarios(t *testing.T) {
	for _, tt := range hijackScenarios {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startFake(t, tt.fake)
			cfg := quick(tt.names, srv(s, dnsprobe.RoleResolver))
			tt.tweak(&cfg)
			got := outcomes(runProbe(t, cfg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAllowNetStillCompared: --allow-net exempts a private answer from
// bogon, not from the comparison with the references.
func TestAllowNetStillCompared(t *testing.T) {
	split := startFake(t, dnstest.Config{IP: "127.0.0.35", Mode: dnstest.Sinkhole, Sinkhole: "10.20.30.40", Names: []string{"zoom.us"}})
	ref := startFake(t, dnstest.Config{IP: "127.0.0.36"})
	tests := []struct {
		name  string
		allow string
		want  outcome
	}{
		{"inside --allow-net: warn", "10.20.0.0/16", outcome{report.StatusWarn, vocab.DNSMismatch, vocab.FailureDNSMismatch, vocab.ReasonAllowedNet}},
		{"outside --allow-net: bogon", "10.30.0.0/16", outcome{report.StatusFail, vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonPrivate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := quick([]string{"zoom.us"}, srv(split, dnsprobe.RoleResolver), srv(ref, dnsprobe.RoleReference))
			cfg.Types, cfg.AllowNets = []uint16{1}, []netip.Prefix{netip.MustParsePrefix(tt.allow)}
			got := outcomes(runProbe(t, cfg))
			want := map[string]outcome{"zoom.us/A@127.0.0.35": tt.want, "zoom.us/A@127.0.0.36": ok}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
		})
	}
}
