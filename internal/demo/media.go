package main

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/netpath/nslab"
)

// mediaDemoLab is the impairment the demo's media lab stages toward
// Impaired: 5 % random loss at R1, 30 ms of delay and up to 20 ms of
// jitter from the relay in R2.
var mediaDemoLab = nslab.MediaLabConfig{LossPct: 5, Delay: 30 * time.Millisecond, Jitter: 20 * time.Millisecond}

// mediaDemoPorts are the ports the lab's in-process reflector answers on.
var mediaDemoPorts = []int{8801, 8802, 8803, 8804, 8805, 8806, 8807, 8808, 8809, 8810, 3478, 3479}

// mediaDemo is the "Media path" part: it builds the media lab, runs the
// roompath UDP reflector in it, runs mediacheck toward each staged fault
// and removes the lab. It passes a failed code through, and skips (saying
// why) where no lab can be built.
func mediaDemo(ctx context.Context, bin string, code int) int {
	if code != 0 || ctx.Err() != nil {
		return code
	}
	if err := nslab.Available(); err != nil {
		fmt.Printf("\n(skipping the media path: %v)\n", err)
		return 0
	}
	fmt.Println("\n=== Media path: UDP 8801-8810, 3478/3479, loss, jitter and DSCP toward a roompath responder ===")
	fmt.Println("\nBuilding the media lab: client, two routers (nftables drops, a reject, a DSCP re-mark, random loss), a delaying relay, responders ...")
	lab, err := nslab.NewMediaLab(mediaDemoLab)
	if err != nil {
		fail(fmt.Errorf("building the media lab: %w", err))
	}
	if err := lab.Serve(mediaDemoPorts, responder.NewReflector(responder.UDPConfig{}).Serve); err != nil {
		lab.Close()
		fail(fmt.Errorf("starting the media lab's responders: %w", err))
	}
	code = runSections(ctx, bin, mediaSections(lab), func(name string, args ...string) *exec.Cmd {
		return lab.Client.Command(ctx, name, args...)
	})
	closeLab("media lab", lab.Close)
	return code
}

// mediaSections runs mediacheck once per staged fault.
func mediaSections(l *nslab.MediaLab) []section {
	c := l.Config
	targets := [][2]string{
		{l.Clean, "a clean path to the responder: expect good"},
		{l.Blocked, "hop 2 drops UDP 8801-8810 and rejects 3479 with ICMP admin-prohibited: expect blocked"},
		{l.Remarked, "hop 1 re-marks DSCP 56 to CS0 (0): the responder receives 0, the trace places the change after hop 1"},
		{l.Impaired, fmt.Sprintf("%d %% random loss at hop 1, then %v delay + up to %v jitter: expect degraded or bad", c.LossPct, c.Delay, c.Jitter)},
	}
	var out []section
	for _, t := range targets {
		out = append(out, section{title: "mediacheck: " + t[1], legend: [][2]string{t},
			argv: []string{"mediacheck", "--duration", "5s", "--timeout", "1s", t[0]}})
	}
	return out
}
