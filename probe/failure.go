package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// Failure strings, following OONI's netxlite vocabulary where one exists.
const (
	FailureConnectionRefused  = "connection_refused"
	FailureConnectionReset    = "connection_reset"
	FailureConnectionAborted  = "connection_aborted"
	FailureHostUnreachable    = "host_unreachable"
	FailureNetworkUnreachable = "network_unreachable"
	FailureNetworkDown        = "network_down"
	FailurePermissionDenied   = "permission_denied"
	FailureTimeout            = "generic_timeout_error"
	FailureEOF                = "eof_error"
	FailureDNSNXDOMAIN        = "dns_nxdomain_error"
	FailureDNSNoAnswer        = "dns_no_answer"
	FailureDNSRefused         = "dns_refused_error"
	FailureDNSServfail        = "dns_servfail_error"
	FailureDNSBogon           = "dns_bogon_error"
	FailureDNSWrongQueryID    = "dns_reply_with_wrong_query_id"
	// FailureDNSUnexpectedSource: replies came only from an address or
	// port the query was not sent to (a transparent interceptor).
	FailureDNSUnexpectedSource = "dns_reply_from_unexpected_source"
	// FailureDNSMalformedReply: replies with the query's id did not parse
	// or answered another question.
	FailureDNSMalformedReply = "dns_malformed_reply"
	// FailureDNSMismatch: no address in common with the reference
	// resolvers' answers.
	FailureDNSMismatch = "dns_mismatch"
	// FailureDNSNXDOMAINRewrite: a name that does not exist got an
	// address (the resolver rewrites NXDOMAIN).
	FailureDNSNXDOMAINRewrite = "dns_nxdomain_rewrite"
	FailureSSLUnknownAuth     = "ssl_unknown_authority"
	FailureSSLInvalidHostname = "ssl_invalid_hostname"
	FailureSSLInvalidCert     = "ssl_invalid_certificate"
	FailureSSLHandshake       = "ssl_failed_handshake"
	// FailureUnknownPrefix starts the failure string of anything unmapped;
	// the error text follows it.
	FailureUnknownPrefix = "unknown_failure: "
)

// Operations: the step that failed.
const (
	OpResolve        = "resolve"
	OpRouteLookup    = "route_lookup"
	OpConnect        = "connect"
	OpTLSHandshake   = "tls_handshake"
	OpHTTPRoundTrip  = "http_round_trip"
	OpDNSRoundTrip   = "dns_round_trip"
	OpProxyConnect   = "proxy_connect"
	OpNeighbor       = "neighbor_resolution"
	OpStatusFetch    = "status_fetch"
	OpTraceHop       = "trace_hop"
	OpLocalPolicy    = "local_policy"
	OpReadErrorQueue = "read_error_queue"
)

// Classify maps an error to its failure string; nil maps to "". The order
// matters: timeouts and typed errors are recognised before anything else, and
// message text is never parsed.
func Classify(err error) string {
	if err == nil {
		return ""
	}
	if f := classifyTimeoutOrEOF(err); f != "" {
		return f
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if f, ok := errnoFailure(errno); ok {
			return f
		}
	}
	if f := classifyDNS(err); f != "" {
		return f
	}
	if f := classifyTLS(err); f != "" {
		return f
	}
	return FailureUnknownPrefix + err.Error()
}

func classifyTimeoutOrEOF(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return FailureTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return FailureTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return FailureEOF
	}
	return ""
}

func classifyDNS(err error) string {
	var de *net.DNSError
	if !errors.As(err, &de) {
		return ""
	}
	switch {
	case de.IsNotFound:
		return FailureDNSNXDOMAIN
	case de.IsTimeout:
		return FailureTimeout
	}
	return ""
}

func classifyTLS(err error) string {
	var (
		ua    x509.UnknownAuthorityError
		he    x509.HostnameError
		ci    x509.CertificateInvalidError
		rh    tls.RecordHeaderError
		ae    tls.AlertError
		ve    *tls.CertificateVerificationError
		uaP   *x509.UnknownAuthorityError
		heP   *x509.HostnameError
		ciP   *x509.CertificateInvalidError
		inner error
	)
	if errors.As(err, &ve) {
		inner = ve.Err
	} else {
		inner = err
	}
	switch {
	case errors.As(inner, &ua), errors.As(inner, &uaP):
		return FailureSSLUnknownAuth
	case errors.As(inner, &he), errors.As(inner, &heP):
		return FailureSSLInvalidHostname
	case errors.As(inner, &ci), errors.As(inner, &ciP):
		return FailureSSLInvalidCert
	case errors.As(err, &rh), errors.As(err, &ae), ve != nil:
		return FailureSSLHandshake
	}
	return ""
}
