package proxyprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// wpadQueryTimeout bounds one WPAD DNS query: a resolver on the local
// network answers in milliseconds; a silent one must not stall discovery.
const wpadQueryTimeout = 2 * time.Second

// pacFetchTimeout bounds fetching a PAC file, head and body.
const pacFetchTimeout = 5 * time.Second

// ErrNoWPAD is returned when no wpad.<domain> name resolves.
var ErrNoWPAD = errors.New("no wpad name resolves")

// WPAD discovers a PAC file through DNS: it asks for wpad.<domain> for each
// search domain, devolving toward (never reaching) the top-level domain,
// as Windows and browsers do. DHCP option 252 is not read.
type WPAD struct {
	// Domains are the search domains to try; nil means those of
	// /etc/resolv.conf (none on Windows) and of the host's FQDN.
	Domains []string
	// Servers are DNS servers as host:port; nil means those of
	// /etc/resolv.conf.
	Servers []string
	// exchange is the DNS seam; nil means a UDP dns.Client.
	exchange func(ctx context.Context, m *dns.Msg, server string) (*dns.Msg, error)
}

// WPADFound is the outcome of a lookup.
type WPADFound struct {
	// Tried lists the names asked for, in order.
	Tried []string `json:"tried"`
	// Name is the wpad name that resolved; empty when none did.
	Name string `json:"name,omitempty"`
	// Addr is its first address.
	Addr string `json:"addr,omitempty"`
	// URL is the PAC URL derived from Name: http://Name/wpad.dat.
	URL string `json:"url,omitempty"`
}

// Lookup returns the first wpad name that resolves, or ErrNoWPAD.
func (w *WPAD) Lookup(ctx context.Context) (WPADFound, error) {
	domains, servers := w.Domains, w.Servers
	if domains == nil || servers == nil {
		d, s := systemDNSConfig()
		if domains == nil {
			domains = d
		}
		if servers == nil {
			servers = s
		}
	}
	var found WPADFound
	if len(servers) == 0 {
		return found, errors.New("no DNS servers to ask")
	}
	for _, name := range wpadNames(domains) {
		found.Tried = append(found.Tried, name)
		if addr, ok := w.resolve(ctx, name, servers); ok {
			found.Name, found.Addr, found.URL = name, addr.String(), "http://"+name+"/wpad.dat"
			return found, nil
		}
		if ctx.Err() != nil {
			return found, ctx.Err()
		}
	}
	return found, ErrNoWPAD
}

// wpadNames lists wpad.<suffix> for every suffix of every domain with at
// least two labels, without repeats.
func wpadNames(domains []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range domains {
		labels := strings.Split(strings.Trim(strings.ToLower(d), "."), ".")
		for i := 0; i+2 <= len(labels); i++ {
			n := "wpad." + strings.Join(labels[i:], ".")
			if labels[i] != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// resolve asks each server for name's A record, then AAAA.
func (w *WPAD) resolve(ctx context.Context, name string, servers []string) (netip.Addr, bool) {
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		for _, s := range servers {
			m := new(dns.Msg)
			m.SetQuestion(dns.Fqdn(name), qt)
			r, err := w.query(ctx, m, s)
			if err != nil || r.Rcode != dns.RcodeSuccess {
				continue
			}
			if a, ok := firstAddr(r); ok {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

func (w *WPAD) query(ctx context.Context, m *dns.Msg, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, wpadQueryTimeout)
	defer cancel()
	if w.exchange != nil {
		return w.exchange(ctx, m, server)
	}
	c := &dns.Client{Timeout: wpadQueryTimeout}
	r, _, err := c.ExchangeContext(ctx, m, server)
	if err == nil && r.Id != m.Id {
		return nil, errors.New("reply with wrong query id")
	}
	return r, err
}

func firstAddr(r *dns.Msg) (netip.Addr, bool) {
	for _, rr := range r.Answer {
		switch v := rr.(type) {
		case *dns.A:
			if a, ok := netip.AddrFromSlice(v.A); ok {
				return a.Unmap(), true
			}
		case *dns.AAAA:
			if a, ok := netip.AddrFromSlice(v.AAAA); ok {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

// systemDNSConfig reads the search domains and servers of
// /etc/resolv.conf, plus the domain of the host's name.
func systemDNSConfig() (domains, servers []string) {
	if cc, err := dns.ClientConfigFromFile("/etc/resolv.conf"); err == nil {
		domains = append(domains, cc.Search...)
		for _, s := range cc.Servers {
			servers = append(servers, net.JoinHostPort(s, cc.Port))
		}
	}
	if h, err := os.Hostname(); err == nil {
		if i := strings.IndexByte(h, '.'); i > 0 {
			domains = append(domains, h[i+1:])
		}
	}
	return domains, servers
}

// FetchPAC reads a PAC file from an http(s) URL (directly, never through a
// proxy, with d's rules) or, for anything else, from a local file.
func FetchPAC(ctx context.Context, d *Dialer, src string) (string, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		b, err := readFileCapped(src, maxPACBytes)
		return string(b), err
	}
	ctx, cancel := context.WithTimeout(ctx, pacFetchTimeout)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{
		Proxy:                  nil,
		DialContext:            func(ctx context.Context, _, addr string) (net.Conn, error) { return d.DialContext(ctx, addr) },
		MaxResponseHeaderBytes: maxHeadBytes,
		DisableKeepAlives:      true,
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &errPAC{fmt.Errorf("GET %s: status %d", src, resp.StatusCode)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxPACBytes+1))
	if len(b) > maxPACBytes {
		return "", &errPAC{fmt.Errorf("%s exceeds %d bytes", src, maxPACBytes)}
	}
	return string(b), err
}

func readFileCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if int64(len(b)) > limit {
		return nil, &errPAC{fmt.Errorf("%s exceeds %d bytes", path, limit)}
	}
	return b, err
}
