// Package probe holds the TCP probe and its sweep, the one name resolver
// (Resolve, and Unresolved for a name without an address), and the
// classification of errors into the failure vocabulary (Classify, and the
// failure value Error). The other probes are subpackages, one a protocol:
// pathprobe, dnsprobe, proxyprobe, status; the closed vocabulary itself is
// the leaf package vocab.
//
// Every probe has one shape: NewX(XConfig) (*X, error) checks and captures
// its configuration, and Run(ctx, emit report.Emit) hands each result to
// emit. A network failure is a result, classified into the vocabulary of
// shared/DESIGN.md from typed errors (errno, ICMP type and code, x509 error
// types); an error from NewX means the probe cannot be attempted at all.
// Probes never print and never read flags.
package probe
