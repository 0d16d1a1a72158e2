package proxyprobe

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// ChainVerdict is the socket-free judgement of a presented chain.
type ChainVerdict struct {
	// Observed is vocab.TLSGenuine, vocab.TLSIntercepted or vocab.TLSInvalid.
	Observed vocab.Observed
	// Failure classifies what the genuine roots' verification said; ""
	// when genuine.
	Failure vocab.Failure
	// SystemTrusts says whether the system store accepts the chain for
	// the name (nil: could not be told).
	SystemTrusts *bool
}

// JudgeChain decides whether chain (leaf first) as presented for host is
// the genuine service's: it must chain to roots. A chain that chains to
// roots but fails (expired, wrong name) is invalid; one that does not chain
// to roots at all is intercepted. system nil means the platform verifier.
func JudgeChain(chain []*x509.Certificate, host string, roots, system *x509.CertPool, now time.Time) ChainVerdict {
	if len(chain) == 0 {
		return ChainVerdict{Observed: vocab.TLSInvalid, Failure: vocab.FailureSSLInvalidCert}
	}
	v := ChainVerdict{SystemTrusts: systemTrust(chain, host, system, now)}
	err := verifyChain(chain, host, roots, now)
	switch {
	case err == nil:
		v.Observed = vocab.TLSGenuine
	case verifyChain(chain, "", roots, midLife(chain[0])) == nil:
		v.Observed, v.Failure = vocab.TLSInvalid, probe.Classify(err)
	default:
		v.Observed, v.Failure = vocab.TLSIntercepted, vocab.FailureSSLUnknownAuth
	}
	return v
}

// midLife is a moment inside the leaf's validity, to ask "does it chain"
// apart from "is it current".
func midLife(c *x509.Certificate) time.Time {
	return c.NotBefore.Add(c.NotAfter.Sub(c.NotBefore) / 2)
}

func verifyChain(chain []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) error {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter, CurrentTime: now})
	return err
}

func systemTrust(chain []*x509.Certificate, host string, system *x509.CertPool, now time.Time) *bool {
	err := verifyChain(chain, host, system, now)
	var sre x509.SystemRootsError
	if errors.As(err, &sre) {
		return nil
	}
	ok := err == nil
	return &ok
}

// CertJSON is one certificate of a chain in a report.
type CertJSON struct {
	// Subject is the certificate's subject, e.g. "CN=zoom.us".
	Subject string `json:"subject"`
	// Issuer is the certificate's issuer.
	Issuer string `json:"issuer"`
	// NotBefore is the start of its validity, in UTC.
	NotBefore time.Time `json:"not_before"`
	// NotAfter is the end of its validity, in UTC.
	NotAfter time.Time `json:"not_after"`
	// DNSNames are its subject alternative names.
	DNSNames []string `json:"dns_names,omitempty"`
	// SHA256 is the hex SHA-256 of the DER certificate.
	SHA256 string `json:"sha256"`
	// IsCA is true for a CA certificate.
	IsCA bool `json:"is_ca"`
}

func chainJSON(chain []*x509.Certificate) []CertJSON {
	out := make([]CertJSON, 0, len(chain))
	for _, c := range chain {
		sum := sha256.Sum256(c.Raw)
		out = append(out, CertJSON{Subject: c.Subject.String(), Issuer: c.Issuer.String(), NotBefore: c.NotBefore.UTC(),
			NotAfter: c.NotAfter.UTC(), DNSNames: c.DNSNames, SHA256: hex.EncodeToString(sum[:]), IsCA: c.IsCA})
	}
	return out
}

// tlsResult turns a chain verdict into the result fields.
func tlsResult(v ChainVerdict, vendor, issuer string) report.Result {
	switch v.Observed {
	case vocab.TLSGenuine:
		return report.Result{Status: report.StatusPass, Observed: vocab.TLSGenuine, Reason: vocab.ReasonChainVerified}
	case vocab.TLSIntercepted:
		r := failed(vocab.TLSIntercepted, vocab.ReasonUnknownIssuer, v.Failure, vocab.OpTLSHandshake, interceptHint(vendor, issuer, v.SystemTrusts))
		return r
	}
	return failed(vocab.TLSInvalid, vocab.ReasonChainInvalid, v.Failure, vocab.OpTLSHandshake, hintInvalidChain)
}

const hintInvalidChain = "The certificate chains to the expected roots but is not valid for this name or date: check the host's clock, and whether a device rewrites the name (SNI) on the way."

func interceptHint(vendor, issuer string, systemTrusts *bool) string {
	who := "An inspection device"
	if vendor != "" {
		who = "A " + vendor + " device"
	}
	h := who + " re-signs TLS to this host (issuer: " + issuer + "). Add the Zoom domains to the SSL/TLS inspection bypass list; Zoom clients reject re-signed certificates."
	if systemTrusts != nil && *systemTrusts {
		h += " This host's certificate store trusts the inspection CA, so browsers here will not notice."
	}
	return h
}
