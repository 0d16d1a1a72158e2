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

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// Error is a classified failure: the failure string together with the
// operation that failed, as OONI's netxlite wraps errors. It is what a
// probe records when a step fails; Fill copies it into a result.
type Error struct {
	// Failure is the failure string; never empty.
	Failure vocab.Failure
	// Operation is the step that failed; empty when the step is not
	// known.
	Operation vocab.Operation
	// Err is the error classified; nil when the failure was observed on
	// the wire rather than returned by a call.
	Err error
}

// Wrap classifies err as a failure of operation op; nil for a nil err.
func Wrap(op vocab.Operation, err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e // classified where it happened
	}
	return &Error{Failure: Classify(err), Operation: op, Err: err}
}

// Error returns the failure string.
func (e *Error) Error() string { return string(e.Failure) }

// Unwrap returns the classified error.
func (e *Error) Unwrap() error { return e.Err }

// Fill sets r's failure and operation; a nil e clears them.
func (e *Error) Fill(r *report.Result) {
	if e == nil {
		r.SetFailure("", "")
		return
	}
	r.SetFailure(e.Failure, e.Operation)
}

// Classify maps an error to its failure string; nil maps to "". The order
// matters: cancellation, timeouts and typed errors are recognised before
// anything else, and message text is never parsed. A cancelled context is
// "interrupted": the caller stopped the work, the network said nothing.
func Classify(err error) vocab.Failure {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return vocab.FailureInterrupted
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Failure
	}
	if f := classifyTimeoutOrEOF(err); f != "" {
		return f
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if f, ok := netpath.ErrnoFailure(errno); ok {
			return f
		}
	}
	if f := classifyDNS(err); f != "" {
		return f
	}
	if f := classifyTLS(err); f != "" {
		return f
	}
	return vocab.Unknown(err.Error())
}

func classifyTimeoutOrEOF(err error) vocab.Failure {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return vocab.FailureTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return vocab.FailureTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return vocab.FailureEOF
	}
	return ""
}

func classifyDNS(err error) vocab.Failure {
	var de *net.DNSError
	if !errors.As(err, &de) {
		return ""
	}
	switch {
	case de.IsNotFound:
		return vocab.FailureDNSNXDOMAIN
	case de.IsTimeout:
		return vocab.FailureTimeout
	}
	return ""
}

func classifyTLS(err error) vocab.Failure {
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
		return vocab.FailureSSLUnknownAuth
	case errors.As(inner, &he), errors.As(inner, &heP):
		return vocab.FailureSSLInvalidHostname
	case errors.As(inner, &ci), errors.As(inner, &ciP):
		return vocab.FailureSSLInvalidCert
	case errors.As(err, &rh), errors.As(err, &ae), ve != nil:
		return vocab.FailureSSLHandshake
	}
	return ""
}
