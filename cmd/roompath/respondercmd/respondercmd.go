// Package respondercmd is `roompath responder`: the far end of
// proxycheck's transparent-proxy check and of mediacheck (docs/responder.md),
// serving the echo protocol of internal/responder over HTTP and plain TCP,
// and the mediacheck protocol over UDP.
package respondercmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/report"
)

const usage = `responder: the echo responder for proxycheck's transparent-proxy check and
mediacheck's UDP media path.

Usage: roompath responder [--listen ADDR] [--tcp-listen ADDR] [--udp LIST] [flags]

An HTTP request gets "200 OK" with header X-Roompath-Echo and, as its body,
the exact bytes of the request head as received (request line through the
blank line). A client that does not speak HTTP gets a plain TCP echo on the
same port; --tcp-listen adds a port that only echoes. Reads are bounded in
size and time, connections are capped in total and per source address, and
nothing is ever sent that was not received, plus a fixed header. Place it
beyond the device under suspicion (room VLAN, DMZ) and run
  proxycheck --echo http://RESPONDER:8080/

--udp 8801-8810,3478,3479 also answers mediacheck on those UDP ports of the
--listen host: each valid datagram once, to its source only, with a reply
of the same length (never larger) carrying the responder's timestamps and
the DSCP/ECN it arrived with; at most --udp-rate a second per source;
anything else is dropped. With --key only datagrams signed with the key are
answered. Then run
  mediacheck RESPONDER

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

// flags holds the parsed command line.
type flags struct {
	listen, tcpListen, udp, key string
	keyFile                     string
	quiet                       bool
	udpRate                     int
	cfg                         responder.Config
	ports                       []uint16
}

// Bounds of --udp-rate (datagrams per second per source).
const (
	minUDPRate = 1
	maxUDPRate = 100000
)

// Run is Main stopping when ctx ends, for tests and embedding. Once
// listening it writes "listening MODE on ADDR" lines to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f flags
	fs := pflag.NewFlagSet("responder", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&f.listen, "listen", ":8080", "ADDR (HOST:PORT) for the HTTP echo (and plain echo for non-HTTP clients); its host is the UDP reflector's too")
	fs.StringVar(&f.tcpListen, "tcp-listen", "", "ADDR for a plain TCP echo only (default: none)")
	fs.StringVar(&f.udp, "udp", "", "UDP ports of the mediacheck reflector on the --listen host, e.g. 8801-8810,3478,3479 (default: none)")
	fs.StringVar(&f.key, "key", "", "HMAC key: the reflector answers only datagrams signed with it (mediacheck --key)")
	fs.StringVar(&f.keyFile, "key-file", "", "read the HMAC key from FILE's first line (keeps it out of the process list)")
	fs.IntVar(&f.udpRate, "udp-rate", responder.DefaultUDPRate, fmt.Sprintf("UDP datagrams answered per second per source address (%d-%d)", minUDPRate, maxUDPRate))
	fs.IntVar(&f.cfg.MaxConns, "max-conns", responder.DefaultMaxConns, "connections served at once")
	fs.IntVar(&f.cfg.MaxPerSource, "max-per-source", responder.DefaultMaxPerSource, "connections at once from one address")
	fs.BoolVar(&f.quiet, "quiet", false, "no connection log on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return report.ExitOK
		}
		fmt.Fprintf(stderr, "responder: %v\n", err)
		return report.ExitUsage
	}
	if err := f.check(fs.NArg()); err != nil {
		fmt.Fprintf(stderr, "responder: %v\n", err)
		return report.ExitUsage
	}
	if !f.quiet {
		f.cfg.Log = stderr
	}
	return serve(ctx, responder.New(f.cfg), &f, stderr)
}

// check refuses bad flags with a one-line error.
func (f *flags) check(nargs int) error {
	switch {
	case nargs > 0:
		return fmt.Errorf("want only flags, no arguments (see --help)")
	case f.cfg.MaxConns < 1 || f.cfg.MaxPerSource < 1:
		return fmt.Errorf("--max-conns and --max-per-source must be at least 1")
	case f.udpRate < minUDPRate || f.udpRate > maxUDPRate:
		return fmt.Errorf("--udp-rate must be %d-%d, got %d", minUDPRate, maxUDPRate, f.udpRate)
	}
	if err := checkAddr("--listen", f.listen); err != nil {
		return err
	}
	if f.tcpListen != "" {
		if err := checkAddr("--tcp-listen", f.tcpListen); err != nil {
			return err
		}
	}
	if f.udp != "" {
		ports, err := targets.ParsePorts(f.udp)
		if err != nil {
			return fmt.Errorf("--udp: %v", err)
		}
		f.ports = ports
	}
	if f.keyFile != "" {
		if f.key != "" {
			return fmt.Errorf("give --key or --key-file, not both")
		}
		key, err := responder.ReadKeyFile(f.keyFile)
		if err != nil {
			return err
		}
		f.key = key
	}
	if f.key != "" && f.udp == "" {
		return fmt.Errorf("--key signs the UDP reflector's datagrams: give --udp too")
	}
	return nil
}

// checkAddr refuses a listen address that is not HOST:PORT with a port
// number (":8080", "10.0.0.5:8080", "[::1]:8080").
func checkAddr(flag, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: want HOST:PORT, e.g. :8080 or 10.0.0.5:8080", flag, addr)
	}
	if _, err := targets.ParsePort(port); err != nil && port != "0" {
		return fmt.Errorf("%s %q: %v", flag, addr, err)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%s %q: the host must be an address or name", flag, addr)
	}
	return nil
}

// bound is one listener (TCP) or socket (UDP) to serve.
type bound struct {
	ln   net.Listener
	udp  *net.UDPConn
	mode responder.Mode
}

func serve(ctx context.Context, srv *responder.Server, f *flags, stderr io.Writer) int {
	lns, err := listenAll(f, stderr)
	if err != nil {
		for _, b := range lns {
			if b.ln != nil {
				b.ln.Close()
			} else {
				b.udp.Close()
			}
		}
		fmt.Fprintf(stderr, "responder: %v\n", err)
		return report.ExitCannotRun
	}
	refl := responder.NewReflector(responder.UDPConfig{Key: []byte(f.key), Rate: f.udpRate, Log: f.cfg.Log})
	var wg sync.WaitGroup
	errs := make(chan error, len(lns))
	for _, b := range lns {
		if b.udp != nil {
			wg.Go(func() { errs <- refl.Serve(ctx, b.udp) })
			continue
		}
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

// listenAll opens every listener and UDP socket, announcing each; on an
// error it returns those opened so far.
func listenAll(f *flags, stderr io.Writer) ([]bound, error) {
	var lns []bound
	for _, l := range []struct {
		addr, name string
		mode       responder.Mode
	}{{f.listen, "http-echo", responder.ModeAuto}, {f.tcpListen, "tcp-echo", responder.ModeTCPEcho}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return lns, err
		}
		fmt.Fprintf(stderr, "listening %s on %s\n", l.name, ln.Addr())
		lns = append(lns, bound{ln: ln, mode: l.mode})
	}
	host, _, _ := net.SplitHostPort(f.listen)
	for _, p := range f.ports {
		c, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(int(p))))
		if err != nil {
			return lns, err
		}
		fmt.Fprintf(stderr, "listening udp-media on %s\n", c.LocalAddr())
		lns = append(lns, bound{udp: c.(*net.UDPConn)})
	}
	return lns, nil
}
