// Package respondercmd is `roompath responder`: the far end of
// proxycheck's transparent-proxy check (docs/responder.md), serving the
// echo protocol of internal/responder over HTTP and plain TCP.
package respondercmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/report"
)

const usage = `responder: the echo responder for proxycheck's transparent-proxy check.

Usage: roompath responder [--listen ADDR] [--tcp-listen ADDR] [flags]

An HTTP request gets "200 OK" with header X-Roompath-Echo and, as its body,
the exact bytes of the request head as received (request line through the
blank line). A client that does not speak HTTP gets a plain TCP echo on the
same port; --tcp-listen adds a port that only echoes. Reads are bounded in
size and time, connections are capped in total and per source address, and
nothing is ever sent that was not received, plus a fixed header. Place it
beyond the device under suspicion (room VLAN, DMZ) and run
  proxycheck --echo http://RESPONDER:8080/

Stops on SIGINT or SIGTERM. Exit codes: 0 stopped cleanly, 2 bad flags,
3 cannot listen.

Flags:
`

// Main runs the responder with args until SIGINT or SIGTERM and returns
// the exit code. Diagnostics and the connection log go to stderr; stdout
// is unused.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, stdout, stderr)
}

// Run is Main stopping when ctx ends, for tests and embedding. Once
// listening it writes "listening MODE on ADDR" lines to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		listen, tcpListen string
		quiet             bool
		cfg               responder.Config
	)
	fs := pflag.NewFlagSet("responder", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&listen, "listen", ":8080", "ADDR for the HTTP echo (and plain echo for non-HTTP clients)")
	fs.StringVar(&tcpListen, "tcp-listen", "", "ADDR for a plain TCP echo only (default: none)")
	fs.IntVar(&cfg.MaxConns, "max-conns", responder.DefaultMaxConns, "connections served at once")
	fs.IntVar(&cfg.MaxPerSource, "max-per-source", responder.DefaultMaxPerSource, "connections at once from one address")
	fs.BoolVar(&quiet, "quiet", false, "no connection log on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return report.ExitOK
		}
		fmt.Fprintf(stderr, "responder: %v\n", err)
		return report.ExitUsage
	}
	if fs.NArg() > 0 || cfg.MaxConns < 1 || cfg.MaxPerSource < 1 || listen == "" {
		fmt.Fprintf(stderr, "responder: want only flags, with --listen set and positive limits (see --help)\n")
		return report.ExitUsage
	}
	if !quiet {
		cfg.Log = stderr
	}
	return serve(ctx, responder.New(cfg), listen, tcpListen, stderr)
}

func serve(ctx context.Context, srv *responder.Server, listen, tcpListen string, stderr io.Writer) int {
	type bound struct {
		ln   net.Listener
		mode responder.Mode
		name string
	}
	var lns []bound
	for _, l := range []struct {
		addr, name string
		mode       responder.Mode
	}{{listen, "http-echo", responder.ModeAuto}, {tcpListen, "tcp-echo", responder.ModeTCPEcho}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			for _, b := range lns {
				b.ln.Close()
			}
			fmt.Fprintf(stderr, "responder: %v\n", err)
			return report.ExitCannotRun
		}
		fmt.Fprintf(stderr, "listening %s on %s\n", l.name, ln.Addr())
		lns = append(lns, bound{ln, l.mode, l.name})
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(lns))
	for _, b := range lns {
		wg.Go(func() { errs <- srv.Serve(ctx, b.ln, b.mode) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			fmt.Fprintf(stderr, "responder: %v\n", err)
			return report.ExitCannotRun
		}
	}
	return report.ExitOK
}
