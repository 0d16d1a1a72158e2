//go:build !linux

package netpath

import "testing"

func TestKindByName(t *testing.T) {
	for name, want := range map[string]string{"utun3": "tunnel", "ppp0": "tunnel", "wg0": "tunnel", "en0": "", "Ethernet 2": "", "Wi-Fi": ""} {
		if got := kindByName(name); got != want {
			t.Errorf("kindByName(%q) = %q, want %q", name, got, want)
		}
	}
}
