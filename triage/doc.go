// Package triage is the decision path for one Zoom Room as a library: Zoom's
// service status, the route and hop-by-hop path toward the room's TCP 9090,
// the room's ports (with a control port that tells a port-specific filter
// from a dead room), DNS of the Zoom names through every resolver, and
// proxies and TLS toward the Zoom cloud, all at once; then a verdict that
// names the first failing layer along the troubleshooting order (cloud,
// local, network, transport, dns, proxy, tls) with its evidence and next
// steps.
//
// Run resolves the room once and calls the probes directly. Decide reads the
// probes' typed details (a type switch), never their JSON, so a renamed
// field breaks the build rather than the verdict.
package triage
