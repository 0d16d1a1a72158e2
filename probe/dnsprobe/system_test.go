package dnsprobe

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
)

func TestSystemFrom(t *testing.T) {
	search := []string{"corp.example", "lab.example"}
	tests := []struct {
		name string
		conf string
		want System
	}{
		{
			name: "nameservers with search list and options",
			conf: `# generated
nameserver 10.0.0.53
nameserver fe80::1%eth0
nameserver ::ffff:10.0.0.54
nameserver not-an-ip
search corp.example lab.example
options ndots:2 timeout:3 attempts:9 rotate
`,
			want: System{
				Servers: []Server{
					{Addr: netip.MustParseAddrPort("10.0.0.53:53"), Role: RoleSystem, Search: search, Ndots: 2},
					{Addr: netip.MustParseAddrPort("[fe80::1%eth0]:53"), Role: RoleSystem, Search: search, Ndots: 2},
					{Addr: netip.MustParseAddrPort("10.0.0.54:53"), Role: RoleSystem, Search: search, Ndots: 2},
				},
				Timeout: 3e9, Attempts: 5, Source: "resolv.conf",
				Notes: []string{`resolv.conf: nameserver "not-an-ip" ignored: not an IP address`},
			},
		},
		{
			name: "no nameserver: 127.0.0.1, as the C library asks, with a note",
			conf: "search x.example\n",
			want: System{
				Servers: []Server{{Addr: netip.MustParseAddrPort("127.0.0.1:53"), Role: RoleSystem, Search: []string{"x.example"}, Ndots: 1}},
				Source:  "resolv.conf",
				Notes:   []string{"resolv.conf lists no nameserver: asking 127.0.0.1, as the C library does"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := netpath.ParseResolvConf(strings.NewReader(tt.conf), "resolv.conf")
			if err != nil {
				t.Fatal(err)
			}
			got := SystemFrom(c)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
				t.Errorf("SystemFrom (-want +got):\n%s", diff)
			}
		})
	}
}
