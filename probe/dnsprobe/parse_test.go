package dnsprobe

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
	"github.com/roompath/roompath/probe/vocab"
)

func TestParseDNSName(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"zoom.us", "zoom.us", false},
		{" zoom.us. ", "zoom.us.", false},
		{"_dmarc.zoom.us", "_dmarc.zoom.us", false},
		{"intranet", "intranet", false},
		{"", "", true},
		{"   ", "", true},
		{".", "", true},
		{"zoom..us", "", true},
		{".zoom.us", "", true},
		{strings.Repeat("a", 64) + ".us", "", true},
		{strings.Repeat("a", 63) + ".us", strings.Repeat("a", 63) + ".us", false},
		{strings.Repeat("a", 300), "", true},
		{strings.Repeat("abcdefghi.", 26), "", true},
		{"zoom us", "", true},
		{"zöom.us", "", true},
		{"zoom.us/a", "", true},
	}
	for _, tt := range tests {
		got, err := ParseName(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseName(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseResolver(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"10.0.0.53", "10.0.0.53:53", false},
		{"10.0.0.53:5353", "10.0.0.53:5353", false},
		{"2001:db8::53", "[2001:db8::53]:53", false},
		{"[2001:db8::53]", "[2001:db8::53]:53", false},
		{"[2001:db8::53]:5300", "[2001:db8::53]:5300", false},
		{"[fe80::1%eth0]:53", "[fe80::1%eth0]:53", false},
		{"::ffff:10.0.0.53", "10.0.0.53:53", false},
		{"300.1.1.1", "", true},
		{"300.1.1.1:53", "", true},
		{"10.0.0.53:0", "", true},
		{"10.0.0.53:70000", "", true},
		{"dns.google", "", true},
		{"", "", true},
		{"0.0.0.0", "", true},
		{"224.0.0.251", "", true},
		{"10.0.0.53:", "", true},
	}
	for _, tt := range tests {
		got, err := ParseResolver(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && got.String() != tt.want) {
			t.Errorf("ParseResolver(%q) = %v, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseDNSType(t *testing.T) {
	tests := []struct {
		in      string
		want    uint16
		wantErr bool
	}{
		{"A", dns.TypeA, false},
		{"aaaa", dns.TypeAAAA, false},
		{"HTTPS", dns.TypeHTTPS, false},
		{"TYPE65", 65, false},
		{"TYPE0", 0, true},
		{"BOGUS", 0, true},
		{"", 0, true},
		{"AXFR", 0, true},
		{"OPT", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseType(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseType(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseWhoamiType(t *testing.T) {
	tests := []struct {
		in      string
		want    uint16
		wantErr string
	}{
		{"A", dns.TypeA, ""},
		{"aaaa", dns.TypeAAAA, ""},
		{"TXT", dns.TypeTXT, ""},
		{"TYPE16", dns.TypeTXT, ""},
		{"MX", 0, "DNS type MX cannot carry a whoami answer (use A, AAAA or TXT)"},
		{"CNAME", 0, "cannot carry"},
		{"ANY", 0, "cannot carry"},
		{"AXFR", 0, "cannot be asked"},
		{"", 0, "unknown DNS type"},
	}
	for _, tt := range tests {
		got, err := ParseWhoamiType(tt.in)
		if got != tt.want || (tt.wantErr == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseWhoamiType(%q) = %d, %v; want %d, an error containing %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseAllowNet(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"10.20.0.0/16", "10.20.0.0/16", false},
		{"10.20.1.2/16", "10.20.0.0/16", false},
		{"10.20.1.2", "10.20.1.2/32", false},
		{"fd00::/8", "fd00::/8", false},
		{"10.20.0.0/33", "", true},
		{"lan", "", true},
	}
	for _, tt := range tests {
		got, err := ParseAllowNet(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && got.String() != tt.want) {
			t.Errorf("ParseAllowNet(%q) = %v, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestBogonKind(t *testing.T) {
	tests := map[string]vocab.Reason{
		"0.0.0.0": vocab.ReasonBogonUnspecified, "::": vocab.ReasonBogonUnspecified, "127.0.0.1": vocab.ReasonBogonLoopback, "::1": vocab.ReasonBogonLoopback,
		"10.1.2.3": vocab.ReasonBogonPrivate, "172.31.255.255": vocab.ReasonBogonPrivate, "192.168.1.1": vocab.ReasonBogonPrivate, "fd12::1": vocab.ReasonBogonPrivate,
		"169.254.1.1": vocab.ReasonBogonLinkLocal, "fe80::1": vocab.ReasonBogonLinkLocal, "100.64.0.1": vocab.ReasonBogonCGNAT, "100.127.255.255": vocab.ReasonBogonCGNAT,
		"224.0.0.251": vocab.ReasonBogonMulticast, "ff02::fb": vocab.ReasonBogonMulticast, "192.0.2.1": vocab.ReasonBogonReserved, "240.0.0.1": vocab.ReasonBogonReserved,
		"2001:db8::1": vocab.ReasonBogonReserved, "::ffff:10.0.0.1": vocab.ReasonBogonPrivate, "::ffff:8.8.8.8": vocab.ReasonBogonReserved,
		"170.114.52.2": "", "172.32.0.1": "", "100.128.0.1": "", "2407:30c0:182::aa72:3402": "", "64:ff9b::aa72:3402": "",
	}
	got := map[string]vocab.Reason{}
	for a := range tests {
		got[a] = BogonKind(netip.MustParseAddr(a))
	}
	if diff := cmp.Diff(tests, got); diff != "" {
		t.Errorf("BogonKind (-want +got):\n%s", diff)
	}
}

func TestPublicName(t *testing.T) {
	tests := map[string]bool{
		"zoom.us": true, "www.zoomstatus.com.": true, "intranet": false, "room.local": false,
		"nas.home.arpa": false, "dc.corp": false, "localhost": false, "zoom.us.internal": false,
	}
	got := map[string]bool{}
	for n := range tests {
		got[n] = publicName(n)
	}
	if diff := cmp.Diff(tests, got); diff != "" {
		t.Errorf("publicName (-want +got):\n%s", diff)
	}
}

func TestSearchList(t *testing.T) {
	tests := []struct {
		name   string
		search []string
		ndots  int
		want   []string
	}{
		{"zoom.us", nil, 1, []string{"zoom.us."}},
		{"zoom.us", []string{"corp.example"}, 1, []string{"zoom.us.", "zoom.us.corp.example."}},
		{"zoom.us", []string{"a.example", "b.example."}, 5, []string{"zoom.us.a.example.", "zoom.us.b.example.", "zoom.us."}},
		{"zoom.us.", []string{"corp.example"}, 5, []string{"zoom.us."}},
		{"intranet", []string{"corp.example"}, 0, []string{"intranet.", "intranet.corp.example."}},
	}
	for _, tt := range tests {
		got := searchList(tt.name, Server{Search: tt.search, Ndots: tt.ndots})
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("searchList(%q, %v, %d) (-want +got):\n%s", tt.name, tt.search, tt.ndots, diff)
		}
	}
}

func TestNewDNSRejects(t *testing.T) {
	srv := []Server{{Addr: netip.MustParseAddrPort("127.0.0.1:53")}}
	tests := []struct {
		name string
		cfg  DNSConfig
	}{
		{"no names", DNSConfig{Servers: srv}},
		{"no servers", DNSConfig{Names: []string{"zoom.us"}}},
		{"bad name", DNSConfig{Names: []string{"zoom..us"}, Servers: srv}},
		{"bad server", DNSConfig{Names: []string{"zoom.us"}, Servers: []Server{{}}}},
		{"bad nx zone", DNSConfig{Names: []string{"zoom.us"}, Servers: srv, NXZone: "a..b"}},
		{"negative timeout", DNSConfig{Names: []string{"zoom.us"}, Servers: srv, Timeout: -1}},
		{"parallel above the maximum", DNSConfig{Names: []string{"zoom.us"}, Servers: srv, Parallel: MaxParallel + 1}},
		{"whoami type MX", DNSConfig{Names: []string{"zoom.us"}, Servers: srv, Whoami: "whoami.akamai.net", WhoamiType: dns.TypeMX}},
		{"more lookups than MaxLookups", DNSConfig{Names: manyNames(MaxLookups/2 + 1), Servers: srv}},
	}
	for _, tt := range tests {
		if _, err := NewDNS(tt.cfg); err == nil {
			t.Errorf("%s: NewDNS accepted it", tt.name)
		}
	}
}
