package dnsprobe

import (
	"context"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

// dnsTry is one query name asked of one resolver: its UDP attempts, and the
// TCP retry when the reply was truncated.
type dnsTry struct {
	// QName is the fully qualified name asked.
	QName string
	// Final is the exchange whose reply (or error) stands for the try.
	Final dnsExchange
	// Exchanges are every exchange, in order (the attempts).
	Exchanges []dnsExchange
	// TruncatedRetry is true when a truncated UDP reply was asked again
	// over TCP.
	TruncatedRetry bool
	// TCPErr is why the TCP retry failed; Final is then the truncated
	// UDP reply.
	TCPErr error
}

// dnsLookup is one (name, type, resolver) of the plan and what it saw.
type dnsLookup struct {
	Name   string // as the user wrote it
	Type   uint16
	Server Server
	// Tries are the query names asked, in search order.
	Tries []dnsTry
	// Chosen indexes the try whose outcome stands for the lookup.
	Chosen int
	// Duration is the wall time of all tries.
	Duration time.Duration
	// Cut is true when the run's context was cancelled before the lookup
	// had its outcome.
	Cut bool
}

// try asks qname of server: up to Attempts times over UDP while the
// attempts time out, and once over TCP when a reply comes back truncated.
func (p *DNS) try(ctx context.Context, s Server, qname string, qtype uint16) dnsTry {
	t := dnsTry{QName: qname}
	transport := TransportUDP
	if p.cfg.TCP {
		transport = TransportTCP
	}
	for i := 0; i < p.cfg.Attempts; i++ {
		ex := p.once(ctx, s, qname, qtype, transport)
		t.Exchanges = append(t.Exchanges, ex)
		t.Final = ex
		if ex.Reply != nil && ex.Reply.Truncated && transport == TransportUDP {
			return p.retryTCP(ctx, s, qname, qtype, t)
		}
		if ex.Reply != nil || probe.Classify(ex.Err) != vocab.FailureTimeout || ctx.Err() != nil {
			return t
		}
	}
	return t
}

func (p *DNS) retryTCP(ctx context.Context, s Server, qname string, qtype uint16, t dnsTry) dnsTry {
	ex := p.once(ctx, s, qname, qtype, TransportTCP)
	t.Exchanges = append(t.Exchanges, ex)
	t.TruncatedRetry = true
	if ex.Reply != nil {
		t.Final = ex
	} else {
		t.TCPErr = ex.Err
	}
	return t
}

// once is one exchange with a fresh id, bounded by the per-attempt timeout.
func (p *DNS) once(ctx context.Context, s Server, qname string, qtype uint16, transport string) dnsExchange {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	start := time.Now()
	ex := p.exchange(ctx, s.Addr, p.query(qname, qtype), transport)
	ex.duration = time.Since(start)
	return ex
}

// query builds a recursive query with a random id, EDNS and the DNSSEC
// bits as configured.
func (p *DNS) query(qname string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	if p.cfg.EDNSSize > 0 {
		m.SetEdns0(uint16(p.cfg.EDNSSize), p.cfg.DNSSEC)
	}
	m.AuthenticatedData = p.cfg.DNSSEC
	return m
}

// searchList returns the fully qualified names a stub resolver would ask
// for name, in order: as is first when it has at least ndots dots, the
// search domains first otherwise; a name with a trailing dot, or a server
// without a search list, gives the name alone.
func searchList(name string, s Server) []string {
	abs := dns.Fqdn(name)
	if dns.IsFqdn(name) || len(s.Search) == 0 {
		return []string{abs}
	}
	var searched []string
	for _, d := range s.Search {
		searched = append(searched, name+"."+dns.Fqdn(strings.TrimPrefix(d, ".")))
	}
	if strings.Count(name, ".") >= s.Ndots {
		return append([]string{abs}, searched...)
	}
	return append(searched, abs)
}

// run resolves the lookup through its search list, stopping at the first
// name that gives anything but NXDOMAIN or an empty answer.
func (p *DNS) run(ctx context.Context, l *dnsLookup) {
	start := time.Now()
	names := searchList(l.Name, l.Server)
	for i, qn := range names {
		t := p.try(ctx, l.Server, qn, l.Type)
		l.Tries = append(l.Tries, t)
		if i == len(names)-1 || !searchOn(t, l.Type) || ctx.Err() != nil {
			break
		}
	}
	l.Chosen = chooseTry(l.Tries, dns.Fqdn(l.Name), l.Type)
	l.Duration = time.Since(start)
}

// searchOn reports whether a stub resolver would try the next search name
// after t: on NXDOMAIN and on an empty answer, not on errors.
func searchOn(t dnsTry, qtype uint16) bool {
	r := t.Final.Reply
	if r == nil {
		return false
	}
	return r.Rcode == dns.RcodeNameError || r.Rcode == dns.RcodeSuccess && len(answersOf(r, qtype)) == 0
}

// chooseTry picks the try that stands for the lookup: the last one when
// the search stopped on it; otherwise (every name failed) the first empty
// answer, as glibc reports NODATA over NXDOMAIN, else the name as given.
func chooseTry(tries []dnsTry, abs string, qtype uint16) int {
	last := len(tries) - 1
	if !searchOn(tries[last], qtype) {
		return last
	}
	for i, t := range tries {
		if r := t.Final.Reply; r != nil && r.Rcode == dns.RcodeSuccess {
			return i
		}
	}
	for i, t := range tries {
		if strings.EqualFold(t.QName, abs) {
			return i
		}
	}
	return last
}

// chosen returns the try that stands for the lookup.
func (l *dnsLookup) chosen() dnsTry { return l.Tries[l.Chosen] }

// answersOf returns the answer records of type qtype (the CNAME chain
// leading to them is left out).
func answersOf(r *dns.Msg, qtype uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == qtype || qtype == dns.TypeANY {
			out = append(out, rr)
		}
	}
	return out
}
