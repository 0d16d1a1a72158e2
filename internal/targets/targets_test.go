package targets

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{in: "10.10.5.23", want: Spec{Kind: KindAddr, First: a("10.10.5.23"), Last: a("10.10.5.23")}},
		{in: "10.10.5.23:2244", want: Spec{Kind: KindAddr, First: a("10.10.5.23"), Last: a("10.10.5.23"), Port: 2244}},
		{in: "2001:db8::1", want: Spec{Kind: KindAddr, First: a("2001:db8::1"), Last: a("2001:db8::1")}},
		{in: "[2001:db8::1]:9090", want: Spec{Kind: KindAddr, First: a("2001:db8::1"), Last: a("2001:db8::1"), Port: 9090}},
		{in: "[2001:db8::1]", want: Spec{Kind: KindAddr, First: a("2001:db8::1"), Last: a("2001:db8::1")}},
		{in: "room-1.example.com", want: Spec{Kind: KindHost, Host: "room-1.example.com"}},
		{in: "room-1.example.com.:9090", want: Spec{Kind: KindHost, Host: "room-1.example.com", Port: 9090}},
		{in: "10.0.0.0/30", want: Spec{Kind: KindPrefix, First: a("10.0.0.0"), Last: a("10.0.0.3")}},
		{in: "10.0.0.77/24", want: Spec{Kind: KindPrefix, First: a("10.0.0.0"), Last: a("10.0.0.255")}},
		{in: "2001:db8::/126", want: Spec{Kind: KindPrefix, First: a("2001:db8::"), Last: a("2001:db8::3")}},
		{in: "10.0.0.10-40", want: Spec{Kind: KindRange, First: a("10.0.0.10"), Last: a("10.0.0.40")}},
		{in: "10.0.0.250-10.0.1.5", want: Spec{Kind: KindRange, First: a("10.0.0.250"), Last: a("10.0.1.5")}},
		{in: "2001:db8::10-1f", want: Spec{Kind: KindRange, First: a("2001:db8::10"), Last: a("2001:db8::1f")}},
		{in: "10.0.0.300", wantErr: `invalid address "10.0.0.300"`},
		{in: "10.0.0.1:70000", wantErr: `invalid port "70000"`},
		{in: "10.0.0.1:0", wantErr: `invalid port "0"`},
		{in: "10.0.0.40-10", wantErr: "end before start"},
		{in: "10.0.0.1-300", wantErr: "not an address or an octet"},
		{in: "10.0.0.1-2001:db8::1", wantErr: "mixed address families"},
		{in: "10.0.0.0/33", wantErr: `invalid CIDR "10.0.0.0/33"`},
		{in: "", wantErr: "empty target"},
		{in: "bad_host!", wantErr: "has character"},
		{in: "-lead.example", wantErr: "hyphen"},
		{in: strings.Repeat("a", 64) + ".example", wantErr: "1-63 characters"},
		{in: "host.123", wantErr: "last label is numeric"},
		{in: "[2001:db8::1", wantErr: "invalid target"},
		{in: "fe80::1%nonexist", wantErr: `invalid target "fe80::1%nonexist": zone "nonexist" names no interface of this host`},
		{in: "[fe80::1%nonexist]:9090", wantErr: `zone "nonexist" names no interface`},
		{in: "fe80::1%nonexist-ff", wantErr: `zone "nonexist" names no interface`},
		{in: "fe80::1%99999999", wantErr: `zone "99999999" names no interface`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans lines: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Raw = tt.in
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestParseZoneOfARealInterface accepts zones that name an interface of
// this host, by name and by index.
func TestParseZoneOfARealInterface(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		t.Skipf("no interfaces to name: %v", err)
	}
	for _, z := range []string{ifs[0].Name, strconv.Itoa(ifs[0].Index)} {
		in := "fe80::1%" + z
		sp, err := Parse(in)
		if err != nil || sp.Kind != KindAddr || sp.First.Zone() != z {
			t.Errorf("Parse(%q) = %+v, %v; want the address with zone %q", in, sp, err, z)
		}
	}
}

