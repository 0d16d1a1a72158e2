package profile

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe"
)

func TestParseErrorsNameTheLine(t *testing.T) {
	base := "version: 1\nsites:\n  - name: hq\n    rooms:\n      - name: board\n        address: %s\n    networks:\n      - name: wifi\n        cidrs: [%s]\n        must_reach:\n          - rooms: [%s]\n            ports: [%s]\n"
	tests := []struct {
		name, in, want string
	}{
		{"bad address", fmt.Sprintf(base, "10.0.0.300", "10.0.40.0/24", "board", "9090"), `line 6: address "10.0.0.300"`},
		{"address with port", fmt.Sprintf(base, "10.0.0.3:9090", "10.0.40.0/24", "board", "9090"), "line 6: address"},
		{"bad cidr", fmt.Sprintf(base, "10.0.0.3", "10.0.40.0/33", "board", "9090"), `line 9: cidr "10.0.40.0/33"`},
		{"bad port", fmt.Sprintf(base, "10.0.0.3", "10.0.40.0/24", "board", "70000"), `line 12: port "70000"`},
		{"unknown room", fmt.Sprintf(base, "10.0.0.3", "10.0.40.0/24", "lobby", "9090"), `line 11: must_reach names unknown room "lobby"`},
		{"unknown key", "version: 1\ncolour: red\nsites: []\n", "line 2: field colour not found"},
		{"wrong version", "version: 2\nsites: []\n", "version: want 1"},
		{"empty", "", "empty profile"},
		{"contradiction", "version: 1\nsites:\n  - name: hq\n    rooms:\n      - {name: board, address: 10.0.0.3}\n    networks:\n      - name: guest\n        must_reach: [{rooms: [board], ports: [9090]}]\n        must_not_reach: [{rooms: ['*'], ports: [9090]}]\n", "in both must_reach and must_not_reach"},
		{"bad timeout", "version: 1\ndefaults:\n  timeout: soon\nsites: []\n", `line 3: duration "soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %v, want one line containing %q", err, tt.want)
			}
		})
	}
}

// TestExampleProfileIsValid keeps examples/campus.yaml loadable.
func TestExampleProfileIsValid(t *testing.T) {
	p, err := Load("../examples/campus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sites[0].Networks) != 3 || len(p.Sites[0].Rooms) != 2 {
		t.Errorf("profile = %+v", p)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("version: 2\nsites: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || err.Error() != path+": version: want 1, got 2" {
		t.Errorf("bad profile: err = %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := Load(missing); err == nil || !strings.HasPrefix(err.Error(), "open "+missing+": ") {
		t.Errorf("missing file: err = %v", err)
	}
}

const twoSites = `version: 1
sites:
  - name: hq
    rooms:
      - {name: board, address: 10.0.0.3}
      - {name: huddle, address: huddle.rooms.example}
      - {name: lobby, address: "2001:db8::5"}
    networks:
      - name: ctl
        cidrs: [10.0.40.0/24]
        must_reach:
          - {rooms: [huddle], ports: [9090]}
          - {rooms: ["*"], ports: [9090, 2244]}
        must_not_reach:
          - {rooms: [board], ports: [8888]}
      - name: guest
        cidrs: [10.0.90.0/24, 10.0.91.0/24]
        must_not_reach:
          - {rooms: ["*"], ports: [9090]}
  - name: branch
    rooms:
      - {name: board, address: 10.1.0.3}
    networks:
      - name: guest
        cidrs: [10.1.90.0/24]
        must_not_reach:
          - {rooms: [board], ports: [9090]}
`

func mustParse(t *testing.T, s string) *Profile {
	t.Helper()
	p, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChecksInProfileOrderEachOnce(t *testing.T) {
	p := mustParse(t, twoSites)
	site, nw, ok := p.Network("ctl")
	if !ok || site.Name != "hq" {
		t.Fatalf("Network(ctl) = %v, %v, %v", site, nw, ok)
	}
	var got []string
	for _, c := range site.Checks(nw) {
		got = append(got, fmt.Sprintf("%s/%s %s %s", c.Site, c.Room, c.HostPort(), c.Expect))
	}
	want := []string{
		"hq/huddle huddle.rooms.example:9090 " + probe.ExpectOpen,
		"hq/board 10.0.0.3:9090 open",
		"hq/board 10.0.0.3:2244 open",
		"hq/huddle huddle.rooms.example:2244 open",
		"hq/lobby [2001:db8::5]:9090 open",
		"hq/lobby [2001:db8::5]:2244 open",
		"hq/board 10.0.0.3:8888 " + probe.ExpectBlocked,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checks (-want +got)\n%s", diff)
	}
}

func TestNetworkAndMatch(t *testing.T) {
	p := mustParse(t, twoSites)
	if site, _, ok := p.Network("guest"); !ok || site.Name != "hq" {
		t.Errorf("Network(guest) picks site %v, want the first (hq)", site)
	}
	if _, _, ok := p.Network("lobby"); ok {
		t.Error("Network(lobby) found a network that does not exist")
	}
	if m := p.Match(func(n *Network) bool { return n.Name == "guest" }); len(m) != 2 || m[1].Site.Name != "branch" {
		t.Errorf("Match(guest) = %+v", m)
	}
	_, guest, _ := p.Network("guest")
	for _, tt := range []struct {
		addr string
		want bool
	}{{"10.0.91.7", true}, {"10.0.90.1", true}, {"10.0.92.1", false}, {"10.1.90.1", false}} {
		if got := guest.Contains([]netip.Addr{netip.MustParseAddr(tt.addr)}); got != tt.want {
			t.Errorf("Contains(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("version: 1\nsites:\n  - name: hq\n    rooms: [{name: a, address: 10.0.0.1}]\n    networks: [{name: n, cidrs: [10.0.0.0/8], must_reach: [{rooms: ['*'], ports: [9090]}]}]\n")
	f.Add("version: 1\nsites: [{name: x}]\n")
	f.Add("{")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(strings.NewReader(s))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		if p.Version != 1 || len(p.Sites) == 0 {
			t.Fatalf("accepted invalid profile %+v", p)
		}
	})
}
