// Command servebin is `roompath serve` on its own, for servecmd's
// namespace-lab integration test and the benchmark beside
// blackbox_exporter (internal/benchexporter). It lives in testdata so that
// `go build ./cmd/...` and `make build` leave it out: it is not installed,
// `roompath serve` is the command. Build it by its import path.
package main

import (
	"os"

	"github.com/roompath/roompath/cmd/roompath/servecmd"
)

func main() { os.Exit(servecmd.Main(os.Args[1:], os.Stdout, os.Stderr)) }
