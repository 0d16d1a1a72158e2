package exporter

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/report"
)

// maxModuleTimeout bounds a module's timeout: a probe answers within one
// HTTP write timeout of the server.
const maxModuleTimeout = 2 * time.Minute

// DefaultTimeout is a probe's budget when neither the module nor the
// scrape sets one: Prometheus's default scrape_timeout.
const DefaultTimeout = 10 * time.Second

// Module is one configured prober. Plan parses and checks a target (an
// error is the client's: see TargetError) and returns the probe to run.
type Module interface {
	Plan(ctx context.Context, target string, allow *Allowlist) (Run, error)
}

// Run probes a planned target within ctx's deadline.
type Run func(ctx context.Context) Outcome

// Outcome is what one probe found.
type Outcome struct {
	// Results are the checks' results, in a stable order.
	Results []report.Result
	// Lookup is the time spent resolving the target's name; nil when the
	// target was an address or the prober resolves by itself.
	Lookup *time.Duration
}

// Constructor builds a module from its configuration; an error names the
// bad value.
type Constructor func(mc ModuleConfig) (Module, error)

// probers is the registry: prober name to constructor.
var probers = map[string]Constructor{
	"tcp":    newTCPModule,
	"path":   newPathModule,
	"dns":    newDNSModule,
	"tls":    newTLSModule,
	"proxy":  newProxyModule,
	"status": newStatusModule,
	"media":  newMediaModule,
}

// builtins are the modules every exporter has, each named after its
// prober with default settings.
var builtins = []string{"tcp", "path", "dns", "tls", "proxy", "status", "media"}

// Probers lists the prober names, sorted.
func Probers() []string {
	out := make([]string, 0, len(probers))
	for n := range probers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// TargetError is a /probe request the exporter refuses: Code is the HTTP
// status (400 for a bad target, 403 for one outside the allowlist).
type TargetError struct {
	Code int
	Msg  string
}

// Error returns the message sent to the client.
func (e *TargetError) Error() string { return e.Msg }

func badTarget(format string, a ...any) error {
	return &TargetError{Code: http.StatusBadRequest, Msg: fmt.Sprintf(format, a...)}
}

func notAllowed(target string) error {
	return &TargetError{Code: http.StatusForbidden, Msg: fmt.Sprintf("target %q is not in the allowlist (allow: in the configuration, or --allow)", target)}
}

// buildModules returns the built-in modules overridden and extended by
// cfg.
func buildModules(cfg map[string]ModuleConfig) (map[string]Module, map[string]ModuleConfig, error) {
	confs := map[string]ModuleConfig{}
	for _, name := range builtins {
		confs[name] = ModuleConfig{Prober: name}
	}
	for name, mc := range cfg {
		if err := checkModuleName(name); err != nil {
			return nil, nil, err
		}
		confs[name] = mc
	}
	mods := map[string]Module{}
	for name, mc := range confs {
		if err := checkTimeout(time.Duration(mc.Timeout), maxModuleTimeout); err != nil {
			return nil, nil, fmt.Errorf("module %s: %w", name, err)
		}
		mk, ok := probers[mc.Prober]
		if !ok {
			return nil, nil, fmt.Errorf("module %s: unknown prober %q (want one of %s)", name, mc.Prober, strings.Join(Probers(), ", "))
		}
		m, err := mk(mc)
		if err != nil {
			return nil, nil, fmt.Errorf("module %s: %w", name, err)
		}
		mods[name] = m
	}
	return mods, confs, nil
}

// minTimeout is the shortest module or schedule timeout: below it a
// healthy loopback peer cannot answer in time, and every target would
// read as filtered (cli.MinTimeout, the CLI's bound).
const minTimeout = cli.MinTimeout

// checkTimeout accepts zero (the default) or [minTimeout, max].
func checkTimeout(t, max time.Duration) error {
	switch {
	case t != 0 && t < minTimeout:
		return fmt.Errorf("timeout %s is below %s", t, minTimeout)
	case t > max:
		return fmt.Errorf("timeout %s is above %s", t, max)
	}
	return nil
}

// checkModuleName keeps module names to label-safe words, since they
// appear in URLs and labels.
func checkModuleName(name string) error {
	if name == "" || len(name) > 64 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return fmt.Errorf("module name %q: use 1-64 of a-z, 0-9, _ and -", name)
	}
	return nil
}

// attemptMargin is kept back from the budget when it is split between
// attempts, so the last attempt ends by its own timeout (a classified
// result) before the probe's context ends (which reads as "interrupted").
const attemptMargin = 100 * time.Millisecond

// perAttempt splits the time left before ctx's deadline, less
// attemptMargin, between attempts.
func perAttempt(ctx context.Context, attempts int) time.Duration {
	left := DefaultTimeout
	if dl, ok := ctx.Deadline(); ok {
		left = time.Until(dl)
	}
	return max((left-attemptMargin)/time.Duration(max(attempts, 1)), 10*time.Millisecond)
}
