package proxyprobe

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestProxyVerdict(t *testing.T) {
	refused := &outcome{hop: Hop{Kind: HopDirect}, err: syscall.ECONNREFUSED}
	ok := &outcome{hop: Hop{Kind: HopDirect}, ok: true}
	proxy := Hop{Kind: HopHTTP, Addr: "p:3128"}
	granted := &outcome{hop: proxy, ok: true, ans: &ProxyAnswer{Status: 200}}
	denied := &outcome{hop: proxy, ans: &ProxyAnswer{Status: 403}}
	auth := &outcome{hop: proxy, ans: &ProxyAnswer{Status: 407, AuthRequired: true}}
	silent := &outcome{hop: proxy, err: errors.Join(errors.New("read"), errTimeout{})}
	tests := []struct {
		name             string
		direct, viaProxy *outcome
		want             verdict
	}{
		{"direct", ok, nil, verdict{Status: report.StatusPass, Observed: vocab.ProxyDirect}},
		{"direct, proxy granted too", ok, granted, verdict{Status: report.StatusPass, Observed: vocab.ProxyDirect}},
		{"direct, proxy denies", ok, denied, verdict{Status: report.StatusWarn, Observed: vocab.ProxyDirect}},
		{"via proxy", refused, granted, verdict{Status: report.StatusWarn, Observed: vocab.ProxyViaProxy}},
		{"denied", refused, denied, verdict{report.StatusFail, vocab.ProxyDenied, vocab.FailureProxyDenied, vocab.OpProxyConnect}},
		{"auth", refused, auth, verdict{report.StatusFail, vocab.ProxyAuthRequired, vocab.FailureProxyAuthRequired, vocab.OpProxyConnect}},
		{"proxy silent", refused, silent, verdict{report.StatusFail, vocab.ProxyBlocked, vocab.FailureTimeout, vocab.OpProxyConnect}},
		{"no proxy", refused, nil, verdict{report.StatusFail, vocab.ProxyBlocked, vocab.FailureConnectionRefused, vocab.OpConnect}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, verdictOf(proxyVerdict(tt.direct, tt.viaProxy))); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "i/o timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }

func TestVendor(t *testing.T) {
	cert := func(subject, issuer pkix.Name) *x509.Certificate {
		return &x509.Certificate{Subject: subject, Issuer: issuer}
	}
	leaf := pkix.Name{CommonName: "zoom.us"}
	tests := []struct {
		name  string
		chain []*x509.Certificate
		want  string
	}{
		{"fortigate", []*x509.Certificate{cert(leaf, pkix.Name{CommonName: "FortiGate CA", Organization: []string{"Fortinet"}})}, "Fortinet"},
		{"zscaler intermediate", []*x509.Certificate{cert(leaf, pkix.Name{CommonName: "Zscaler Intermediate Root CA (zscaler.net)"})}, "Zscaler"},
		{"palo alto", []*x509.Certificate{cert(leaf, pkix.Name{CommonName: "Forward-Trust-CA", Organization: []string{"Palo Alto Networks"}})}, "Palo Alto Networks"},
		{"squid", []*x509.Certificate{cert(leaf, pkix.Name{CommonName: "squid-ssl-bump"})}, "Squid"},
		{"leaf name ignored", []*x509.Certificate{cert(pkix.Name{CommonName: "cisco.com"}, pkix.Name{CommonName: "Corp Inspection CA"})}, ""},
		{"ca subject counts", []*x509.Certificate{cert(leaf, pkix.Name{CommonName: "Corp CA"}), cert(pkix.Name{CommonName: "Corp CA", Organization: []string{"Netskope Inc"}}, pkix.Name{CommonName: "root"})}, "Netskope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Vendor(tt.chain); got != tt.want {
				t.Errorf("Vendor = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBundledRoots(t *testing.T) {
	//lint:ignore SA1019 the pool is built from the bundle, not the system store, so Subjects counts it all
	if n := len(BundledRoots().Subjects()); n < 100 {
		t.Errorf("bundled roots hold %d certificates, want the public set", n)
	}
}
