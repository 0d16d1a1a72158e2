package proxyprobe

import (
	"crypto/x509"
	"strings"
)

// vendorMarks maps words found in an inspection CA's names to the vendor
// they name. Matching is on certificate fields (data), case-insensitive,
// in order; the first hit wins.
var vendorMarks = []struct{ mark, vendor string }{
	{"fortinet", "Fortinet"}, {"fortigate", "Fortinet"},
	{"palo alto", "Palo Alto Networks"}, {"paloalto", "Palo Alto Networks"},
	{"zscaler", "Zscaler"},
	{"cisco umbrella", "Cisco"}, {"cisco", "Cisco"}, {"opendns", "Cisco"},
	{"netskope", "Netskope"},
	{"sophos", "Sophos"},
	{"squid", "Squid"},
	{"mitmproxy", "mitmproxy"},
	{"check point", "Check Point"}, {"checkpoint", "Check Point"},
	{"blue coat", "Blue Coat (Broadcom)"}, {"bluecoat", "Blue Coat (Broadcom)"},
	{"forcepoint", "Forcepoint"}, {"websense", "Forcepoint"},
	{"barracuda", "Barracuda"},
	{"watchguard", "WatchGuard"},
	{"sonicwall", "SonicWall"},
	{"mcafee", "McAfee / Skyhigh"}, {"skyhigh", "McAfee / Skyhigh"},
	{"menlo security", "Menlo Security"},
	{"iboss", "iboss"},
	{"lightspeed", "Lightspeed"},
	{"securly", "Securly"},
	{"contentkeeper", "ContentKeeper"},
	{"untangle", "Untangle"},
	{"kaspersky", "Kaspersky"},
	{"eset ssl filter", "ESET"},
	{"avast", "Avast"}, {"bitdefender", "Bitdefender"},
	{"fiddler", "Fiddler"}, {"charles proxy", "Charles Proxy"},
	{"burp", "Burp Suite"},
}

// Vendor names the inspection product whose CA issued chain (leaf
// first), from the issuer names and the CA certificates' subjects; the
// leaf's own subject, which names the site, is ignored. "" when no vendor
// is named.
func Vendor(chain []*x509.Certificate) string {
	var names []string
	for i, c := range chain {
		names = append(names, strings.ToLower(c.Issuer.String()))
		if i > 0 {
			names = append(names, strings.ToLower(c.Subject.String()))
		}
	}
	all := strings.Join(names, "\n")
	for _, m := range vendorMarks {
		if strings.Contains(all, m.mark) {
			return m.vendor
		}
	}
	return ""
}
