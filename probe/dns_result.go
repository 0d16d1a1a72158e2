package probe

import (
	"strings"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/report"
)

// DNSDetail is the evidence of one DNS result (report.Result.Detail).
// Fields that were not measured are null or absent.
type DNSDetail struct {
	// Role is "system", "resolver" or "reference".
	Role string `json:"role"`
	// QName is the fully qualified name whose reply stands for the result
	// (after the search list, for the system's resolvers).
	QName string `json:"qname"`
	Type  string `json:"type"`
	// Rcode is the reply's rcode ("NOERROR", "NXDOMAIN"…); null when no
	// reply was accepted.
	Rcode      *string     `json:"rcode"`
	Answers    []DNSAnswer `json:"answers"`
	CNAMEChain []string    `json:"cname_chain"`
	// Transport is the transport of the reply that stands: "udp" or "tcp".
	Transport string `json:"transport"`
	// TruncatedRetry is true when a truncated UDP reply was asked again
	// over TCP; TCPError says why that retry failed, if it did.
	TruncatedRetry bool    `json:"truncated_retry"`
	TCPError       *string `json:"tcp_error,omitempty"`
	// EDNSSent is the UDP size advertised (0: no EDNS); EDNS is the
	// reply's OPT record, null when the reply had none.
	EDNSSent int      `json:"edns_sent"`
	EDNS     *DNSEDNS `json:"edns"`
	// AD is the reply's Authenticated Data bit, reported only when DNSSEC
	// was asked for.
	AD *bool `json:"ad,omitempty"`
	// RA is the reply's Recursion Available bit.
	RA      *bool         `json:"ra"`
	QueryID DNSQueryCheck `json:"query_id"`
	// Source is the address the accepted reply came from.
	Source string `json:"source,omitempty"`
	// UnexpectedSources are addresses that sent replies to a query sent
	// elsewhere.
	UnexpectedSources []string `json:"unexpected_sources,omitempty"`
	// MalformedReplies counts replies with the right id that did not
	// parse or answered another question.
	MalformedReplies int              `json:"malformed_replies,omitempty"`
	Bogons           []DNSBogonAnswer `json:"bogons,omitempty"`
	Allowed          []string         `json:"allowed,omitempty"`
	Reference        *DNSComparison   `json:"reference,omitempty"`
	// NXDOMAINRewrite is the resolver's answer for a name that does not
	// exist, when this answer is made of it.
	NXDOMAINRewrite []string `json:"nxdomain_rewrite,omitempty"`
	// Search lists the names tried when the search list was applied.
	Search []DNSSearchStep `json:"search,omitempty"`
}

// DNSAnswer is one answer record.
type DNSAnswer struct {
	Name string `json:"name"`
	Type string `json:"type"`
	TTL  uint32 `json:"ttl"`
	Data string `json:"data"`
}

// DNSEDNS is the OPT record of a reply.
type DNSEDNS struct {
	UDPSize uint16 `json:"udp_size"`
	DO      bool   `json:"do"`
	Version uint8  `json:"version"`
}

// DNSQueryCheck is the query id evidence: the id sent, the id of the
// accepted reply (null when none), and the ids of replies that did not
// match.
type DNSQueryCheck struct {
	Sent     uint16   `json:"sent"`
	Received *uint16  `json:"received"`
	WrongIDs []uint16 `json:"wrong_ids,omitempty"`
}

// DNSBogonAnswer is one answer that a public name must not have.
type DNSBogonAnswer struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
}

// DNSComparison is a resolver's answer set compared with the references'.
type DNSComparison struct {
	References []string `json:"references"`
	Addresses  []string `json:"addresses"`
	Common     []string `json:"common"`
	// SameCNAME is true when both answers went through a common CNAME.
	SameCNAME bool `json:"same_cname"`
}

// DNSSearchStep is one name of the search list and what came of it.
type DNSSearchStep struct {
	QName    string `json:"qname"`
	Observed string `json:"observed"`
}

// lookupID is the stable id of a lookup's result.
func lookupID(name string, qtype uint16, s DNSServer) string {
	return "dns/" + name + "/" + typeString(qtype) + "@" + serverLabel(s.Addr)
}

