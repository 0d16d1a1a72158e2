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

	"github.com/roompath/roompath/exporter"
	"github.com/roompath/roompath/report"
)

// DefaultListen is the default listen address.
const DefaultListen = ":9798"

// Server timeouts: headers must arrive quickly; a probe answer may take a
// whole scrape timeout; shutdown waits for probes in flight a little.
const (
	readHeaderTimeout = 10 * time.Second
	writeTimeout      = 2 * time.Minute
	shutdownGrace     = 5 * time.Second
)

const usage = `roompath serve: a Prometheus exporter running roompath's checks.

Usage: roompath serve [--listen ADDR] [--config FILE] [flags]

Endpoints:
  /metrics                        the exporter's own metrics and the results
                                  of the schedules in the configuration
  /probe?module=NAME&target=T     one probe, blackbox_exporter style
                                  (modules: tcp, dns, tls, proxy, status and
                                  those of --config; &debug=true for JSON)

Every /probe target must be allowed by --allow or the configuration's
allow list (CIDRs, names, *.suffix); anything else is refused with 403.

Examples:
  roompath serve --allow 10.10.0.0/16
  roompath serve --listen 127.0.0.1:9798 --config /etc/roompath/serve.yml
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
	if o.checkConfig {
		fmt.Fprintf(stdout, "configuration ok; modules: %s\n", strings.Join(exp.Modules(), ", "))
		return report.ExitOK
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
	fs.StringVar(&o.listen, "listen", DefaultListen, "address to listen on (host:port)")
	fs.StringVar(&o.config, "config", "", "YAML configuration: allow list, modules, schedules (docs/serve.md)")
	fs.StringArrayVar(&o.allow, "allow", nil, "allow /probe targets in this CIDR, name or *.suffix (repeatable)")
	fs.StringVar(&o.webConfig, "web.config.file", "", "exporter-toolkit web configuration: TLS and basic auth")
	fs.BoolVar(&o.checkConfig, "check-config", false, "check the configuration and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return o, report.ExitOK
		}
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return o, report.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return o, report.ExitUsage
	}
	if _, _, err := net.SplitHostPort(o.listen); err != nil {
		fmt.Fprintf(stderr, "serve: --listen %q: want host:port, e.g. :9798 or 127.0.0.1:9798\n", o.listen)
		return o, report.ExitUsage
	}
	return o, -1
}

func build(o opts, logger *slog.Logger) (*exporter.Exporter, error) {
	cfg := &exporter.Config{}
	if o.config != "" {
		var err error
		if cfg, err = exporter.LoadConfig(o.config); err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
	}
	if err := web.Validate(o.webConfig); err != nil {
		return nil, fmt.Errorf("--web.config.file: %w", err)
	}
	return exporter.New(cfg, exporter.Options{Allow: o.allow, Logger: logger})
}

// serve listens, runs the schedules and serves until ctx ends.
func serve(ctx context.Context, o opts, exp *exporter.Exporter, logger *slog.Logger, stderr io.Writer, ready func(net.Addr)) int {
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return report.ExitCannotRun
	}
	srv := &http.Server{Handler: exp.Handler(), ReadHeaderTimeout: readHeaderTimeout, WriteTimeout: writeTimeout}
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
