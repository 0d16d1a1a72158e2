package proxyprobe

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHead(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Head
		wantErr bool
	}{
		{"crlf", "gEt /a HTTP/1.1\r\nhOsT: x\r\nX-A:  two  spaces \r\n\r\n",
			Head{RequestLine: "gEt /a HTTP/1.1", Method: "gEt", Target: "/a", Proto: "HTTP/1.1", Fields: []Field{{"hOsT", "x"}, {"X-A", "two  spaces"}}}, false},
		{"bare lf", "GET / HTTP/1.0\nA: b\n\n", Head{RequestLine: "GET / HTTP/1.0", Method: "GET", Target: "/", Proto: "HTTP/1.0", Fields: []Field{{"A", "b"}}}, false},
		{"folded", "GET / HTTP/1.1\r\nA: b\r\n  c\r\n\r\n", Head{RequestLine: "GET / HTTP/1.1", Method: "GET", Target: "/", Proto: "HTTP/1.1", Fields: []Field{{"A", "b c"}}}, false},
		{"no blank line", "GET / HTTP/1.1\r\nA: b\r\n", Head{}, true},
		{"bad request line", "GARBAGE\r\n\r\n", Head{}, true},
		{"no colon", "GET / HTTP/1.1\r\nnocolon\r\n\r\n", Head{}, true},
		{"space in name", "GET / HTTP/1.1\r\nA B: c\r\n\r\n", Head{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHead([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func FuzzParseHead(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "gEt /x?y HTTP/1.0\nA:b\n c\n\n", "GET / HTTP/1.1\r\n\r\n", "\r\n\r\n", "A B HTTP/\r\n:\r\n\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHead(b)
		if err != nil {
			return
		}
		// A head compared with itself, and with its re-serialisation, is clean.
		if d := DiffHeads(h, h); !d.Clean() {
			t.Fatalf("self diff not clean: %+v", d)
		}
		again, err := ParseHead(h.Bytes())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", h.Bytes(), err)
		}
		if d := DiffHeads(h, again); !d.Clean() {
			t.Fatalf("round trip not clean: %+v", d)
		}
	})
}

func TestDiffHeads(t *testing.T) {
	sent := Head{RequestLine: "gEt /?t=1 HTTP/1.1", Fields: []Field{{"hOsT", "a"}, {"X-Roompath-Token", "1"}, {"x-SPACING", "two  spaces"}, {"CONNECTION", "close"}}}
	tests := []struct {
		name string
		got  Head
		want HeadDiff
	}{
		{"identical", sent, HeadDiff{Added: []string{}, Removed: []string{}, Changed: []HeaderChange{}}},
		{"squid-like", Head{RequestLine: "GET /?t=1 HTTP/1.1", Fields: []Field{{"Host", "a"}, {"X-Roompath-Token", "1"}, {"X-Spacing", "two spaces"}, {"Via", "1.1 p"}}},
			HeadDiff{
				Added: []string{"Via"}, Removed: []string{"CONNECTION"},
				Changed:            []HeaderChange{{Name: "hOsT", ReceivedName: "Host", Sent: "a", Received: "a"}, {Name: "x-SPACING", ReceivedName: "X-Spacing", Sent: "two  spaces", Received: "two spaces"}},
				RequestLineChanged: true, SentRequestLine: "gEt /?t=1 HTTP/1.1", ReceivedRequestLine: "GET /?t=1 HTTP/1.1",
			}},
		{"reordered", Head{RequestLine: sent.RequestLine, Fields: []Field{sent.Fields[1], sent.Fields[0], sent.Fields[2], sent.Fields[3]}},
			HeadDiff{Added: []string{}, Removed: []string{}, Changed: []HeaderChange{}, OrderChanged: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DiffHeads(sent, tt.got)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestBuildEchoRequest(t *testing.T) {
	u, _ := url.Parse("http://echo.lab:8080/e?x=1")
	h := BuildEchoRequest(u, "tok", rand.New(rand.NewPCG(1, 2)))
	if h.Method == "GET" || strings.ToUpper(h.Method) != "GET" {
		t.Errorf("method %q is not an odd-case GET", h.Method)
	}
	if h.Target != "/e?x=1&roompath_token=tok" {
		t.Errorf("target = %q", h.Target)
	}
	parsed, err := ParseHead(h.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if d := DiffHeads(h, parsed); !d.Clean() {
		t.Errorf("request does not survive its own parse: %+v", d)
	}
	for _, f := range h.Fields {
		if f.Name == strings.ToLower(f.Name) || f.Name == strings.ToUpper(f.Name) {
			t.Errorf("header name %q is not in odd case", f.Name)
		}
	}
}
