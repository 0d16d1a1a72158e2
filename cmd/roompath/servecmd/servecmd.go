// Package servecmd is `roompath serve`: the Prometheus exporter of package
// exporter behind flags, the exporter-toolkit web configuration (TLS and
// basic auth) and signal handling (see docs/serve.md).
package servecmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
	"github.com/spf13/pflag"
	"golang.org/x/net/netutil"

	"github.com/roompath/roompath/exporter"
	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/report"
)

// DefaultListen is the default listen address: loopback only. Listening
// beyond it needs TLS or basic auth (--web.config.file) or
// --insecure-listen.
const DefaultListen = "127.0.0.1:9798"

// Server timeouts: headers must arrive quickly and a /probe request has no
// body; an answer may take a module's longest timeout (2m) and a little
// more; shutdown waits for probes in flight a little.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 2*time.Minute + 30*time.Second
	shutdownGrace     = 5 * time.Second
)

// Flag defaults and bounds.
const (
	// defaultIdleTimeout outlasts a one-minute scrape interval, so
	// Prometheus keeps its connection between scrapes.
	defaultIdleTimeout = 2 * time.Minute
	minIdleTimeout     = 100 * time.Millisecond
	maxIdleTimeout     = time.Hour
	// defaultMaxConns bounds open connections; further clients wait in
	// the kernel's accept queue.
	defaultMaxConns = 1024
	minMaxConns     = 8
	maxMaxConns     = 65536
)

const usage = `roompath serve: a Prometheus exporter running roompath's checks.

Usage: roompath serve [--listen ADDR] [--config FILE] [flags]

Endpoints:
  /metrics                        the exporter's own metrics and the results
                                  of the schedules in the configuration
  /probe?module=NAME&target=T     one probe, blackbox_exporter style
                                  (modules: tcp, path, dns, tls, proxy, status, media and
                                  those of --config; &debug=true for JSON)

Every /probe target must be allowed by --allow or the configuration's
allow list (CIDRs, names, *.suffix); anything else is refused with 403.
Every connection an HTTP module (status, tls, proxy) makes, redirects
included, is held to it at connect time (address_not_allowed).

At most --max-concurrent-probes /probe probes run at once; a request
beyond waits up to half its budget, then gets 503. A probe that runs out of
file descriptors is a 503 too (local_resource_exhausted), never
probe_success 0. Listening beyond loopback needs TLS or basic auth in
--web.config.file, or --insecure-listen.

Examples:
  roompath serve --allow 10.10.0.0/16
  roompath serve --listen :9798 --web.config.file web.yml --config /etc/roompath/serve.yml
  roompath serve --config serve.yml --check-config

Exit codes: 0 stopped by SIGINT/SIGTERM or config checked, 2 bad flags or
configuration, 3 could not listen.

Flags:
`

type opts struct {
	listen      string
	config      string
	webConfig   string
	allow       []string
	checkConfig bool
	insecure    bool
	concurrent  int
	maxConns    int
	idleTimeout time.Duration
}

// Main runs `roompath serve` with args until SIGINT or SIGTERM and returns
// the exit code; diagnostics and logs go to stderr.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, stdout, stderr)
}

// Run is Main stopped by ctx instead of a signal.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, stdout, stderr, nil)
}

// run takes ready, called with the bound address once serving (tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(net.Addr)) int {
	o, code := parse(args, stderr)
	if code >= 0 {
		return code
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	exp, err := build(o, logger)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return report.ExitUsage
	}
	warn, err := checkListen(o)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return report.ExitUsage
	}
	if o.checkConfig {
		fmt.Fprintf(stdout, "configuration ok; modules: %s\n", strings.Join(exp.Modules(), ", "))
		return report.ExitOK
	}
	if warn != "" {
		fmt.Fprintln(stderr, warn)
	}
	return serve(ctx, o, exp, logger, stderr, ready)
}