func TestParsePorts(t *testing.T) {
	tests := []struct {
		in      string
		want    []uint16
		wantErr bool
	}{
		{"9090", []uint16{9090}, false},
		{"443,8801-8803", []uint16{443, 8801, 8802, 8803}, false},
		{"443, 443,80", []uint16{443, 80}, false},
		{"70000", nil, true},
		{"0", nil, true},
		{"10-5", nil, true},
		{"", nil, true},
		{"a", nil, true},
		{"1-", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePorts(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestPlanExpandsLazilyInOrder(t *testing.T) {
	var specs []Spec
	for _, s := range []string{"10.0.0.254-10.0.1.1", "room.example:2244", "192.0.2.1"} {
		sp, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, sp)
	}
	plan := Plan{Specs: specs, Ports: []uint16{9090, 443}}
	if got := plan.Size().Int64(); got != 4*2+1+2 {
		t.Errorf("Size = %d", got)
	}
	resolve := func(context.Context, string) (Resolved, error) {
		return Resolved{Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::7")}}, nil
	}
	var got []string
	for it := range plan.All(context.Background(), resolve) {
		got = append(got, netip.AddrPortFrom(it.Addr, it.Port).String()+"/"+it.Name)
	}
	want := []string{
		"10.0.0.254:9090/", "10.0.0.254:443/", "10.0.0.255:9090/", "10.0.0.255:443/",
		"10.0.1.0:9090/", "10.0.1.0:443/", "10.0.1.1:9090/", "10.0.1.1:443/",
		"192.0.2.7:2244/room.example", "[2001:db8::7]:2244/room.example",
		"192.0.2.1:9090/", "192.0.2.1:443/",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestPlanSizeOfHugePrefix(t *testing.T) {
	sp, err := Parse("2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	if sp.Count().BitLen() != 97 {
		t.Errorf("a /32 of IPv6 holds 2^96 addresses, got %s", sp.Count())
	}
}

func TestReadList(t *testing.T) {
	in := "# rooms\n10.0.0.1, 10.0.0.2\n\nroom.example:9090 # board room\n"
	specs, err := ReadList(strings.NewReader(in))
	if err != nil || len(specs) != 3 {
		t.Fatalf("specs = %v, err = %v", specs, err)
	}
	if _, err := ReadList(strings.NewReader("10.0.0.1\n10.0.0.300\n")); err == nil || !strings.HasPrefix(err.Error(), "line 2:") {
		t.Errorf("err = %v, want it to name line 2", err)
	}
}

// endless is a list that never ends: the same line forever.
type endless struct{ line []byte }

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n+len(e.line) <= len(p) {
		n += copy(p[n:], e.line)
	}
	return n, nil
}

// TestReadListRefusesAnEndlessList checks that a list past MaxListed is
// refused with one line naming the limit, instead of growing until memory
// runs out.
func TestReadListRefusesAnEndlessList(t *testing.T) {
	_, err := ReadList(&endless{line: []byte("10.0.0.1, 10.0.0.2\n")})
	want := fmt.Sprintf("line %d: more than %d targets in one list", MaxListed/2+1, MaxListed)
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v, want one line starting %q", err, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.0/24", "10.0.0.1-40", "[::1]:9090", "host:1", "a-b.example", "::ffff:1.2.3.4", "fe80::1%eth0", "fe80::1%nonexist", "[fe80::1%1]:9090", "fe80::1%lo-ff", "1-2-3", "[x]:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := Parse(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error for %q", s)
			}
			return
		}
		if sp.Kind != KindHost && sp.Last.Less(sp.First) {
			t.Fatalf("%q: last %s before first %s", s, sp.Last, sp.First)
		}
		if sp.Count().Sign() <= 0 {
			t.Fatalf("%q: count %s", s, sp.Count())
		}
	})
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"9090", "443,8801-8802", "1-65535", "0", "-", ",,", "65536"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ports, err := ParsePorts(s)
		if err != nil {
			return
		}
		seen := map[uint16]bool{}
		for _, p := range ports {
			if p == 0 || seen[p] {
				t.Fatalf("%q gave port %d twice or zero", s, p)
			}
			seen[p] = true
		}
	})
}
