package proxyprobe

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// planTargets turns hosts (HOST or HOST:PORT) and ports into the
// host:port targets of the proxy check and, among them, those of the TLS
// check (their port is in tlsPorts), in order and without repeats: each
// HOST on every port, a HOST:PORT only on its port.
func planTargets(hosts []string, ports, tlsPorts []uint16) (proxy, tls []string, err error) {
	for _, p := range slices.Concat(ports, tlsPorts) {
		if p == 0 {
			return nil, nil, fmt.Errorf("port 0 is not a port (1-65535)")
		}
	}
	for _, h := range hosts {
		host, hp, err := hostPorts(h, ports)
		if err != nil {
			return nil, nil, err
		}
		for _, port := range hp {
			t := net.JoinHostPort(host, strconv.Itoa(int(port)))
			proxy = addTarget(proxy, t)
			if slices.Contains(tlsPorts, port) {
				tls = addTarget(tls, t)
			}
		}
	}
	return proxy, tls, nil
}

// hostPorts splits a HOST or HOST:PORT into the host and the ports it is
// tried on: its own, or ports.
func hostPorts(h string, ports []uint16) (string, []uint16, error) {
	if h == "" || strings.ContainsAny(h, "/ @") {
		return "", nil, fmt.Errorf("%q is not a HOST or HOST:PORT", h)
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		return h, ports, nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", nil, fmt.Errorf("HOST:PORT: %q is not a port (1-65535)", port)
	}
	return host, []uint16{uint16(n)}, nil
}

// addTarget appends t unless list holds it already.
func addTarget(list []string, t string) []string {
	if slices.Contains(list, t) {
		return list
	}
	return append(list, t)
}

// checkTarget accepts host:port with a host and a port 1-65535.
func checkTarget(t string) error {
	host, port, err := net.SplitHostPort(t)
	if err != nil || host == "" {
		return fmt.Errorf("target %q: want host:port", t)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("target %q: port %q is not 1-65535", t, port)
	}
	return nil
}

// ParseHTTPURL parses raw as the URL of an HTTP check (SuiteConfig.Echo,
// Weak and Captive; proxycheck's --echo, --weak-url, --captive-url):
// http:// with a host and, if it names one, a port 1-65535. The error
// quotes the bad value, e.g. `"ftp://x" is not an http:// URL`.
func ParseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http:// URL", raw)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q is not a port (1-65535)", port)
		}
	}
	return u, nil
}

// checkHTTPURL accepts an http:// URL with a host (the checks speak plain
// HTTP/1.1 on the wire); what names the URL in the error.
func checkHTTPURL(what string, u *url.URL) error {
	switch {
	case u == nil:
		return fmt.Errorf("%s URL: none given", what)
	case u.Scheme != "http" || u.Host == "":
		return fmt.Errorf("%s URL %q: want http://host[:port][/path]", what, u.Redacted())
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s URL %q: port %q is not 1-65535", what, u.Redacted(), port)
		}
	}
	return nil
}
