// Command fakedns runs fake DNS resolvers on loopback addresses, for the
// dig comparison script and for trying dnscheck by hand. Each -serve
// IP=MODE[,key=value...] starts one (keys: sinkhole, sinkhole6, hijack,
// hijack6, from, delay, rewrite, whoami, names separated by '+'); it
// prints one "ready IP:PORT MODE" line per server and runs until SIGINT or
// SIGTERM. Mode hijack answers every name, nonexistent ones included, with
// one address (captive-portal DNS); answer,rewrite=ADDR rewrites only the
// names the zone lacks (NXDOMAIN rewriting).
//
//	go run ./probe/dnstest/cmd/fakedns -port 5300 -serve 127.0.0.2=answer -serve 127.0.0.3=sinkhole,names=zoom.us
//	go run ./probe/dnstest/cmd/fakedns -port 5300 -serve 127.0.0.4=hijack,hijack=10.99.0.1 -serve 127.0.0.5=answer,rewrite=198.51.100.7
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/roompath/roompath/probe/dnstest"
)

type serveFlags []string

func (s *serveFlags) String() string     { return strings.Join(*s, " ") }
func (s *serveFlags) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var serves serveFlags
	port := flag.Int("port", 0, "port for every server (0: a free one each)")
	flag.Var(&serves, "serve", "IP=MODE[,key=value...] (repeatable); modes: answer, sinkhole, nxdomain, servfail, refused, silent, truncate, truncate-notcp, wrongid, wrongid-then-right, othersource, slow, malformed, hijack")
	flag.Parse()
	if len(serves) == 0 {
		serves = serveFlags{"127.0.0.1=answer"}
	}
	var running []*dnstest.Server
	for _, spec := range serves {
		cfg, err := parseSpec(spec, *port)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fakedns: %v\n", err)
			os.Exit(2)
		}
		s, err := dnstest.Start(cfg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fakedns: %s: %v\n", spec, err)
			os.Exit(1)
		}
		running = append(running, s)
		fmt.Printf("ready %s %s\n", s.Addr, cfg.Mode)
	}
	wait()
	for _, s := range running {
		s.Close()
	}
}

// parseSpec parses IP=MODE[,key=value...].
func parseSpec(spec string, port int) (dnstest.Config, error) {
	ip, rest, ok := strings.Cut(spec, "=")
	if !ok {
		return dnstest.Config{}, fmt.Errorf("-serve %q: want IP=MODE[,key=value...]", spec)
	}
	parts := strings.Split(rest, ",")
	mode, err := dnstest.ParseMode(parts[0])
	if err != nil {
		return dnstest.Config{}, err
	}
	cfg := dnstest.Config{IP: ip, Port: port, Mode: mode}
	for _, kv := range parts[1:] {
		if err := setKey(&cfg, kv); err != nil {
			return cfg, fmt.Errorf("-serve %q: %w", spec, err)
		}
	}
	return cfg, nil
}

func setKey(cfg *dnstest.Config, kv string) error {
	k, v, _ := strings.Cut(kv, "=")
	switch k {
	case "sinkhole":
		cfg.Sinkhole = v
	case "sinkhole6":
		cfg.Sinkhole6 = v
	case "hijack":
		cfg.Hijack = v
	case "hijack6":
		cfg.Hijack6 = v
	case "from":
		cfg.From = v
	case "rewrite":
		cfg.RewriteNX = v
	case "whoami":
		cfg.Whoami = v
	case "names":
		cfg.Names = strings.Split(v, "+")
	case "delay":
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		cfg.Delay = d
	default:
		return fmt.Errorf("unknown key %q", k)
	}
	return nil
}

// wait returns on SIGINT or SIGTERM.
func wait() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
