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
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// wpadQueryTimeout bounds one WPAD DNS query: a resolver on the local
// network answers in milliseconds; a silent one must not stall discovery.
const wpadQueryTimeout = 2 * time.Second

// pacFetchTimeout bounds fetching a PAC file, head and body, within the
// caller's ctx (whichever ends first): a PAC server that drips must not
// hold discovery for longer.
const pacFetchTimeout = 5 * time.Second

// maxPACRedirects caps the redirects a PAC fetch follows; each hop is
// dialled through the same Dialer, so its Guard holds every hop.
const maxPACRedirects = 3

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
	// guard is the Dialer's address guard, applied to the DNS servers
	// asked; nil allows every server.
	guard probe.AddrGuard
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
	if err := w.guard.Check(server); err != nil {
		return nil, err
	}
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
	var last lastConn
	client := &http.Client{Transport: &http.Transport{
		Proxy:                  nil,
		DialContext:            last.dial(d),
		MaxResponseHeaderBytes: maxHeadBytes,
		DisableKeepAlives:      true,
	}, CheckRedirect: checkPACRedirect}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return "", last.classify(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &errPAC{fmt.Errorf("GET %s: status %d", report.RedactURL(src), resp.StatusCode)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxPACBytes+1))
	if len(b) > maxPACBytes {
		return "", &errPAC{fmt.Errorf("%s exceeds %d bytes", report.RedactURL(src), maxPACBytes)}
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

// checkPACRedirect lets a PAC fetch follow at most maxPACRedirects
// redirects, to http(s) URLs only; every hop is dialled through the fetch's
// Dialer and so held to its Guard.
func checkPACRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxPACRedirects {
		return &errPAC{fmt.Errorf("more than %d redirects", maxPACRedirects)}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &errPAC{fmt.Errorf("redirect to scheme %s", excerpt(req.URL.Scheme))}
	}
	return nil
}

// lastConn counts what the last connection of a fetch read, to tell a
// response head over MaxResponseHeaderBytes from other failures.
type lastConn struct{ n atomic.Pointer[countConn] }

func (l *lastConn) dial(d *Dialer) func(ctx context.Context, _, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, addr string) (net.Conn, error) {
		l.n.Store(nil) // a failed dial is classified by its own error
		c, err := d.DialContext(ctx, addr)
		if err != nil {
			return nil, err
		}
		cc := &countConn{Conn: c}
		l.n.Store(cc)
		return cc, nil
	}
}

// classify types a failed fetch from what its last connection saw, as
// net/http's errors for an oversized or malformed head are untyped: a head
// over maxHeadBytes is ErrHeadTooLarge; a read that failed (a deadline, a
// reset) is that failure; bytes read without a failure were not HTTP.
func (l *lastConn) classify(err error) error {
	c := l.n.Load()
	if c == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.n >= maxHeadBytes:
		return ErrHeadTooLarge
	case c.err != nil && c.err != io.EOF:
		return fmt.Errorf("reading the PAC server's answer: %w", c.err)
	case c.n > 0:
		return &errInvalidHTTP{err}
	}
	return err
}

// countConn counts the bytes read and keeps the first read error.
type countConn struct {
	net.Conn
	mu  sync.Mutex
	n   int64
	err error
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	return n, err
}
