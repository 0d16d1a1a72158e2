// Command synlab builds the namespace lab of a middlebox that answers the
// TCP handshake in the room's name (nslab.SynproxyLab), prints its
// namespaces and addresses as one JSON object on stdout, and keeps it up
// until stdin reaches EOF or it gets SIGINT or SIGTERM; then it tears
// everything down. scripts/compare-synproxy.sh runs tools inside it with
// `ip netns exec`. Needs root and the kernel's nftables synproxy (exit
// status 3 without it).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/roompath/roompath/netpath/nslab"
)

// labInfo is what the script needs: namespace names and every address.
type labInfo struct {
	Client, R, Room, S, Far string
	*nslab.SynproxyLab
}

func main() {
	lab, err := nslab.NewSynproxyLab()
	if err != nil {
		fmt.Fprintln(os.Stderr, "synlab:", err)
		if errors.Is(err, nslab.ErrNoSynproxy) {
			os.Exit(3)
		}
		os.Exit(1)
	}
	defer lab.Close()
	info := labInfo{Client: lab.Client.Name, R: lab.R.Name, Room: lab.Room.Name, S: lab.S.Name, Far: lab.Far.Name, SynproxyLab: lab}
	if err := nslab.Hold(info); err != nil {
		fmt.Fprintln(os.Stderr, "synlab:", err)
	}
}
