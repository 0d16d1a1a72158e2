package endpoints

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roompath/roompath/internal/targets"
)

func TestDefaultHasStatusAndZoomNames(t *testing.T) {
	p := Default()
	names := strings.Join(p.Names(), " ")
	for _, want := range []string{"zoomstatus.com", "www.zoomstatus.com", "zoom.us", "www.zoom.us"} {
		if !strings.Contains(" "+names+" ", " "+want+" ") {
			t.Errorf("default profile lacks %s", want)
		}
	}
	if len(p.Ports.CloudTCP) == 0 || p.Ports.RoomTCP[0] != 9090 {
		t.Errorf("ports = %+v", p.Ports)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"unknown key", "endpoints:\n  - name: a.example\n    colour: red\n"},
		{"empty name", "endpoints:\n  - role: x\n"},
		{"no endpoints", "ports: {}\n"},
		{"not yaml", "{{{"},
		{"second document", "endpoints: [{name: a.example}]\n---\nendpoints: [{name: b.example}]\n"},
		{"bad name", "endpoints: [{name: \"a b\\e[2J\"}]\n"},
		{"bad port", "endpoints: [{name: a.example}]\nports: {cloud_tcp: [0]}\n"},
		{"bad udp range", "endpoints: [{name: a.example}]\nports: {cloud_udp: [\"8810-8801\"]}\n"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatal("Parse accepted bad profile")
			}
			if strings.ContainsAny(err.Error(), "\n\x1b") {
				t.Errorf("error not one clean line: %q", err)
			}
		})
	}
}

// TestLoadBounded: Load read the whole file, /dev/zero included.
func TestLoadBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, append([]byte("endpoints: [{name: a.example}]\n#"), bytes.Repeat([]byte("x"), MaxFileSize)...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "endpoint profile larger than 1 MiB") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := Load("/dev/zero"); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
			t.Errorf("/dev/zero: err = %v", err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(string(defaultYAML))
	for _, s := range []string{"endpoints: [{name: a.example, https: true}]\nports: {cloud_udp: [\"8801-8810\"]}\n", "endpoints: [{name: a}]\n---\n",
		"endpoints: &a [*a]", "ports: {cloud_tcp: [99999]}", "endpoints: [{name: \"\\x00\"}]", "{", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse([]byte(s))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if len(p.Endpoints) == 0 || len(p.Endpoints) > MaxEndpoints {
			t.Fatalf("accepted %d endpoints", len(p.Endpoints))
		}
		for _, e := range p.Endpoints {
			if targets.ValidHostname(e.Name) != nil {
				t.Fatalf("accepted name %q", e.Name)
			}
		}
	})
}
