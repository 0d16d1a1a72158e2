package nslab

import (
	"encoding/json"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Hold is the body of the lab commands (cmd/pathlab, cmd/arplab,
// cmd/synlab, proxytest's tlslab): it writes info (namespace names and
// addresses) as one JSON object to stdout, then keeps the lab up until
// stdin reaches EOF or the process gets SIGINT or SIGTERM, so a script
// can run tools inside it with `ip netns exec` and tear it down by
// closing the command's stdin. The caller closes the lab afterwards.
func Hold(info any) error {
	if err := json.NewEncoder(os.Stdout).Encode(info); err != nil {
		return err
	}
	done := make(chan struct{}, 1)
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); done <- struct{}{} }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	select {
	case <-done:
	case <-sig:
	}
	return nil
}
