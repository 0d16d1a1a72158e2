package proxyprobe

import (
	"errors"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

// ErrHeadTooLarge is returned when a peer's HTTP head exceeds the size cap.
var ErrHeadTooLarge = errors.New("HTTP head exceeds the size limit")

// errInvalidHTTP marks an answer that is not valid HTTP.
type errInvalidHTTP struct{ err error }

func (e *errInvalidHTTP) Error() string { return "invalid HTTP answer: " + e.err.Error() }
func (e *errInvalidHTTP) Unwrap() error { return e.err }

// errPAC marks a PAC file that cannot be compiled, run or understood.
type errPAC struct{ err error }

func (e *errPAC) Error() string { return "PAC: " + e.err.Error() }
func (e *errPAC) Unwrap() error { return e.err }

// classify maps an error to its failure string: the typed errors of this
// package first, then probe.Classify.
func classify(err error) vocab.Failure {
	var (
		inv *errInvalidHTTP
		pac *errPAC
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrHeadTooLarge):
		return vocab.FailureHTTPHeadTooLarge
	case errors.As(err, &pac):
		return vocab.FailurePACInvalid
	case errors.As(err, &inv):
		return vocab.FailureHTTPInvalidResponse
	}
	return probe.Classify(err)
}
