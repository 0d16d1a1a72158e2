// Package proxyprobe finds and names what stands between a Zoom Room and the
// Zoom cloud: explicit proxies (environment, PAC files, WPAD), transparent
// HTTP proxies that rewrite requests, TLS-intercepting inspection boxes and
// captive portals.
//
// Each check is a constructor capturing its configuration (NewProxy, NewTLS,
// NewHTTPEcho, NewHTTPWeak, NewCaptive) returning a value with one
// Run(ctx) that always yields a report.Result: a network failure is data.
// Every read is bounded in size and time, so a check ends by its deadline
// whatever the peer does. Failures are classified from typed errors (x509
// error types, HTTP status codes, net errors), never from message text.
//
// Targets can be redirected for tests and labs with ConnectTo rules
// (curl's --connect-to): the check connects to the rule's address while SNI,
// Host and CONNECT still name the host under test.
package proxyprobe
