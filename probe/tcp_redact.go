package probe

import "strings"

// CredentialFree says the detail holds no "@" in any string, so the report
// Writer need not marshal it to look for URL credentials (report.
// CredentialFree): a sweep's per-result redaction stays a few string
// scans. TestTCPDetailCredentialFreeSeesEveryString keeps it complete.
func (d *TCPDetail) CredentialFree() bool {
	if d == nil {
		return true
	}
	for _, s := range []string{d.Address, d.Name, d.ResolvedVia, d.Mode, d.RouteType, d.HandshakeCheck, d.AfterHandshake, d.HandshakeNote} {
		if strings.IndexByte(s, '@') >= 0 {
			return false
		}
	}
	for _, s := range d.Undistinguished {
		if strings.IndexByte(s, '@') >= 0 {
			return false
		}
	}
	return d.ICMP == nil || strings.IndexByte(d.ICMP.From, '@') < 0
}
