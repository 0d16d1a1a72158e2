package proxyprobe

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/roompath/roompath/probe/vocab"
)

const testPAC = `
function FindProxyForURL(url, host) {
	if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example")) return "DIRECT";
	if (shExpMatch(host, "*.zoom.us") || host == "zoom.us") return "PROXY zoomproxy:3128; DIRECT";
	if (isInNet(dnsResolve(host), "10.0.0.0", "255.0.0.0")) return "DIRECT";
	if (url.substring(0, 6) == "https:" && dnsDomainLevels(host) > 2) return "HTTPS secure:443";
	if (myIpAddress() == "192.0.2.7" && weekdayRange("SUN", "SAT") && timeRange(0, 23) && dateRange(1, 31)) return "SOCKS s:1080";
	return "PROXY default:8080";
}`

func testPACOptions() PACOptions {
	return PACOptions{
		Lookup: func(_ context.Context, host string) ([]netip.Addr, error) {
			if host == "intranet.example" {
				return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
			}
			return nil, errors.New("no such host")
		},
		MyIP: func() netip.Addr { return netip.MustParseAddr("192.0.2.7") },
	}
}

func TestPACFindProxy(t *testing.T) {
	pac, err := CompilePAC(context.Background(), testPAC, testPACOptions())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ url, want string }{
		{"https://zoom.us/", "PROXY zoomproxy:3128; DIRECT"},
		{"https://www.zoom.us:8801/", "PROXY zoomproxy:3128; DIRECT"},
		{"http://printer/", "DIRECT"},
		{"https://wiki.corp.example/", "DIRECT"},
		{"http://intranet.example/", "DIRECT"},
		{"https://a.b.example.org/", "HTTPS secure:443"},
		{"http://example.org/", "SOCKS s:1080"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := pac.FindProxy(context.Background(), tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPACErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      vocab.Failure
	}{
		{"syntax", "function FindProxyForURL(u, h) { return ", vocab.FailurePACInvalid},
		{"no function", "var x = 1;", vocab.FailurePACInvalid},
		{"throws", "function FindProxyForURL(u, h) { throw new Error('x'); }", vocab.FailurePACInvalid},
		{"endless loop", "function FindProxyForURL(u, h) { for(;;){} }", vocab.FailurePACLimit},
		{"endless top level", "for(;;){}", vocab.FailurePACLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			pac, err := CompilePAC(ctx, tt.src, testPACOptions())
			if err == nil {
				_, err = pac.FindProxy(ctx, "https://zoom.us/")
			}
			if got := classify(err); got != tt.want {
				t.Errorf("failure = %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestPACExPreferred(t *testing.T) {
	src := `function FindProxyForURL(u, h) { return "PROXY old:1"; }
function FindProxyForURLEx(u, h) { return isInNetEx(dnsResolveEx("intranet.example"), "10.0.0.0/8") ? "PROXY ex:1" : "DIRECT"; }`
	pac, err := CompilePAC(context.Background(), src, testPACOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, err := pac.FindProxy(context.Background(), "https://zoom.us/")
	if err != nil || got != "PROXY ex:1" {
		t.Errorf("got %q, %v; want PROXY ex:1", got, err)
	}
}

func TestShExpMatch(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"www.zoom.us", "*.zoom.us", true},
		{"zoom.us", "*.zoom.us", false},
		{"abc", "a?c", true},
		{"abc", "*", true},
		{"", "*", true},
		{"abc", "a*b*c*d", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*a*c", false},
	}
	for _, tt := range tests {
		if got := shExpMatch(tt.s, tt.p); got != tt.want {
			t.Errorf("shExpMatch(%q, %q) = %v", tt.s, tt.p, got)
		}
	}
}

func TestWPADNames(t *testing.T) {
	got := wpadNames([]string{"rooms.emea.corp.example", "corp.example.", "localdomain"})
	want := []string{"wpad.rooms.emea.corp.example", "wpad.emea.corp.example", "wpad.corp.example"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
