package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/proxytest"
)

// messyLab is one lab of the "messy network" part: what it stages, how to
// build it, and the sections run in its client namespace.
type messyLab struct {
	name, what string
	// build returns the client namespace, the sections, and the teardown.
	build func(dir string) (*nslab.NS, []section, func() error, error)
}

// messyLabs lists the labs that stage faults looking like something else.
func messyLabs() []messyLab {
	return []messyLab{
		{"SYN-proxy lab", "a router whose nftables synproxy answers for the rooms behind it, and a router that sends no time exceeded", buildSynLab},
		{"proxy-ARP lab", "a Wi-Fi AP isolating clients by proxy ARP, rooms dropping 9090 themselves or one router before", buildARPLab},
		{"TLS lab", "a 1280-byte link with ICMP filtered, SNI filters that reset and drop, a firewall resetting TLS", buildTLSLab},
	}
}

// messyLabDemo builds each messy lab in turn, runs its sections in the
// lab's client namespace and removes it.
func messyLabDemo(ctx context.Context, bin string) int {
	fmt.Println("\n=== Messy networks: faults that look like something else ===")
	for _, m := range messyLabs() {
		fmt.Printf("\nBuilding the %s: %s ...\n", m.name, m.what)
		dir, err := os.MkdirTemp("", "roompath-demo-lab-")
		if err != nil {
			fail(err)
		}
		client, sections, closeFn, err := m.build(dir)
		if err != nil {
			os.RemoveAll(dir)
			fail(fmt.Errorf("building the %s: %w", m.name, err))
		}
		code := runSections(ctx, bin, sections, func(name string, args ...string) *exec.Cmd {
			return client.Command(ctx, name, args...)
		})
		closeLab(m.name, closeFn)
		os.RemoveAll(dir)
		if code != 0 {
			return code
		}
	}
	return 0
}

func buildARPLab(string) (*nslab.NS, []section, func() error, error) {
	l, err := nslab.NewProxyARPLab()
	if err != nil {
		return nil, nil, nil, err
	}
	return l.Client, arpSections(l), l.Close, nil
}

func buildTLSLab(dir string) (*nslab.NS, []section, func() error, error) {
	l, err := nslab.NewTLSLab()
	if err != nil {
		return nil, nil, nil, err
	}
	srv, err := proxytest.ServeTLSLab(l)
	if err != nil {
		l.Close()
		return nil, nil, nil, err
	}
	ca := filepath.Join(dir, "tlslab-root.pem")
	if err := os.WriteFile(ca, srv.Genuine.PEM(), 0o644); err != nil {
		srv.Close()
		l.Close()
		return nil, nil, nil, err
	}
	return l.Client, tlsSections(l, ca), func() error { srv.Close(); return l.Close() }, nil
}

func buildSynLab(string) (*nslab.NS, []section, func() error, error) {
	l, err := nslab.NewSynproxyLab()
	if err != nil {
		return nil, nil, nil, err
	}
	return l.Client, synSections(l), l.Close, nil
}
