// Command portcheck tells, for each target, whether TCP 9090 (or any port)
// is open, closed, silently dropped, rejected by a firewall, unreachable or
// without a route, and who said so. See portcheck --help.
package main

import (
	"github.com/roompath/roompath/cmd/portcheck/portcmd"
	"github.com/roompath/roompath/internal/cli"
)

func main() { cli.Main(portcmd.Tool()) }
