// Command arplab builds the proxy-ARP and room-firewall lab
// (nslab.ProxyARPLab), prints its namespaces and addresses as one JSON
// object on stdout, and keeps it up until stdin reaches EOF or it gets
// SIGINT or SIGTERM; then it tears everything down. Run a tool inside it
// with `ip netns exec CLIENT pathcheck ROOM`. Needs root.
package main

import (
	"fmt"
	"os"

	"github.com/roompath/roompath/netpath/nslab"
)

// labInfo is what a script needs: namespace names and every address.
type labInfo struct {
	// Client, Gateway, R2 and Room are the namespaces' names.
	Client, Gateway, R2, Room string
	*nslab.ProxyARPLab
}

func main() {
	lab, err := nslab.NewProxyARPLab()
	if err != nil {
		fmt.Fprintln(os.Stderr, "arplab:", err)
		os.Exit(1)
	}
	defer lab.Close()
	info := labInfo{Client: lab.Client.Name, Gateway: lab.Gateway.Name, R2: lab.R2.Name, Room: lab.Room.Name, ProxyARPLab: lab}
	if err := nslab.Hold(info); err != nil {
		fmt.Fprintln(os.Stderr, "arplab:", err)
	}
}
