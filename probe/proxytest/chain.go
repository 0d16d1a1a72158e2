package proxytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// ChainOrigin is a TLS origin like TLSOrigin whose leaves are issued
// through a line of intermediate CAs under a root, and which sends the
// whole chain, leaf first: a server flight of a few kilobytes, as a real
// service's is, that needs full-sized TCP segments (the MTU black-hole
// lab). It verifies against the root's Pool like TLSOrigin's leaves. Build
// it with NewChainOrigin.
type ChainOrigin struct {
	issuer *CA      // the last intermediate: it signs the leaves
	chain  [][]byte // the intermediates' DER, the issuer's first
	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// NewChainOrigin makes n (at least 1) intermediate CAs in a line under
// root and returns an origin that serves leaves from the last one.
func NewChainOrigin(root *CA, n int) (*ChainOrigin, error) {
	if n < 1 {
		return nil, fmt.Errorf("proxytest: a chain origin needs at least 1 intermediate, not %d", n)
	}
	o := &ChainOrigin{issuer: root, leaves: map[string]*tls.Certificate{}}
	for i := 1; i <= n; i++ {
		next, err := o.issuer.intermediate(i)
		if err != nil {
			return nil, err
		}
		o.issuer = next
		o.chain = append([][]byte{next.Cert.Raw}, o.chain...)
	}
	return o, nil
}

// ChainBytes is the size of the chain the origin sends, leaf for name
// included: a lower bound of its server flight.
func (o *ChainOrigin) ChainBytes(name string) (int, error) {
	c, err := o.certificate(name)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, der := range c.Certificate {
		total += len(der)
	}
	return total, nil
}

// Serve runs the origin on ln until cleanup. After the handshake it
// answers one HTTP request with 200, as TLSOrigin does.
func (o *ChainOrigin) Serve(ln net.Listener) (cleanup func()) {
	cfg := &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := h.ServerName
		if name == "" {
			name = "localhost"
		}
		return o.certificate(name)
	}}
	return serve(ln, func(c net.Conn) { answerTLS(tls.Server(c, cfg)) })
}

// certificate returns (and caches) the leaf for name with the chain.
func (o *ChainOrigin) certificate(name string) (*tls.Certificate, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c, ok := o.leaves[name]; ok {
		return c, nil
	}
	leaf, err := o.issuer.Leaf(name)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: append([][]byte{leaf.Certificate[0]}, o.chain...), PrivateKey: leaf.PrivateKey}
	o.leaves[name] = c
	return c, nil
}

// intermediate issues the i-th intermediate CA under ca.
func (ca *CA) intermediate(i int) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, err
	}
	subject := pkix.Name{CommonName: fmt.Sprintf("%s Intermediate %d", ca.Cert.Subject.CommonName, i), Organization: ca.Cert.Subject.Organization}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: subject,
		NotBefore: time.Now().Add(-24 * time.Hour), NotAfter: ca.Cert.NotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, key: key, leaf: map[string]*tls.Certificate{}, NotAfter: ca.NotAfter}, nil
}

// answerTLS completes the handshake and answers one HTTP request with 200.
func answerTLS(tc *tls.Conn) {
	if err := tc.Handshake(); err != nil {
		return
	}
	if _, _, ok := readHead(tc); ok {
		tc.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"))
	}
	tc.Close()
}
