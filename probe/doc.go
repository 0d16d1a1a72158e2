// Package probe holds roompath's probes and its closed failure vocabulary.
//
// A probe is built by a constructor that captures its configuration and
// runs with Run(ctx). A network failure is a result, classified into the
// vocabulary of shared/DESIGN.md from typed errors (errno, ICMP type and
// code, x509 error types); a Go error from Run means the probe could not be
// attempted at all. Probes never print and never read flags.
package probe
