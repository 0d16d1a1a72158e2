package report

import (
	"strconv"
	"strings"
	"time"
)

// dnsGrid is the DNS results as names × resolvers.
type dnsGrid struct {
	Resolvers []string
	Rows      []dnsRow
}

// dnsRow is one name (and query type) across the resolvers.
type dnsRow struct {
	Name  string
	Cells []dnsCell
}

// dnsCell is one name through one resolver; Present is false where that
// resolver was not asked.
type dnsCell struct {
	Present          bool
	Badge            htmlBadge
	Observed, Reason string
	Answers          []string
}

type dnsAnswers struct {
	Answers []struct {
		Type string `json:"type"`
		Data string `json:"data"`
	} `json:"answers"`
	NXDOMAINRewrite []string `json:"nxdomain_rewrite"`
	Egress          []string `json:"egress"`
}

const dnsMaxAnswers = 4

// buildDNSGrid lays DNS results out by the id's name and resolver
// ("dns/NAME/TYPE@RESOLVER"); nil without DNS results.
func buildDNSGrid(rs []Result) *dnsGrid {
	if len(rs) == 0 {
		return nil
	}
	g := &dnsGrid{}
	col, row := map[string]int{}, map[string]int{}
	for i := range rs {
		r := &rs[i]
		name, res := dnsKey(r)
		if _, ok := col[res]; !ok {
			col[res] = len(g.Resolvers)
			g.Resolvers = append(g.Resolvers, res)
		}
		if _, ok := row[name]; !ok {
			row[name] = len(g.Rows)
			g.Rows = append(g.Rows, dnsRow{Name: name})
		}
	}
	for i := range g.Rows {
		g.Rows[i].Cells = make([]dnsCell, len(g.Resolvers))
	}
	for i := range rs {
		r := &rs[i]
		name, res := dnsKey(r)
		c := dnsCell{Present: true, Badge: badge(r.Status), Observed: string(r.Observed), Reason: string(r.Reason)}
		var d dnsAnswers
		if decodeDetail(r.Detail, &d) {
			c.Answers = dnsAnswerList(d)
		}
		g.Rows[row[name]].Cells[col[res]] = c
	}
	return g
}

func dnsAnswerList(d dnsAnswers) []string {
	var out []string
	for _, a := range d.Answers {
		out = append(out, a.Type+" "+a.Data)
	}
	for _, e := range d.Egress {
		out = append(out, "egress "+e)
	}
	if len(out) > dnsMaxAnswers {
		n := len(out) - dnsMaxAnswers
		out = append(out[:dnsMaxAnswers], "and "+strconv.Itoa(n)+" more")
	}
	for i := range out {
		out[i] = clip(out[i])
	}
	return out
}

// dnsKey splits a DNS result id into its name (with query type) and
// resolver; a resolver the id does not name is the one that answered.
func dnsKey(r *Result) (string, string) {
	id := strings.TrimPrefix(r.ID, string(r.Check)+"/")
	name, res := id, r.ReportedBy
	if i := strings.LastIndex(id, "@"); i >= 0 {
		name, res = id[:i], id[i+1:]
	}
	if res == "" {
		res = "(no answer)"
	}
	return clip(name), clip(res)
}

// tlsChain is a TLS result's chain, leaf first, and who signed it.
type tlsChain struct {
	Badge                                  htmlBadge
	Target, Observed, Reason               string
	SNI, Via, Addr, Version, Cipher, Roots string
	Signer, Vendor, SystemTrusts           string
	Certs                                  []tlsCert
}

// tlsCert is one presented certificate.
type tlsCert struct {
	Subject, Issuer, Validity, Names, SHA256 string
	IsCA                                     bool
}

type tlsDetail struct {
	SNI          string  `json:"sni"`
	Via          string  `json:"via"`
	Addr         string  `json:"addr"`
	Roots        string  `json:"roots"`
	Version      string  `json:"tls_version"`
	Cipher       string  `json:"cipher"`
	Issuer       string  `json:"issuer"`
	SystemTrusts *bool   `json:"system_trusts"`
	Vendor       *string `json:"vendor"`
	Chain        []struct {
		Subject   string    `json:"subject"`
		Issuer    string    `json:"issuer"`
		NotBefore time.Time `json:"not_before"`
		NotAfter  time.Time `json:"not_after"`
		DNSNames  []string  `json:"dns_names"`
		SHA256    string    `json:"sha256"`
		IsCA      bool      `json:"is_ca"`
	} `json:"chain"`
}

// buildTLSChain reads a TLS result's chain; false when its detail has
// none to show (the handshake did not get that far).
func buildTLSChain(r *Result) (tlsChain, bool) {
	var d tlsDetail
	if !decodeDetail(r.Detail, &d) || (len(d.Chain) == 0 && d.Issuer == "") {
		return tlsChain{}, false
	}
	c := tlsChain{Badge: badge(r.Status), Target: RedactText(r.Target), Observed: string(r.Observed), Reason: string(r.Reason),
		SNI: clip(d.SNI), Via: clip(d.Via), Addr: clip(d.Addr), Version: d.Version, Cipher: d.Cipher, Roots: clip(d.Roots),
		Signer: clip(d.Issuer), SystemTrusts: "not known"}
	if len(d.Chain) > 0 {
		c.Signer = clip(d.Chain[len(d.Chain)-1].Issuer)
	}
	if d.Vendor != nil {
		c.Vendor = clip(*d.Vendor)
	}
	if d.SystemTrusts != nil {
		c.SystemTrusts = map[bool]string{true: "yes", false: "no"}[*d.SystemTrusts]
	}
	for _, x := range d.Chain {
		c.Certs = append(c.Certs, tlsCert{Subject: clip(x.Subject), Issuer: clip(x.Issuer), IsCA: x.IsCA, SHA256: x.SHA256,
			Validity: x.NotBefore.UTC().Format("2006-01-02") + " to " + x.NotAfter.UTC().Format("2006-01-02"),
			Names:    clip(strings.Join(x.DNSNames, ", "))})
	}
	return c, true
}
