package netpath

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseResolvConf(t *testing.T) {
	tests := []struct {
		name string
		conf string
		want ResolverConfig
	}{
		{
			name: "full",
			conf: `# generated
nameserver 10.0.0.53
nameserver fe80::1%eth0
nameserver not-an-ip
search corp.example lab.example
options ndots:2 timeout:3 attempts:9 rotate
`,
			want: ResolverConfig{
				Nameservers: []netip.Addr{netip.MustParseAddr("10.0.0.53"), netip.MustParseAddr("fe80::1%eth0")},
				Search:      []string{"corp.example", "lab.example"},
				Ndots:       2, Timeout: 3 * time.Second, Attempts: 5, Source: "resolv.conf",
				Notes: []string{`resolv.conf: nameserver "not-an-ip" ignored: not an IP address`},
			},
		},
		{
			name: "no nameserver: none, no default applied",
			conf: "search x.example\n",
			want: ResolverConfig{Search: []string{"x.example"}, Ndots: DefaultNdots, Source: "resolv.conf"},
		},
		{
			name: "last search or domain line wins; comments and bad options ignored",
			conf: "domain a.example\n; nameserver 10.9.9.9\n#nameserver 10.8.8.8\nsearch b.example\noptions ndots:-1 timeout:x attempts:0 timeout:99\nnameserver ::ffff:10.0.0.1\n",
			want: ResolverConfig{
				Nameservers: []netip.Addr{netip.MustParseAddr("::ffff:10.0.0.1")},
				Search:      []string{"b.example"}, Ndots: DefaultNdots, Timeout: 30 * time.Second, Attempts: 1, Source: "resolv.conf",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResolvConf(strings.NewReader(tt.conf), "resolv.conf")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("ParseResolvConf (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLibcNameservers(t *testing.T) {
	tests := []struct {
		name          string
		servers       []netip.Addr
		want          []string
		wantDefaulted bool
	}{
		{"listed", []netip.Addr{netip.MustParseAddr("10.0.0.53")}, []string{"10.0.0.53"}, false},
		{"none: the C library asks 127.0.0.1", nil, []string{"127.0.0.1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addrs, defaulted := ResolverConfig{Nameservers: tt.servers}.LibcNameservers()
			var got []string
			for _, a := range addrs {
				got = append(got, a.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || defaulted != tt.wantDefaulted {
				t.Errorf("LibcNameservers (-want +got):\n%s; defaulted %v, want %v", diff, defaulted, tt.wantDefaulted)
			}
		})
	}
}

func TestReadResolverConfigMissingFile(t *testing.T) {
	_, err := ReadResolverConfig("/nonexistent/resolv.conf")
	if err == nil || !strings.Contains(err.Error(), "reading the system resolver configuration") {
		t.Errorf("missing file: error %v, want one naming the system resolver configuration", err)
	}
}

func FuzzParseResolvConf(f *testing.F) {
	f.Add("nameserver 10.0.0.53\nsearch a.example\noptions ndots:3 timeout:1 attempts:2\n")
	f.Add("nameserver ::1\nnameserver bad\noptions ndots:-1 timeout:x\n")
	f.Add("search x.example\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseResolvConf(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		if addrs, _ := c.LibcNameservers(); len(addrs) == 0 {
			t.Fatal("no nameservers to ask: the C library default was not applied")
		}
		for _, a := range c.Nameservers {
			if !a.IsValid() {
				t.Fatalf("invalid nameserver %v", a)
			}
		}
		if c.Ndots < 0 || c.Ndots > 15 || c.Timeout < 0 || c.Timeout > 30*time.Second || c.Attempts < 0 || c.Attempts > 5 {
			t.Fatalf("options out of glibc's ranges: %+v", c)
		}
	})
}
