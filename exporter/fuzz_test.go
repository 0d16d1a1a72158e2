package exporter

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseConfig feeds arbitrary files to the configuration decoder and,
// when they decode, to the checks that need no network (modules, the
// allowlist, the concurrency limit): no panic, and every error one line.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		sampleConfig, "", "allow: []\nmodulez: {}\n", "modules:\n  x: {prober: icmp}\n",
		"modules:\n  x:\n    prober: tcp\n    timeout: soon\n", "max_concurrent_probes: 99999\n",
		"allow: [\"10.0.0.0/33\", \"*.\", \"a..b\"]\n", "modules:\n  x: {prober: status, status: {url: \"http://u:p@[::1/\"}}\n",
		"modules:\n  x: {prober: tls, tls: {proxy: \"http://a\\r\\nb\"}}\n", "--- \n...\n---\nallow: [1.2.3.4]\n",
		"&a [*a, *a]", "allow: !!binary AAAA\n", "\t\x00\xff", "modules: {\"Bad Name\": {prober: tcp}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := ParseConfig(strings.NewReader(string(b)))
		if err == nil {
			if _, err = ParseAllowlist(cfg.Allow); err == nil {
				if _, _, err = buildModules(cfg.Modules); err == nil {
					_, err = concurrencyLimit(cfg, Options{})
				}
			}
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("a multi-line error: %q", err)
		}
	})
}

// FuzzSplitTarget: the /probe target splitter accepts host[:port] only,
// and what it accepts joins back into a target it reads the same way.
func FuzzSplitTarget(f *testing.F) {
	for _, s := range []string{
		"10.10.5.23", "10.10.5.23:9090", "[fd00::1]:443", "fd00::1", "room-1.corp.example", "room:0", "room:65536",
		"room:99999", ":9090", "[::1]", "[fe80::1%eth0]:22", "a b", "http://x/", "x:y:z", "", strings.Repeat("a", 300),
		"room\r\nX: 1", "[::1]:-1", "1.2.3.4:+80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		host, port, err := splitTarget(target, 9090)
		if err != nil {
			var te *TargetError
			if !errors.As(err, &te) || te.Code != 400 || strings.ContainsAny(te.Msg, "\n\r") {
				t.Fatalf("error %#v", err)
			}
			return
		}
		if host == "" || port == 0 {
			t.Fatalf("accepted %q as host %q port %d", target, host, port)
		}
		h2, p2, err := splitTarget(net.JoinHostPort(host, strconv.Itoa(int(port))), 1)
		if err != nil || h2 != host || p2 != port {
			t.Fatalf("%q -> %q %d, rejoined -> %q %d %v", target, host, port, h2, p2, err)
		}
	})
}

// TestSplitTargetZones: a zone an interface could be called passes, one
// no interface is called (netip takes any text after '%') is refused.
func TestSplitTargetZones(t *testing.T) {
	for _, tt := range []struct {
		target string
		ok     bool
	}{
		{"fe80::1%eth0", true}, {"[fe80::1%eth0]:22", true}, {"fe80::1%2", true}, {"[fe80::1%br-lan.10]:443", true},
		{"::%]0", false}, {"[::%a b]:22", false}, {"fe80::1%" + strings.Repeat("x", 16), false}, {"[fe80::1%a/b]:1", false},
	} {
		_, _, err := splitTarget(tt.target, 9090)
		if (err == nil) != tt.ok {
			t.Errorf("splitTarget(%q): error %v, want ok=%v", tt.target, err, tt.ok)
		}
	}
}
