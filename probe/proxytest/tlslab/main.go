// Command tlslab builds the namespace lab of the TLS check's blocking
// faults (nslab.TLSLab: an MTU black hole, SNI filters that reset or drop,
// name-blind resets and drops) with its servers (proxytest.ServeTLSLab),
// writes the lab's root to --dir/tlslab-root.pem (proxycheck --ca), prints
// the namespaces and addresses as one JSON object on stdout, and keeps it
// all up until stdin reaches EOF or it gets SIGINT or SIGTERM; then it
// tears everything down. Run tools inside it with `ip netns exec CLIENT …`.
// Needs root.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/proxytest"
)

// labInfo is what a script needs: namespace names, every address, the
// root's file and the filtered names.
type labInfo struct {
	Client, R1, R2, Far, Near string
	RootPEM                   string
	Filtered                  []string
	*nslab.TLSLab
}

func main() {
	dir := flag.String("dir", ".", "directory for tlslab-root.pem")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "tlslab:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	lab, err := nslab.NewTLSLab()
	if err != nil {
		return err
	}
	defer lab.Close()
	srv, err := proxytest.ServeTLSLab(lab)
	if err != nil {
		return err
	}
	defer srv.Close()
	root := filepath.Join(dir, "tlslab-root.pem")
	if err := os.WriteFile(root, srv.Genuine.PEM(), 0o644); err != nil {
		return err
	}
	info := labInfo{Client: lab.Client.Name, R1: lab.R1.Name, R2: lab.R2.Name, Far: lab.Far.Name, Near: lab.Near.Name,
		RootPEM: root, Filtered: proxytest.TLSLabFiltered, TLSLab: lab}
	return nslab.Hold(info)
}
