// Command servebin is `roompath serve` on its own, for the exporter's
// namespace-lab integration test and the benchmark beside
// blackbox_exporter. It is not installed: `roompath serve` is the command.
package main

import (
	"os"

	"github.com/roompath/roompath/cmd/roompath/servecmd"
)

func main() { os.Exit(servecmd.Main(os.Args[1:], os.Stdout, os.Stderr)) }
