package dnstest

import (
	"fmt"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/endpoints"
)

// Zone is the data a fake resolver answers from, keyed by lower-cased
// fully qualified name. Safe for concurrent reads.
type Zone struct {
	mu  sync.RWMutex
	rrs map[string][]dns.RR
}

// NewZone parses records in presentation form ("zoom.us. 300 IN A
// 170.114.52.2"); it panics on a bad record (the zone is test data).
func NewZone(records ...string) *Zone {
	z := &Zone{rrs: map[string][]dns.RR{}}
	for _, r := range records {
		z.Add(r)
	}
	return z
}

// Add adds one record in presentation form.
func (z *Zone) Add(record string) {
	rr := mustRR(record)
	z.mu.Lock()
	defer z.mu.Unlock()
	k := strings.ToLower(rr.Header().Name)
	z.rrs[k] = append(z.rrs[k], rr)
}

// Lookup returns the answer for name and qtype, following CNAMEs inside
// the zone (the chain first, then the records); ok is false when the
// name is not in the zone at all.
func (z *Zone) Lookup(name string, qtype uint16) (answer []dns.RR, ok bool) {
	z.mu.RLock()
	defer z.mu.RUnlock()
	name = strings.ToLower(dns.Fqdn(name))
	if _, ok := z.rrs[name]; !ok {
		return nil, false
	}
	for hops := 0; hops < 8; hops++ {
		var cname *dns.CNAME
		for _, rr := range z.rrs[name] {
			if rr.Header().Rrtype == qtype {
				answer = append(answer, dns.Copy(rr))
			} else if c, isC := rr.(*dns.CNAME); isC {
				cname = c
			}
		}
		if cname == nil || qtype == dns.TypeCNAME {
			return answer, true
		}
		answer = append(answer, dns.Copy(cname))
		name = strings.ToLower(cname.Target)
	}
	return answer, true
}

// Names returns the names in the zone (lower case, fully qualified).
func (z *Zone) Names() []string {
	z.mu.RLock()
	defer z.mu.RUnlock()
	out := make([]string, 0, len(z.rrs))
	for n := range z.rrs {
		out = append(out, n)
	}
	return out
}

// DefaultZone is a plausible public view of the Zoom names: every name of
// the embedded endpoint profile has an A record, most an AAAA too, and
// www.zoomstatus.com and www.zoom.us are CNAMEs. zoomstatus.com has no
// AAAA (the empty type of a name that resolves). The addresses are public
// and are never contacted: this is data.
func DefaultZone() *Zone {
	z := NewZone(
		"zoomstatus.com. 300 IN A 18.160.10.1",
		"www.zoomstatus.com. 300 IN CNAME zoom.stspg-customer.com.",
		"zoom.stspg-customer.com. 60 IN A 18.160.10.2",
		"zoom.stspg-customer.com. 60 IN AAAA 2600:9000:2400::2",
		"zoom.us. 300 IN A 170.114.52.2",
		"zoom.us. 300 IN AAAA 2407:30c0:182::aa72:3402",
		"www.zoom.us. 300 IN CNAME zoom.us.",
		"big.zoom.us. 60 IN TXT \""+strings.Repeat("x", 250)+"\"",
	)
	seen := map[string]bool{}
	for _, n := range z.Names() {
		seen[n] = true
	}
	for i, n := range endpoints.Default().Names() {
		fq := strings.ToLower(dns.Fqdn(n))
		if seen[fq] {
			continue
		}
		z.Add(fmt.Sprintf("%s 300 IN A 170.114.%d.%d", fq, 10+i, 1+i))
		z.Add(fmt.Sprintf("%s 300 IN AAAA 2407:30c0:%x::1", fq, 0x100+i))
	}
	return z
}

func mustRR(s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil || rr == nil {
		panic(fmt.Sprintf("dnstest: bad record %q: %v", s, err))
	}
	return rr
}
