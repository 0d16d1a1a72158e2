package dnsprobe_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// dnsLab is a routed path: client — router — resolvers, with the router's
// nftables doing what firewalls do to DNS.
//
//	client 10.99.41.2 ── 10.99.41.1 router 10.99.42.1 ── resolvers 10.99.42.53–57
//
// .53 is a real resolver the router transparently redirects (DNAT) to .54,
// a DNS filter that sinkholes zoom.us; .55 truncates over UDP and the
// router resets TCP 53 to it; .56 is rejected with ICMP admin-prohibited;
// .57 is the control, untouched.
const dnsLabRules = `
table inet dnslab {
	chain dnsnat {
		type nat hook prerouting priority dstnat;
		ip daddr 10.99.42.53 meta l4proto { udp, tcp } th dport 53 dnat ip to 10.99.42.54
	}
	chain dnsfilter {
		type filter hook forward priority filter;
		ip daddr 10.99.42.55 tcp dport 53 reject with tcp reset
		ip daddr 10.99.42.56 udp dport 53 reject with icmp type admin-prohibited
	}
}
`

// labWant are the outcomes of the lab, per resolver.
var labWant = map[string]outcome{
	// Interception: the answer is the filter's sinkhole, and whoami
	// shows that .54, not .53, resolved.
	"zoom.us/A@10.99.42.53": {report.StatusFail, vocab.DNSBogon, vocab.FailureDNSBogon, vocab.ReasonBogonUnspecified},
	"whoami@10.99.42.53":    {report.StatusPass, vocab.DNSOK, "", vocab.ReasonEgressDiffers},
	// TCP 53 reset on the path: the truncated answer cannot be had.
	"zoom.us/A@10.99.42.55": {report.StatusFail, vocab.DNSError, vocab.FailureConnectionRefused, vocab.ReasonTCPFallbackFailed},
	"whoami@10.99.42.55":    {report.StatusSkip, vocab.DNSError, "", vocab.ReasonNotMeasurable},
	// ICMP admin-prohibited from the router: at once, not a timeout.
	"zoom.us/A@10.99.42.56": {report.StatusFail, vocab.DNSError, vocab.FailureHostUnreachable, ""},
	"whoami@10.99.42.56":    {report.StatusSkip, vocab.DNSError, "", vocab.ReasonNotMeasurable},
	// Control.
	"zoom.us/A@10.99.42.57": {report.StatusPass, vocab.DNSOK, "", ""},
	"whoami@10.99.42.57":    {report.StatusPass, vocab.DNSOK, "", vocab.ReasonEgressSame},
}

func TestDNSThroughRouterLab(t *testing.T) {
	nslab.Need(t)
	lab, err := nslab.New()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	client, router, resolvers := addNS(t, lab, "client"), addNS(t, lab, "router"), addNS(t, lab, "resolvers")
	must(t, lab.Link(client, "c0", []string{"10.99.41.2/24"}, router, "r0", []string{"10.99.41.1/24"}))
	must(t, lab.Link(router, "r1", []string{"10.99.42.1/24"}, resolvers, "d0",
		[]string{"10.99.42.53/24", "10.99.42.54/24", "10.99.42.55/24", "10.99.42.57/24"}))
	must(t, client.Route("default", "10.99.41.1"))
	must(t, resolvers.Route("default", "10.99.42.1"))
	must(t, router.EnableForwarding())
	must(t, router.Nft(dnsLabRules))

	labFake(t, resolvers, "10.99.42.53", dnstest.Config{})
	labFake(t, resolvers, "10.99.42.54", dnstest.Config{Mode: dnstest.Sinkhole, Names: []string{"zoom.us"}})
	labFake(t, resolvers, "10.99.42.55", dnstest.Config{Mode: dnstest.Truncate})
	labFake(t, resolvers, "10.99.42.57", dnstest.Config{})

	var servers []dnsprobe.Server
	for _, a := range []string{"10.99.42.53", "10.99.42.55", "10.99.42.56", "10.99.42.57"} {
		ap, _ := dnsprobe.ParseResolver(a)
		servers = append(servers, dnsprobe.Server{Addr: ap})
	}
	cfg := dnsprobe.DNSConfig{
		Names: []string{"zoom.us"}, Types: []uint16{dns.TypeA}, Servers: servers,
		Timeout: 2 * time.Second, Attempts: 1, Whoami: "whoami.akamai.net",
	}
	p, err := dnsprobe.NewDNSWithSockets(cfg, client.ListenPacket, client.Dial)
	if err != nil {
		t.Fatal(err)
	}
	rs := p.RunAll(context.Background())
	got := outcomes(rs)
	if diff := cmp.Diff(labWant, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	for _, r := range rs {
		if r.ID == "dns/whoami@10.99.42.53" {
			if eg := r.Detail.(*dnsprobe.WhoamiDetail).Egress; len(eg) != 1 || eg[0] != "10.99.42.54" {
				t.Errorf("whoami egress for 10.99.42.53 = %v, want the interceptor 10.99.42.54", eg)
			}
		}
		if r.ID == "dns/zoom.us/A@10.99.42.56" && r.DurationMS > 1000 {
			t.Logf("admin-prohibited took %.0f ms: ICMP errors may not be reported on this kernel", r.DurationMS)
		}
	}
}

func addNS(t *testing.T, lab *nslab.Lab, role string) *nslab.NS {
	t.Helper()
	ns, err := lab.AddNS(role)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// labFake serves a fake resolver on ip:53 inside ns.
func labFake(t *testing.T, ns *nslab.NS, ip string, cfg dnstest.Config) {
	t.Helper()
	pc, err := ns.ListenPacket("udp", ip+":53")
	must(t, err)
	ln, err := ns.Listen("tcp", ip+":53")
	must(t, err)
	cfg.PacketConn, cfg.Listener = pc, ln
	s, err := dnstest.Start(cfg)
	must(t, err)
	t.Cleanup(s.Close)
}
