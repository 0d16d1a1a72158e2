package proxyprobe

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// Hop kinds: how a connection reaches its target.
const (
	HopDirect = "direct" // no proxy
	HopHTTP   = "http"   // HTTP proxy, CONNECT in clear text
	HopHTTPS  = "https"  // HTTP proxy reached over TLS
	HopSOCKS5 = "socks5" // SOCKS5 proxy
	HopSOCKS4 = "socks4" // SOCKS4 proxy: named in reports, not used
)

// Hop is one way to reach a target: directly or through one proxy.
type Hop struct {
	// Kind is one of the Hop* constants.
	Kind string
	// Addr is the proxy's host:port; empty for HopDirect.
	Addr string
	// User carries credentials from a proxy URL (user:pass@); nil means
	// none. They are sent as Basic Proxy-Authorization and never reported.
	User *url.Userinfo
}

// String writes the hop as a PAC answer entry ("PROXY host:port").
func (h Hop) String() string {
	switch h.Kind {
	case HopDirect:
		return "DIRECT"
	case HopHTTP:
		return "PROXY " + h.Addr
	}
	return strings.ToUpper(h.Kind) + " " + h.Addr
}

// defaultPorts are the ports of proxies named without one.
var defaultPorts = map[string]string{HopHTTP: "80", HopHTTPS: "443", HopSOCKS5: "1080", HopSOCKS4: "1080"}

// pacKinds maps PAC keywords (case-insensitive) to hop kinds.
var pacKinds = map[string]string{
	"PROXY": HopHTTP, "HTTP": HopHTTP, "HTTPS": HopHTTPS,
	"SOCKS": HopSOCKS5, "SOCKS5": HopSOCKS5, "SOCKS4": HopSOCKS4,
}

// ParsePACResult parses the answer of FindProxyForURL, e.g.
// "PROXY a:1; DIRECT", into hops in order. An empty answer means DIRECT.
func ParsePACResult(s string) ([]Hop, error) {
	var hops []Hop
	for _, entry := range strings.Split(s, ";") {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		h, err := parsePACEntry(fields)
		if err != nil {
			return nil, &errPAC{fmt.Errorf("answer %s: %w", excerpt(s), err)}
		}
		hops = append(hops, h)
	}
	if len(hops) == 0 {
		hops = []Hop{{Kind: HopDirect}}
	}
	return hops, nil
}

func parsePACEntry(fields []string) (Hop, error) {
	kw := strings.ToUpper(fields[0])
	if kw == "DIRECT" && len(fields) == 1 {
		return Hop{Kind: HopDirect}, nil
	}
	kind, ok := pacKinds[kw]
	if !ok || len(fields) != 2 {
		return Hop{}, fmt.Errorf("entry %s is not DIRECT or KEYWORD host:port", excerpt(strings.Join(fields, " ")))
	}
	addr, err := normalizeHostPort(fields[1], defaultPorts[kind])
	if err != nil {
		return Hop{}, err
	}
	return Hop{Kind: kind, Addr: addr}, nil
}

// normalizeHostPort validates host[:port] and adds defPort when the port is
// missing.
func normalizeHostPort(s, defPort string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), defPort
	}
	if !validHost(host) {
		return "", fmt.Errorf("bad proxy host in %s", excerpt(s))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("bad proxy port in %s", excerpt(s))
	}
	return net.JoinHostPort(host, port), nil
}

// HopFromURL turns a proxy URL (http://, https://, socks5://, socks5h://;
// a bare host:port means http) into a hop.
func HopFromURL(u *url.URL) (Hop, error) {
	kind := map[string]string{"http": HopHTTP, "https": HopHTTPS, "socks5": HopSOCKS5, "socks5h": HopSOCKS5, "socks": HopSOCKS5}[strings.ToLower(u.Scheme)]
	if kind == "" {
		return Hop{}, fmt.Errorf("proxy %q: unsupported scheme %q", u.Redacted(), u.Scheme)
	}
	addr, err := normalizeHostPort(u.Host, defaultPorts[kind])
	if err != nil {
		return Hop{}, fmt.Errorf("proxy %q: %w", u.Redacted(), err)
	}
	return Hop{Kind: kind, Addr: addr, User: u.User}, nil
}

// ParseProxyURL parses a proxy setting as found in HTTPS_PROXY: a URL, or a
// bare host:port meaning an HTTP proxy.
func ParseProxyURL(s string) (Hop, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Hop{}, fmt.Errorf("proxy setting %q is not a URL or host:port", report.RedactURL(s))
	}
	return HopFromURL(u)
}

// validHost accepts an IP address (an IPv6 zone included) or a host name of
// letters, digits, '-', '_' and '.', at most 253 bytes: anything else
// (spaces, ';', control characters) is no host a proxy can have.
func validHost(h string) bool {
	if a, err := netip.ParseAddr(h); err == nil {
		return probe.ValidZone(a.Zone())
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
