package main

import (
	"github.com/roompath/roompath/cmd/dnscheck/dnscmd"
	"github.com/roompath/roompath/cmd/mediacheck/mediacmd"
	"github.com/roompath/roompath/cmd/pathcheck/pathcmd"
	"github.com/roompath/roompath/cmd/portcheck/portcmd"
	"github.com/roompath/roompath/cmd/proxycheck/proxycmd"
	"github.com/roompath/roompath/cmd/roompath/diffcmd"
	"github.com/roompath/roompath/cmd/roompath/respondercmd"
	"github.com/roompath/roompath/cmd/roompath/runcmd"
	"github.com/roompath/roompath/cmd/roompath/servecmd"
	"github.com/roompath/roompath/cmd/roompath/statuscmd"
	"github.com/roompath/roompath/cmd/roompath/triagecmd"
)

// commands is the registry of subcommands.
func commands() map[string]command {
	return map[string]command{
		"triage":    {"the whole decision path for one room, with a verdict", tool(triagecmd.Tool)},
		"port":      {"TCP reachability of rooms or sweeps (portcheck)", tool(portcmd.Tool)},
		"path":      {"route, neighbours and the hop where TCP 9090 to a room dies (pathcheck)", tool(pathcmd.Tool)},
		"serve":     {"Prometheus exporter: /metrics and blackbox-style /probe", servecmd.Main},
		"dns":       {"the Zoom names through every resolver, tampering named (dnscheck)", tool(dnscmd.Tool)},
		"proxy":     {"explicit, transparent and TLS-intercepting proxies; captive portals (proxycheck)", tool(proxycmd.Tool)},
		"media":     {"the UDP media path to a roompath responder: ports, loss, jitter, latency, DSCP (mediacheck)", tool(mediacmd.Tool)},
		"diff":      {"what changed between two reports (json or ndjson)", diffcmd.Main},
		"run":       {"check a profile's must_reach and must_not_reach from this network", tool(runcmd.Tool)},
		"status":    {"Zoom's service status from its status page", tool(statuscmd.Tool)},
		"responder": {"serve the echo protocol for transparent-proxy tests and the UDP media reflector", respondercmd.Main},
	}
}
