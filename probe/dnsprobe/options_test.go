package dnsprobe

import (
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/endpoints"
)

func TestOptionsZeroFieldsAreTheDefaults(t *testing.T) {
	got, notes, err := Options{Resolvers: []string{"10.0.0.53"}}.Config()
	if err != nil {
		t.Fatal(err)
	}
	want := DNSConfig{
		Names: endpoints.Default().Names(), Types: []uint16{dns.TypeA, dns.TypeAAAA},
		Servers: []Server{{Addr: netip.MustParseAddrPort("10.0.0.53:53"), Role: RoleResolver}},
		Timeout: DefaultTimeout, Attempts: DefaultAttempts, EDNSSize: DefaultEDNSSize,
		NXZone: DefaultNXZone, Whoami: DefaultWhoami, WhoamiType: dns.TypeA, Parallel: DefaultParallel,
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" || notes != nil {
		t.Errorf("Config of zero options (-want +got):\n%s\nnotes %v", diff, notes)
	}
}

// summary is what TestOptionsConfig pins of a DNSConfig; servers as
// "ADDR ROLE SEARCH".
type summary struct {
	Names      []string
	Types      []uint16
	Servers    []string
	Timeout    time.Duration
	Attempts   int
	EDNSSize   int
	NXZone     string
	Whoami     string
	WhoamiType uint16
}

func TestOptionsConfig(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(conf, []byte("nameserver 10.0.0.53\nsearch rooms.example\noptions timeout:1 attempts:4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := []string{"10.0.0.53"}
	tests := []struct {
		name string
		o    Options
		want summary
	}{
		{
			name: "names deduplicated, types too, references after resolvers",
			o: Options{Names: []string{"zoom.us", " zoom.us ", "www.zoom.us"}, Types: []string{"a", "TXT", "A"},
				Resolvers: []string{"10.0.0.53", "10.0.0.53:53"}, References: []string{"10.0.0.53", "1.1.1.1"}},
			want: summary{Names: []string{"zoom.us", "www.zoom.us"}, Types: []uint16{dns.TypeA, dns.TypeTXT},
				Servers: []string{"10.0.0.53:53 resolver", "1.1.1.1:53 reference"}, Timeout: DefaultTimeout, Attempts: DefaultAttempts,
				EDNSSize: DefaultEDNSSize, NXZone: DefaultNXZone, Whoami: DefaultWhoami, WhoamiType: dns.TypeA},
		},
		{
			name: "checks off, no EDNS, explicit values",
			o: Options{Names: []string{"zoom.us"}, Resolvers: res, NoEDNS: true, NoNXZone: true, NoWhoami: true,
				Timeout: time.Second, Attempts: 3, WhoamiType: "TXT"},
			want: summary{Names: []string{"zoom.us"}, Types: []uint16{dns.TypeA, dns.TypeAAAA}, Servers: []string{"10.0.0.53:53 resolver"},
				Timeout: time.Second, Attempts: 3, EDNSSize: -1, WhoamiType: dns.TypeTXT},
		},
		{
			name: "system resolvers: resolv.conf's timeout and attempts where not set",
			o:    Options{Names: []string{"room1"}, ResolvConf: conf, Timeout: 5 * time.Second, Attempts: 2, Types: []string{"A"}},
			want: summary{Names: []string{"room1"}, Types: []uint16{dns.TypeA}, Servers: []string{"10.0.0.53:53 system rooms.example"},
				Timeout: time.Second, Attempts: 4, EDNSSize: DefaultEDNSSize, NXZone: DefaultNXZone, Whoami: DefaultWhoami, WhoamiType: dns.TypeA},
		},
		{
			name: "system resolvers: the user's timeout and attempts stand; no search",
			o: Options{Names: []string{"room1"}, ResolvConf: conf, Timeout: 5 * time.Second, TimeoutSet: true, Attempts: 2, AttemptsSet: true,
				Types: []string{"A"}, NoSearch: true},
			want: summary{Names: []string{"room1"}, Types: []uint16{dns.TypeA}, Servers: []string{"10.0.0.53:53 system"},
				Timeout: 5 * time.Second, Attempts: 2, EDNSSize: DefaultEDNSSize, NXZone: DefaultNXZone, Whoami: DefaultWhoami, WhoamiType: dns.TypeA},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := tt.o.Config()
			if err != nil {
				t.Fatal(err)
			}
			got := summary{cfg.Names, cfg.Types, nil, cfg.Timeout, cfg.Attempts, cfg.EDNSSize, cfg.NXZone, cfg.Whoami, cfg.WhoamiType}
			for _, s := range cfg.Servers {
				got.Servers = append(got.Servers, strings.TrimSpace(s.Addr.String()+" "+string(s.Role)+" "+strings.Join(s.Search, ",")))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Config (-want +got):\n%s", diff)
			}
		})
	}
}

// manyNames is n distinct valid names.
func manyNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "n" + strconv.Itoa(i) + ".zoom.us"
	}
	return out
}

