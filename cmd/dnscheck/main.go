// Command dnscheck resolves zoomstatus.com and the Zoom endpoints through
// every resolver at once and names what is wrong. See docs/dnscheck.md.
package main

import (
	"github.com/roompath/roompath/cmd/dnscheck/dnscmd"
	"github.com/roompath/roompath/internal/cli"
)

func main() { cli.Main(dnscmd.Tool()) }
