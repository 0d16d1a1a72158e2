// Command mediacheck measures the UDP media path to a roompath responder:
// reachability of Zoom's UDP media ports, and a media-like stream's loss,
// jitter, round trip, reordering and DSCP against thresholds. See
// mediacheck --help.
package main

import (
	"github.com/roompath/roompath/cmd/mediacheck/mediacmd"
	"github.com/roompath/roompath/internal/cli"
)

func main() { cli.Main(mediacmd.Tool()) }
