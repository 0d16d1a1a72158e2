package status

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"

	"github.com/roompath/roompath/probe"
)

// Failure strings of the status check, beside probe's shared vocabulary
// (timeouts, refused connections, DNS and TLS failures).
const (
	// FailureHTTPStatus: the server answered with a status other than 200.
	FailureHTTPStatus = "status_http_error"
	// FailureNotJSON: the body was not JSON (a marketing page, a proxy's
	// block page, a captive portal).
	FailureNotJSON = "status_not_json"
	// FailureNotStatuspage: JSON, but without page.id.
	FailureNotStatuspage = "status_not_statuspage"
	// FailureBodyTooLarge: more than Config.MaxBody bytes.
	FailureBodyTooLarge = "status_body_too_large"
	// FailureTooManyRedirects: a redirect loop or chain.
	FailureTooManyRedirects = "status_too_many_redirects"
)

// Failures lists every failure string the status check can produce other
// than probe.FailureUnknownPrefix ones: the closed vocabulary.
var Failures = []string{
	FailureHTTPStatus, FailureNotJSON, FailureNotStatuspage, FailureBodyTooLarge, FailureTooManyRedirects,
	probe.FailureTimeout, probe.FailureEOF, probe.FailureConnectionRefused, probe.FailureConnectionReset,
	probe.FailureHostUnreachable, probe.FailureNetworkUnreachable, probe.FailureDNSNXDOMAIN,
	probe.FailureSSLUnknownAuth, probe.FailureSSLInvalidHostname, probe.FailureSSLInvalidCert, probe.FailureSSLHandshake,
}

// Classify maps a fetch error to its failure string and the operation that
// failed, from typed errors only.
func Classify(err error) (failure, operation string) {
	var hs *HTTPStatusError
	switch {
	case err == nil:
		return "", ""
	case errors.As(err, &hs):
		return FailureHTTPStatus, probe.OpStatusFetch
	case errors.Is(err, ErrNotJSON):
		return FailureNotJSON, probe.OpStatusFetch
	case errors.Is(err, ErrNotStatuspage):
		return FailureNotStatuspage, probe.OpStatusFetch
	case errors.Is(err, ErrTooLarge):
		return FailureBodyTooLarge, probe.OpStatusFetch
	case errors.Is(err, ErrTooManyRedirects):
		return FailureTooManyRedirects, probe.OpStatusFetch
	}
	return probe.Classify(err), operationOf(err)
}

// operationOf names the step a transport error came from.
func operationOf(err error) string {
	var (
		de  *net.DNSError
		oe  *net.OpError
		ve  *tls.CertificateVerificationError
		rh  tls.RecordHeaderError
		ae  tls.AlertError
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		inv x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &de):
		return probe.OpResolve
	case errors.As(err, &ve), errors.As(err, &rh), errors.As(err, &ae),
		errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &inv):
		return probe.OpTLSHandshake
	case errors.As(err, &oe) && oe.Op == "dial":
		return probe.OpConnect
	case errors.As(err, &oe) && oe.Op == "proxyconnect":
		return probe.OpProxyConnect
	}
	return probe.OpStatusFetch
}
