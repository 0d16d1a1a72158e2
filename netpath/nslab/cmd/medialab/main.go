// Command medialab builds the namespace lab of the UDP media path
// (nslab.MediaLab: UDP 8801-8810 dropped and 3479 rejected toward Blocked,
// a DSCP re-mark to CS0 toward Remarked, an impaired path toward
// Impaired), runs the roompath UDP reflector in-process on every responder
// address (ports 8801-8810, 3478, 3479), prints the lab's namespaces and
// addresses as one JSON object on stdout, and keeps it up until stdin
// reaches EOF or it gets SIGINT or SIGTERM; then it tears everything down.
// scripts/compare-iperf.sh runs mediacheck and iperf3 inside it with
// `ip netns exec`. Needs root.
//
// Flags (the impairment toward Impaired, upstream only):
//
//	--loss N        percent R1's nftables drops at random (0-100; default 0)
//	--relay-loss P  percent the relay drops itself (0-100; default 0)
//	--delay D       delay the relay adds (0-10s; default 0)
//	--jitter D      upper bound of the relay's random extra delay (0-10s; default 0)
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/netpath/nslab"
)

// labInfo is what the script needs: namespace names and every address.
type labInfo struct {
	Client, R1, R2, Responder string
	*nslab.MediaLab
}

// mediaPorts are the ports the in-process reflector answers on.
var mediaPorts = []int{8801, 8802, 8803, 8804, 8805, 8806, 8807, 8808, 8809, 8810, 3478, 3479}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "medialab:", err)
		os.Exit(2)
	}
	lab, err := nslab.NewMediaLab(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "medialab:", err)
		os.Exit(1)
	}
	defer lab.Close()
	if err := lab.Serve(mediaPorts, responder.NewReflector(responder.UDPConfig{}).Serve); err != nil {
		fmt.Fprintln(os.Stderr, "medialab:", err)
		lab.Close()
		os.Exit(1)
	}
	info := labInfo{Client: lab.Client.Name, R1: lab.R1.Name, R2: lab.R2.Name, Responder: lab.Responder.Name, MediaLab: lab}
	if err := nslab.Hold(info); err != nil {
		fmt.Fprintln(os.Stderr, "medialab:", err)
	}
}

// parseFlags reads the impairment flags and checks their bounds.
func parseFlags(args []string) (nslab.MediaLabConfig, error) {
	var cfg nslab.MediaLabConfig
	fs := pflag.NewFlagSet("medialab", pflag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.IntVar(&cfg.LossPct, "loss", 0, "percent of upstream datagrams R1's nftables drops at random toward Impaired (0-100)")
	fs.Float64Var(&cfg.RelayLossPct, "relay-loss", 0, "percent of upstream datagrams the relay drops itself (0-100)")
	fs.DurationVar(&cfg.Delay, "delay", 0, "delay the relay adds upstream (0-10s)")
	fs.DurationVar(&cfg.Jitter, "jitter", 0, "upper bound of the relay's random extra delay, order kept (0-10s)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			os.Exit(0)
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	for _, err := range []error{
		cli.CheckFloat("loss", float64(cfg.LossPct), 0, 100),
		cli.CheckFloat("relay-loss", cfg.RelayLossPct, 0, 100),
		cli.CheckDuration("delay", cfg.Delay, 0, 10*time.Second),
		cli.CheckDuration("jitter", cfg.Jitter, 0, 10*time.Second),
	} {
		if err != nil {
			return cfg, err // the first bad flag, on one line
		}
	}
	return cfg, nil
}
