package status

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/textproto"
	"strings"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// Failures lists every failure string the status check can produce other
// than vocab.UnknownPrefix ones: the closed vocabulary.
var Failures = []vocab.Failure{
	vocab.FailureStatusHTTP, vocab.FailureStatusNotJSON, vocab.FailureStatusNotStatuspage, vocab.FailureStatusBodyTooLarge, vocab.FailureStatusTooManyRedirects,
	vocab.FailureTimeout, vocab.FailureEOF, vocab.FailureConnectionRefused, vocab.FailureConnectionReset,
	vocab.FailureHostUnreachable, vocab.FailureNetworkUnreachable, vocab.FailureDNSNXDOMAIN,
	vocab.FailureSSLUnknownAuth, vocab.FailureSSLInvalidHostname, vocab.FailureSSLInvalidCert, vocab.FailureSSLHandshake,
	vocab.FailureHTTPInvalidResponse, vocab.FailureHTTPHeadTooLarge, vocab.FailureAddrNotAllowed, vocab.FailureLocalResources,
}

// Classify maps a fetch error to its failure and the operation that
// failed, from typed errors only; nil for a nil err.
func Classify(err error) *probe.Error {
	if err == nil {
		return nil
	}
	f, op := classify(err)
	return &probe.Error{Failure: f, Operation: op, Err: err}
}

func classify(err error) (vocab.Failure, vocab.Operation) {
	if f, op, ok := errOperation(err); ok {
		return f, op // classified where it happened (the guard)
	}
	var (
		hs  *HTTPStatusError
		inv *InvalidResponseError
		pe  textproto.ProtocolError
	)
	switch {
	case errors.Is(err, ErrHeadTooLarge):
		return vocab.FailureHTTPHeadTooLarge, vocab.OpStatusFetch
	case errors.As(err, &inv), errors.As(err, &pe):
		return vocab.FailureHTTPInvalidResponse, vocab.OpStatusFetch
	case errors.As(err, &hs):
		return vocab.FailureStatusHTTP, vocab.OpStatusFetch
	case errors.Is(err, ErrNotJSON):
		return vocab.FailureStatusNotJSON, vocab.OpStatusFetch
	case errors.Is(err, ErrNotStatuspage):
		return vocab.FailureStatusNotStatuspage, vocab.OpStatusFetch
	case errors.Is(err, ErrTooLarge):
		return vocab.FailureStatusBodyTooLarge, vocab.OpStatusFetch
	case errors.Is(err, ErrTooManyRedirects):
		return vocab.FailureStatusTooManyRedirects, vocab.OpStatusFetch
	}
	f := probe.Classify(err)
	if strings.HasPrefix(string(f), vocab.UnknownPrefix) {
		f = vocab.Failure(report.RedactText(string(f)))
	}
	return f, operationOf(err)
}

// operationOf names the step a transport error came from.
func operationOf(err error) vocab.Operation {
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
		return vocab.OpResolve
	case errors.As(err, &ve), errors.As(err, &rh), errors.As(err, &ae),
		errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &inv):
		return vocab.OpTLSHandshake
	case errors.As(err, &oe) && oe.Op == "dial":
		return vocab.OpConnect
	case errors.As(err, &oe) && oe.Op == "proxyconnect":
		return vocab.OpProxyConnect
	}
	return vocab.OpStatusFetch
}