// lookupResult builds the result of a judged lookup.
func (p *DNSProbe) lookupResult(l *dnsLookup, v dnsVerdict) report.Result {
	t := l.chosen()
	r := report.Result{
		ID: lookupID(l.Name, l.Type, l.Server), Check: CheckDNS, Target: l.Name,
		Status: v.Status, Observed: v.Observed, Reason: v.Reason,
		ReportedBy: l.Server.Addr.Addr().String(), Layer: report.LayerDNS,
		DurationMS: report.MS(l.Duration), Attempts: lookupAttempts(l),
	}
	if v.Failure != "" {
		r.Failure, r.Operation = report.Str(v.Failure), report.Str(OpDNSRoundTrip)
	}
	if t.Final.Reply != nil {
		r.RTTMS = report.Float(report.MS(t.Final.RTT))
	}
	r.Detail = p.detail(l, t, v)
	r.Hint = dnsHint(l, v, p.cfg)
	return r
}

// detail gathers the evidence of the chosen try.
func (p *DNSProbe) detail(l *dnsLookup, t dnsTry, v dnsVerdict) *DNSDetail {
	d := &DNSDetail{
		Role: l.Server.Role, QName: t.QName, Type: typeString(l.Type),
		Answers: []DNSAnswer{}, CNAMEChain: []string{}, Transport: t.Final.Transport,
		TruncatedRetry: t.TruncatedRetry, EDNSSent: max(p.cfg.EDNSSize, 0),
		QueryID: DNSQueryCheck{Sent: t.Final.ID},
		Bogons:  v.Bogons, Allowed: v.Allowed, Reference: v.Compare, NXDOMAINRewrite: v.RewriteOf,
	}
	if t.TCPErr != nil {
		d.TCPError = report.Str(Classify(t.TCPErr))
	}
	ev := evidence(t)
	d.QueryID.WrongIDs = ev.WrongIDs
	for _, s := range ev.Strays {
		d.UnexpectedSources = append(d.UnexpectedSources, s.String())
	}
	d.MalformedReplies = ev.Malformed + ev.WrongQuestion
	if len(l.Tries) > 1 {
		d.Search = searchSteps(l)
	}
	if r := t.Final.Reply; r != nil {
		p.replyDetail(d, r, t.Final)
	}
	return d
}

// replyDetail fills what the accepted reply says.
func (p *DNSProbe) replyDetail(d *DNSDetail, r *dns.Msg, ex dnsExchange) {
	d.Rcode = report.Str(rcodeString(r.Rcode))
	d.QueryID.Received = &r.Id
	d.Source = ex.From.String()
	d.RA = &r.RecursionAvailable
	if p.cfg.DNSSEC {
		d.AD = &r.AuthenticatedData
	}
	if opt := r.IsEdns0(); opt != nil {
		d.EDNS = &DNSEDNS{UDPSize: opt.UDPSize(), DO: opt.Do(), Version: opt.Version()}
	}
	for _, rr := range r.Answer {
		h := rr.Header()
		d.Answers = append(d.Answers, DNSAnswer{Name: h.Name, Type: typeString(h.Rrtype), TTL: h.Ttl, Data: rrData(rr)})
		if c, ok := rr.(*dns.CNAME); ok {
			d.CNAMEChain = append(d.CNAMEChain, c.Target)
		}
	}
}

// rrData is a record's data in presentation form, without its header.
func rrData(rr dns.RR) string {
	return strings.TrimSpace(strings.TrimPrefix(rr.String(), rr.Header().String()))
}

func searchSteps(l *dnsLookup) []DNSSearchStep {
	out := make([]DNSSearchStep, 0, len(l.Tries))
	for _, t := range l.Tries {
		obs, _ := observe(t, l.Type)
		out = append(out, DNSSearchStep{QName: t.QName, Observed: obs})
	}
	return out
}

// lookupAttempts lists every exchange of every try with its own outcome.
func lookupAttempts(l *dnsLookup) []report.Attempt {
	var out []report.Attempt
	for _, t := range l.Tries {
		for _, ex := range t.Exchanges {
			out = append(out, exchangeAttempt(len(out)+1, ex, l.Type))
		}
	}
	return out
}

func exchangeAttempt(n int, ex dnsExchange, qtype uint16) report.Attempt {
	a := report.Attempt{N: n, DurationMS: report.MS(ex.duration)}
	var f string
	if ex.Reply != nil {
		a.Observed, f = rcodeObservation(ex.Reply, qtype)
		a.ReportedBy = ex.From.Addr().String()
		a.RTTMS = report.Float(report.MS(ex.RTT))
	} else {
		a.Observed, f = errorObservation(dnsTry{Final: ex, Exchanges: []dnsExchange{ex}})
	}
	// The reason of an attempt is its transport, and whether the reply
	// was truncated: "udp", "udp_truncated", "tcp".
	a.Reason = ex.Transport
	if ex.Reply != nil && ex.Reply.Truncated {
		a.Reason += "_truncated"
	}
	if f != "" {
		a.Failure = report.Str(f)
	}
	return a
}
