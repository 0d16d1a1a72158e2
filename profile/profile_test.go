package profile

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
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
		{"timeout below 10ms", "version: 1\ndefaults:\n  timeout: 1ns\nsites: []\n", `line 3: duration "1ns": want e.g. 500ms or 2s (10ms to 5m0s)`},
		{"attempts 0", "version: 1\ndefaults:\n  attempts: 0\nsites: []\n", "line 3: defaults.attempts: want 1-100"},
		{"attempts -1", "version: 1\ndefaults: {attempts: -1}\nsites: []\n", "line 2: defaults.attempts: want 1-100"},
		{"attempts 101", "version: 1\ndefaults: {attempts: 101}\nsites: []\n", "line 2: defaults.attempts: want 1-100"},
		{"attempts list", "version: 1\ndefaults: {attempts: [1]}\nsites: []\n", "line 2: defaults.attempts: want 1-100"},
		{"unknown defaults key", "version: 1\ndefaults: {atempts: 1}\nsites: []\n", "line 2: field atempts not found"},
		{"second document", "version: 1\nsites: []\n---\nversion: 1\n", "line 3: a second YAML document; a profile is one document"},
		{"contradiction named", "version: 1\nsites:\n  - name: hq\n    rooms:\n      - {name: a, address: 10.0.0.3}\n      - {name: b, address: 10.0.0.4}\n    networks:\n      - name: guest\n        must_reach: [{rooms: [a], ports: [1, 9090]}]\n        must_not_reach: [{rooms: [b], ports: [9090]}, {rooms: [b, a], ports: [2, 9090]}]\n", "line 10: room a port 9090 is in both must_reach and must_not_reach"},
		{"contradiction both star", "version: 1\nsites:\n  - name: hq\n    rooms:\n      - {name: a, address: 10.0.0.3}\n    networks:\n      - name: guest\n        must_reach: [{rooms: ['*'], ports: [1, 9090]}]\n        must_not_reach: [{rooms: ['*'], ports: [9090]}]\n", "line 9: room a port 9090 is in both"},
		{"too many checks", "version: 1\nsites:\n  - name: hq\n    rooms: [{name: a, address: 10.0.0.3}]\n    networks:\n      - name: n\n        must_reach: [" + strings.Repeat("{rooms: [a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a], ports: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]},", 101) + "]\n", "network n: more than 100 entries in must_reach or must_not_reach"},
		{"secret file", "root:Sup3rSecret:0:0:root:/root:/bin/bash\n", "line 1: cannot decode a string into profile.Profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "Sup3rSecret") {
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
	f.Add("version: 1\ndefaults: {attempts: 0, timeout: 1ns}\nsites: []\n")
	f.Add("version: 1\nsites: []\n---\nversion: 2\n")
	f.Add("version: 1\nsites:\n  - name: hq\n    rooms: [{name: a, address: 10.0.0.3}, {name: b, address: h.example}]\n    networks:\n      - {name: n, cidrs: ['::/0'], must_reach: [{rooms: ['*'], ports: [1, 65535]}], must_not_reach: [{rooms: [b], ports: [1]}]}\n")
	f.Add("a: &a [*a, *a]\n")
	f.Add("version: 1\nsites: [{name: \"\\e[2J\", rooms: [{name: '*', address: 10.0.0.1}]}]\n")
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
		for i := range p.Sites {
			for j := range p.Sites[i].Networks {
				s, n := &p.Sites[i], &p.Sites[i].Networks[j]
				if c := s.CountChecks(n); c > MaxChecks || int64(len(s.Checks(n))) > c {
					t.Fatalf("network %s: CountChecks %d, built %d", n.Name, c, len(s.Checks(n)))
				}
			}
		}
	})
}

// TestLimitsBeforeExpansion: counts are taken from the lists, not from an
// expansion, and a profile beyond a limit is refused.
func TestLimitsBeforeExpansion(t *testing.T) {
	p := mustParse(t, twoSites)
	site, nw, _ := p.Network("ctl")
	if n, built := site.CountChecks(nw), len(site.Checks(nw)); n != 8 || built != 7 {
		t.Errorf("CountChecks = %d (want 8: 1 + 3x2 + 1, before merging), built %d (want 7)", n, built)
	}
	var b strings.Builder
	b.WriteString("version: 1\nsites:\n  - name: hq\n    rooms:\n")
	for i := range MaxRooms + 1 {
		fmt.Fprintf(&b, "      - {name: r%d, address: 10.0.%d.%d}\n", i, i/250, i%250+1)
	}
	b.WriteString("    networks: [{name: n, must_reach: [{rooms: ['*'], ports: [9090]}]}]\n")
	if _, err := Parse(strings.NewReader(b.String())); err == nil || err.Error() != "more than 10000 rooms" {
		t.Errorf("%d rooms: err = %v", MaxRooms+1, err)
	}
	big := "version: 1\nsites:\n  - name: hq\n    rooms: [{name: a, address: 10.0.0.3}]\n    networks: [{name: n, must_reach: [{rooms: [a], ports: [1]}]}]\n# " + strings.Repeat("x", MaxFileSize) + "\n"
	if _, err := Parse(strings.NewReader(big)); err == nil || err.Error() != "profile larger than 1 MiB" {
		t.Errorf("large file: err = %v", err)
	}
}

// TestValidationDoesNotExpand: validation once expanded every network into
// a map of room ports (569 MB for a 386 KB profile); it now compares the
// lists. 1,000 rooms x 500 ports in each list is 1,000,000 room ports but
// only ~60 KB of YAML.
func TestValidationDoesNotExpand(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nsites:\n  - name: hq\n    rooms:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "      - {name: r%d, address: 10.0.%d.%d}\n", i, i/250, i%250+1)
	}
	ports := func(from int) string {
		var p []string
		for i := from; i < from+500; i++ {
			p = append(p, strconv.Itoa(i))
		}
		return strings.Join(p, ",")
	}
	fmt.Fprintf(&b, "    networks:\n      - name: n\n        must_reach: [{rooms: ['*'], ports: [%s]}]\n        must_not_reach: [{rooms: ['*'], ports: [%s]}]\n", ports(1), ports(501))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := Parse(strings.NewReader(b.String()))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d-byte profile of %d room ports: %.1f MiB allocated by Parse", b.Len(), p.Sites[0].CountChecks(&p.Sites[0].Networks[0]), float64(alloc)/(1<<20))
	if alloc > 32<<20 {
		t.Errorf("Parse allocated %d MiB: validation expanded the network", alloc>>20)
	}
}