func TestOptionsErrorsNameTheBadValue(t *testing.T) {
	res := []string{"127.0.0.1"}
	n := []string{"zoom.us"}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"resolver out of range", Options{Names: n, Resolvers: []string{"300.1.1.1"}}, `--resolver: resolver "300.1.1.1"`},
		{"reference host name", Options{Names: n, Resolvers: res, References: []string{"dns.google"}}, `--reference: resolver "dns.google"`},
		{"empty name", Options{Names: []string{""}, Resolvers: res}, "bad name: empty name"},
		{"unknown type", Options{Names: n, Resolvers: res, Types: []string{"BOGUS"}}, `--type: unknown DNS type "BOGUS"`},
		{"no type", Options{Names: n, Resolvers: res, Types: []string{}}, "--type: no type given"},
		{"bad allow-net", Options{Names: n, Resolvers: res, AllowNets: []string{"10.0.0.0/40"}}, `--allow-net: network "10.0.0.0/40"`},
		{"attempts set to zero", Options{Names: n, Resolvers: res, AttemptsSet: true}, "--attempts must be between 1 and 10, got 0"},
		{"too many attempts", Options{Names: n, Resolvers: res, Attempts: 11}, "--attempts must be between 1 and 10, got 11"},
		{"small EDNS size", Options{Names: n, Resolvers: res, EDNSSize: 100}, "--edns-size must be 0 (no EDNS) or between 512 and 65535, got 100"},
		{"negative parallel", Options{Names: n, Resolvers: res, Parallel: -1}, "--parallel must be 1-4096, got -1"},
		{"parallel above the maximum", Options{Names: n, Resolvers: res, Parallel: 4097}, "--parallel must be 1-4096, got 4097"},
		{"whoami type MX", Options{Names: n, Resolvers: res, WhoamiType: "MX"}, "--whoami-type: DNS type MX cannot carry a whoami answer"},
		{"too many lookups", Options{Names: manyNames(32769), Resolvers: res}, "refusing to plan 32769 names x 2 types x 1 resolvers: more than 65536 lookups"},
		{"bad nx zone", Options{Names: n, Resolvers: res, NXZone: "a..b"}, "--nx-zone: name"},
		{"bad whoami type", Options{Names: n, Resolvers: res, WhoamiType: "AXFR"}, "--whoami-type: DNS type AXFR"},
		{"names and profile", Options{Names: n, Resolvers: res, Profile: "x.yaml"}, "--profile and NAME arguments do not mix"},
		{"missing profile", Options{Resolvers: res, Profile: "/nonexistent.yaml"}, "--profile: "},
		{"no system configuration", Options{Names: n, ResolvConf: "/nonexistent/resolv.conf"}, "(or pass --resolver ADDR)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.o.Config()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Config error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