// parse returns the options, or an exit code >= 0 when done.
func parse(args []string, stderr io.Writer) (opts, int) {
	var o opts
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.listen, "listen", DefaultListen, "address to listen on (host:port); beyond loopback needs TLS or basic auth, or --insecure-listen")
	fs.StringVar(&o.config, "config", "", "YAML configuration: allow list, modules, schedules (docs/serve.md)")
	fs.StringArrayVar(&o.allow, "allow", nil, "allow /probe targets in this CIDR, name or *.suffix (repeatable)")
	fs.StringVar(&o.webConfig, "web.config.file", "", "exporter-toolkit web configuration: TLS and basic auth")
	fs.BoolVar(&o.insecure, "insecure-listen", false, "serve beyond loopback without TLS or basic auth (warns on stderr)")
	fs.IntVar(&o.concurrent, "max-concurrent-probes", 0, fmt.Sprintf("most /probe probes at once, 1-%d (default: the configuration's max_concurrent_probes, else %d)", exporter.MaxConcurrentLimit, exporter.DefaultMaxConcurrent))
	fs.IntVar(&o.maxConns, "max-connections", defaultMaxConns, fmt.Sprintf("most open client connections, %d-%d", minMaxConns, maxMaxConns))
	fs.DurationVar(&o.idleTimeout, "idle-timeout", defaultIdleTimeout, fmt.Sprintf("close keep-alive connections idle this long, %s-%s", minIdleTimeout, maxIdleTimeout))
	fs.BoolVar(&o.checkConfig, "check-config", false, "check the configuration and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return o, report.ExitOK
		}
		fmt.Fprintf(stderr, "serve: %s\n", oneLine(err.Error()))
		return o, report.ExitUsage
	}
	if err := checkFlags(fs, o); err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return o, report.ExitUsage
	}
	return o, -1
}

// checkFlags checks the values pflag cannot.
func checkFlags(fs *pflag.FlagSet, o opts) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if _, _, err := net.SplitHostPort(o.listen); err != nil {
		return fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:9798 or :9798", o.listen)
	}
	if fs.Changed("max-concurrent-probes") && (o.concurrent < 1 || o.concurrent > exporter.MaxConcurrentLimit) {
		return fmt.Errorf("--max-concurrent-probes %d: want 1-%d", o.concurrent, exporter.MaxConcurrentLimit)
	}
	if o.maxConns < minMaxConns || o.maxConns > maxMaxConns {
		return fmt.Errorf("--max-connections %d: want %d-%d", o.maxConns, minMaxConns, maxMaxConns)
	}
	if err := cli.CheckDuration("idle-timeout", o.idleTimeout, minIdleTimeout, maxIdleTimeout); err != nil {
		return err
	}
	return nil
}

func build(o opts, logger *slog.Logger) (*exporter.Exporter, error) {
	cfg := &exporter.Config{}
	if o.config != "" {
		var err error
		if cfg, err = exporter.LoadConfig(o.config); err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
	}
	if err := validateWeb(o.webConfig); err != nil {
		return nil, err
	}
	return exporter.New(cfg, exporter.Options{Allow: o.allow, Logger: logger, MaxConcurrent: o.concurrent})
}

// serve listens, runs the schedules and serves until ctx ends.
func serve(ctx context.Context, o opts, exp *exporter.Exporter, logger *slog.Logger, stderr io.Writer, ready func(net.Addr)) int {
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return report.ExitCannotRun
	}
	ln = netutil.LimitListener(ln, o.maxConns)
	srv := &http.Server{Handler: exp.Handler(), ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: o.idleTimeout, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	exp.Start(ctx)
	done := make(chan error, 1)
	no := false
	go func() {
		done <- web.Serve(ln, srv, &web.FlagConfig{WebListenAddresses: &[]string{o.listen}, WebSystemdSocket: &no, WebConfigFile: &o.webConfig}, logger)
	}()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err = <-done:
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return report.ExitCannotRun
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer scancel()
	srv.Shutdown(sctx)
	return report.ExitOK
}
