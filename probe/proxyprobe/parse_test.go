package proxyprobe

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePACResult(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr bool
	}{
		{"empty means direct", "", []string{"DIRECT"}, false},
		{"direct", "DIRECT", []string{"DIRECT"}, false},
		{"proxy then direct", "PROXY a:1; DIRECT", []string{"PROXY a:1", "DIRECT"}, false},
		{"case and spacing", "  proxy   a.b:3128 ;;direct ", []string{"PROXY a.b:3128", "DIRECT"}, false},
		{"default ports", "PROXY p; HTTPS q; SOCKS r", []string{"PROXY p:80", "HTTPS q:443", "SOCKS5 r:1080"}, false},
		{"ipv6", "PROXY [2001:db8::1]:8080", []string{"PROXY [2001:db8::1]:8080"}, false},
		{"http synonym", "HTTP a:8080", []string{"PROXY a:8080"}, false},
		{"socks4 kept", "SOCKS4 s:1080", []string{"SOCKS4 s:1080"}, false},
		{"unknown keyword", "FTP a:1", nil, true},
		{"missing host", "PROXY", nil, true},
		{"bad port", "PROXY a:99999", nil, true},
		{"extra field", "PROXY a:1 b:2", nil, true},
		{"direct with arg", "DIRECT a:1", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hops, err := ParsePACResult(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			var got []string
			for _, h := range hops {
				got = append(got, h.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func FuzzParsePACResult(f *testing.F) {
	for _, s := range []string{"PROXY a:1; DIRECT", "", "HTTPS [::1]:443", "SOCKS5 x", "PROXY a:1;PROXY b:2;DIRECT", "proxy ;", "PROXY [::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hops, err := ParsePACResult(s)
		if err != nil {
			return
		}
		if len(hops) == 0 {
			t.Fatal("no hops without error")
		}
		// Writing the hops back must parse to the same hops.
		var parts []string
		for _, h := range hops {
			parts = append(parts, h.String())
		}
		again, err := ParsePACResult(joinSemi(parts))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", joinSemi(parts), err)
		}
		if diff := cmp.Diff(hops, again, cmp.Comparer(func(a, b *url.Userinfo) bool { return a == b })); diff != "" {
			t.Fatalf("round trip (-first +second)\n%s", diff)
		}
	})
}

func joinSemi(p []string) string {
	s := ""
	for i, x := range p {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}

func TestParseChallenges(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []Challenge
	}{
		{"basic", []string{`Basic realm="corp proxy"`}, []Challenge{{"Basic", "corp proxy"}}},
		{"two headers", []string{"NTLM", `Negotiate`}, []Challenge{{Scheme: "NTLM"}, {Scheme: "Negotiate"}}},
		{"list in one", []string{`Negotiate, NTLM, Basic realm="x", charset="UTF-8"`}, []Challenge{{Scheme: "Negotiate"}, {Scheme: "NTLM"}, {"Basic", "x"}}},
		{"token68", []string{"Negotiate YIIabc==, Basic realm=r"}, []Challenge{{Scheme: "Negotiate"}, {"Basic", "r"}}},
		{"escaped quote", []string{`Digest realm="a\"b", nonce="n", qop="auth"`}, []Challenge{{"Digest", `a"b`}}},
		{"unquoted realm", []string{"Basic realm=squid"}, []Challenge{{"Basic", "squid"}}},
		{"garbage", []string{`"",,;`}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseChallenges(tt.in)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{`Basic realm="x"`, "NTLM, Negotiate abc==", `Digest realm="a\"b", qop=auth`, "=,=", `Basic realm="unterminated`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range ParseChallenges([]string{s}) {
			if c.Scheme == "" {
				t.Fatalf("empty scheme from %q", s)
			}
		}
	})
}

func TestParseConnectTo(t *testing.T) {
	tests := []struct {
		in      string
		want    ConnectTo
		wantErr bool
	}{
		{"zoom.us:443:127.0.0.1:8443", ConnectTo{"zoom.us", "443", "127.0.0.1", "8443"}, false},
		{"zoom.us:443:[::1]:8443", ConnectTo{"zoom.us", "443", "::1", "8443"}, false},
		{"::127.0.0.1:", ConnectTo{"", "", "127.0.0.1", ""}, false},
		{"zoom.us:443:127.0.0.1", ConnectTo{}, true},
		{"zoom.us:70000:127.0.0.1:1", ConnectTo{}, true},
		{"[::1:443:a:1", ConnectTo{}, true},
		{"zoom.us:443:[fe80::1%eth0]:8443", ConnectTo{"zoom.us", "443", "fe80::1%eth0", "8443"}, false},
		{"::[::%0[00]:", ConnectTo{}, true}, // a zone no interface is called
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseConnectTo(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestDialerRewrite(t *testing.T) {
	d := &Dialer{Rules: []ConnectTo{{Host: "zoom.us", Port: "443", ToHost: "127.0.0.1", ToPort: "8443"}, {Port: "8801", ToHost: "::1"}}}
	tests := []struct{ in, want string }{
		{"zoom.us:443", "127.0.0.1:8443"},
		{"ZOOM.US:443", "127.0.0.1:8443"},
		{"zoom.us:8801", "[::1]:8801"},
		{"zoom.com:443", "zoom.com:443"},
	}
	for _, tt := range tests {
		if got := d.Rewrite(tt.in); got != tt.want {
			t.Errorf("Rewrite(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTargetURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"zoom.us:443", "https://zoom.us/"},
		{"zoom.us:8801", "https://zoom.us:8801/"},
		{"[2001:db8::1]:443", "https://[2001:db8::1]/"},
	}
	for _, tt := range tests {
		if got := TargetURL(tt.in); got != tt.want {
			t.Errorf("TargetURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
