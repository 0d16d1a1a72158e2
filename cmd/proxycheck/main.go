// Command proxycheck finds and names the explicit, transparent and
// TLS-intercepting proxies and captive portals between a Zoom Room's
// network and the Zoom cloud. See proxycheck --help and docs/proxycheck.md.
package main

import (
	"github.com/roompath/roompath/cmd/proxycheck/proxycmd"
	"github.com/roompath/roompath/internal/cli"
)

func main() { cli.Main(proxycmd.Tool()) }
