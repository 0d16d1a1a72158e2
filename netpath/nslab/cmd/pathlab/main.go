// Command pathlab builds the namespace lab pathcheck is tested against
// (nslab.PathLab), prints its namespaces and addresses as one JSON object on
// stdout, and keeps it up until stdin reaches EOF or it gets SIGINT or
// SIGTERM; then it tears everything down. scripts/compare-traceroute.sh
// runs tools inside it with `ip netns exec`. Needs root.
package main

import (
	"fmt"
	"os"

	"github.com/roompath/roompath/netpath/nslab"
)

// labInfo is what the script needs: namespace names and every address.
type labInfo struct {
	Client, R1, R2, Room string
	*nslab.PathLab
}

func main() {
	lab, err := nslab.NewPathLab()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pathlab:", err)
		os.Exit(1)
	}
	defer lab.Close()
	info := labInfo{Client: lab.Client.Name, R1: lab.R1.Name, R2: lab.R2.Name, Room: lab.Room.Name, PathLab: lab}
	if err := nslab.Hold(info); err != nil {
		fmt.Fprintln(os.Stderr, "pathlab:", err)
	}
}
