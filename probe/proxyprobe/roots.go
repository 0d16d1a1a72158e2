package proxyprobe

import (
	"crypto/x509"
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
