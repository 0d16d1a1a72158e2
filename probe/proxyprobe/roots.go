package proxyprobe

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// BundledRoots returns the public root set of
// golang.org/x/crypto/x509roots/fallback (Mozilla NSS), the roots the
// genuine Zoom service chains to (DigiCert among them). It is built once,
// apart from the system store, with the bundle's distrust-after
// constraints.
func BundledRoots() *x509.CertPool { return bundledRoots() }

var bundledRoots = sync.OnceValue(func() *x509.CertPool {
	p := x509.NewCertPool()
	for r := range bundle.Roots() {
		c, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			continue // a certificate the bundle's own tests would catch
		}
		if r.Constraint == nil {
			p.AddCert(c)
		} else {
			p.AddCertWithConstraint(c, r.Constraint)
		}
	}
	return p
})

// ErrNoCertificates is LoadRoots' error for a file that holds no PEM
// certificate.
var ErrNoCertificates = errors.New("no PEM certificate")

// LoadRoots reads a PEM file of the roots the genuine service chains to
// (proxycheck's --ca, for TLSConfig.Roots and SuiteConfig.Roots, whose
// RootsName is then the path). A file without a certificate is an error
// wrapping ErrNoCertificates ("PATH holds no PEM certificate"); a read
// error is returned as is.
func LoadRoots(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%q cannot be read: %w", path, errors.Unwrap(err))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%q holds %w", path, ErrNoCertificates)
	}
	return pool, nil
}
