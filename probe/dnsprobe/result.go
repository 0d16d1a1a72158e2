package dnsprobe

import (
	"strings"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// lookupID is the stable id of a lookup's result.
func lookupID(name string, qtype uint16, s Server) string {
	return "dns/" + name + "/" + typeString(qtype) + "@" + serverLabel(s.Addr)
}

// lookupResult builds the result of a judged lookup.
func (p *DNS) lookupResult(l *dnsLookup, v dnsVerdict) report.Result {
	t := l.chosen()
	r := report.Result{
		ID: lookupID(l.Name, l.Type, l.Server), Check: vocab.CheckDNS, Target: l.Name,
		Status: v.Status, Observed: v.Observed, Reason: v.Reason,
		ReportedBy: l.Server.Addr.Addr().String(), Layer: vocab.LayerDNS,
		DurationMS: report.MS(l.Duration), Attempts: lookupAttempts(l),
	}
	if v.Failure != "" {
		r.Failure, r.Operation = report.Str(v.Failure), report.Str(vocab.OpDNSRoundTrip)
	}
	if t.Final.Reply != nil {
		r.RTTMS = report.Float(report.MS(t.Final.RTT))
	}
	r.Detail = p.detail(l, t, v)
	r.Hint = dnsHint(l, v, p.cfg)
	return r
}

// detail gathers the evidence of the chosen try.
func (p *DNS) detail(l *dnsLookup, t dnsTry, v dnsVerdict) *Detail {
	d := &Detail{
		Role: l.Server.Role, QName: t.QName, Type: typeString(l.Type),
		Answers: []Answer{}, CNAMEChain: []string{}, Transport: t.Final.Transport,
		TruncatedRetry: t.TruncatedRetry, EDNSSent: max(p.cfg.EDNSSize, 0),
		QueryID: QueryCheck{Sent: t.Final.ID},
		Bogons:  v.Bogons, Allowed: v.Allowed, Reference: v.Compare, NXDOMAINRewrite: v.RewriteOf,
	}
	if t.TCPErr != nil {
		d.TCPError = report.Str(probe.Classify(t.TCPErr))
	}
	ev := evidence(t)
	d.QueryID.WrongIDs, d.QueryID.WrongIDCount = ev.WrongIDs, ev.WrongIDCount
	for _, s := range ev.Strays {
		d.UnexpectedSources = append(d.UnexpectedSources, s.String())
	}
	d.UnexpectedSourceCount = ev.StrayCount
	d.MalformedReplies, d.ReplyNote = ev.Malformed+ev.WrongQuestion, ev.Note
	if len(l.Tries) > 1 {
		d.Search = searchSteps(l)
	}
	if r := t.Final.Reply; r != nil {
		p.replyDetail(d, r, t.Final)
	}
	return d
}

// replyDetail fills what the accepted reply says.
func (p *DNS) replyDetail(d *Detail, r *dns.Msg, ex dnsExchange) {
	d.Rcode = report.Str(rcodeString(r.Rcode))
	d.QueryID.Received = &r.Id
	d.Source = ex.From.String()
	d.RA = &r.RecursionAvailable
	if p.cfg.DNSSEC {
		d.AD = &r.AuthenticatedData
	}
	if opt := r.IsEdns0(); opt != nil {
		d.EDNS = &EDNS{UDPSize: opt.UDPSize(), DO: opt.Do(), Version: opt.Version()}
	}
	for _, rr := range r.Answer {
		h := rr.Header()
		d.Answers = append(d.Answers, Answer{Name: h.Name, Type: typeString(h.Rrtype), TTL: h.Ttl, Data: rrData(rr)})
		if c, ok := rr.(*dns.CNAME); ok {
			d.CNAMEChain = append(d.CNAMEChain, c.Target)
		}
	}
}

// rrData is a record's data in presentation form, without its header.
func rrData(rr dns.RR) string {
	return strings.TrimSpace(strings.TrimPrefix(rr.String(), rr.Header().String()))
}

func searchSteps(l *dnsLookup) []SearchStep {
	out := make([]SearchStep, 0, len(l.Tries))
	for _, t := range l.Tries {
		obs, _ := observe(t, l.Type)
		out = append(out, SearchStep{QName: t.QName, Observed: obs})
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
	var f vocab.Failure
	if ex.Reply != nil {
		a.Observed, f = rcodeObservation(ex.Reply, qtype)
		a.ReportedBy = ex.From.Addr().String()
		a.RTTMS = report.Float(report.MS(ex.RTT))
	} else {
		a.Observed, f = errorObservation(dnsTry{Final: ex, Exchanges: []dnsExchange{ex}})
	}
	// The reason of an attempt is its transport, and whether the reply
	// was truncated: "udp", "udp_truncated", "tcp".
	a.Reason = vocab.Reason(ex.Transport)
	if ex.Reply != nil && ex.Reply.Truncated {
		a.Reason += "_truncated"
	}
	if f != "" {
		a.Failure = report.Str(f)
	}
	return a
}
