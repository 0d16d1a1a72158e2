package endpoints

import (
	"strings"
	"testing"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.in)); err == nil {
				t.Fatal("Parse accepted bad profile")
			}
		})
	}
}
