// Package proxytest holds the misbehaving peers that proxycheck is tested
// against, for loopback tests and the namespace lab: a certificate
// authority for genuine and intercepting chains, TLS origins (genuine,
// stalling), explicit CONNECT proxies (port policy, authentication,
// interception, silence, endless headers), a transparent proxy that
// rewrites requests, an echo server that is not a roompath responder, a
// filtering proxy's block page, captive portals and a WPAD DNS server.
//
// Every fake serves on a listener it is given (so the lab can hand it one
// created inside a network namespace) and returns a cleanup function once
// it is ready. Fakes never resolve names and never dial outside the
// upstream addresses they are configured with.
package proxytest
