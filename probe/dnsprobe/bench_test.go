package dnsprobe_test

import (
	"context"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/endpoints"
)

// benchRun runs the default profile's names, A and AAAA, through the given
// fakes and reports the wall time of a run in units of the timeout.
func benchRun(b *testing.B, parallel int, timeout time.Duration, fakes ...dnstest.Config) {
	var servers []dnsprobe.Server
	for _, f := range fakes {
		servers = append(servers, srv(startFake(b, f), dnsprobe.RoleResolver))
	}
	cfg := dnsprobe.DNSConfig{Names: endpoints.Default().Names(), Servers: servers, Timeout: timeout, Attempts: 1, Parallel: parallel}
	p, err := dnsprobe.NewDNS(cfg)
	if err != nil {
		b.Fatal(err)
	}
	want := p.PlanSize()
	start := time.Now()
	for b.Loop() {
		if got := len(p.RunAll(context.Background())); got != want {
			b.Fatalf("got %d results, want %d", got, want)
		}
	}
	perRun := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(want), "queries/op")
	b.ReportMetric(float64(perRun)/float64(timeout), "timeouts/op")
}

// BenchmarkDNSRunHealthy: 13 names × 2 types × 3 answering resolvers.
func BenchmarkDNSRunHealthy(b *testing.B) {
	benchRun(b, 0, time.Second, dnstest.Config{IP: "127.0.0.50"}, dnstest.Config{IP: "127.0.0.51"}, dnstest.Config{IP: "127.0.0.52"})
}

// BenchmarkDNSRunHealthySequential is the same plan one query at a time,
// the way a loop of dig would run it.
func BenchmarkDNSRunHealthySequential(b *testing.B) {
	benchRun(b, 1, time.Second, dnstest.Config{IP: "127.0.0.50"}, dnstest.Config{IP: "127.0.0.51"}, dnstest.Config{IP: "127.0.0.52"})
}

// BenchmarkDNSRunDeadResolver: the same with one of the three resolvers
// silent; timeouts/op stays near 1 (one timeout for the whole run, not one
// per name).
func BenchmarkDNSRunDeadResolver(b *testing.B) {
	benchRun(b, 0, 200*time.Millisecond, dnstest.Config{IP: "127.0.0.50"}, dnstest.Config{IP: "127.0.0.51"}, dnstest.Config{IP: "127.0.0.53", Mode: dnstest.Silent})
}

// wan is a fake resolver 20 ms away, like a cloud resolver over the WAN.
func wan(ip string) dnstest.Config {
	return dnstest.Config{IP: ip, Mode: dnstest.Slow, Delay: 20 * time.Millisecond}
}

// BenchmarkDNSRunWAN: 78 queries to resolvers 20 ms away, all at once.
func BenchmarkDNSRunWAN(b *testing.B) {
	benchRun(b, 0, time.Second, wan("127.0.0.54"), wan("127.0.0.55"), wan("127.0.0.56"))
}

// BenchmarkDNSRunWANSequential: the same one at a time (78 × 20 ms).
func BenchmarkDNSRunWANSequential(b *testing.B) {
	benchRun(b, 1, time.Second, wan("127.0.0.54"), wan("127.0.0.55"), wan("127.0.0.56"))
}
