// Package proxyprobe finds and names what stands between a Zoom Room and the
// Zoom cloud: explicit proxies (environment, PAC files, WPAD), transparent
// HTTP proxies that rewrite requests, TLS-intercepting inspection boxes and
// captive portals.
//
// Each check is a constructor taking its configuration (NewProxy, NewTLS,
// NewHTTPEcho, NewHTTPWeak, NewCaptive with a ProxyConfig, TLSConfig, …)
// and returning the check or an error naming a bad value; the check's one
// Run(ctx, emit) emits exactly one report.Result, with seq 0, for every
// outcome: a network failure is data. Discover finds the proxy settings
// the proxy and TLS checks follow and reports where they came from.
//
// A Suite (NewSuite with a SuiteConfig) is the whole proxycheck plan as a
// library: hosts × ports into proxy and TLS targets, the proxy settings
// found once, every check run concurrently, the results emitted in plan
// order. proxycheck and triage both run one.
//
// Every result's Detail is a pointer to an exported type of this package:
// *ConfigDetail (proxy/config), *ProxyDetail, *TLSDetail, *EchoDetail,
// *WeakDetail or *CaptiveDetail.
//
// Every read is bounded in size and time, so a check ends by its deadline
// whatever the peer does. Failures are classified from typed errors (x509
// error types, HTTP status codes, net errors), never from message text.
//
// Targets can be redirected for tests and labs with ConnectTo rules
// (curl's --connect-to): the check connects to the rule's address while SNI,
// Host and CONNECT still name the host under test.
package proxyprobe
