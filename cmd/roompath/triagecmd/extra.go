package triagecmd

import (
	"fmt"

	"github.com/roompath/roompath/cmd/pathcheck/pathcmd"
	"github.com/roompath/roompath/cmd/roompath/statuscmd"
	"github.com/roompath/roompath/internal/cli"
)

// planExtra adds the cloud-status and path sub-checks.
func (c *cmd) planExtra(add func(int, cli.Tool, []string) error) []func() error {
	t := c.common.Timeout.String()
	var steps []func() error
	if !c.skipped("status") {
		args := []string{"--timeout", t}
		if c.statusURL != "" {
			// A given status URL has no implied fallback: a test or a
			// mirror must not quietly fall back to the real page.
			fallback := c.statusFallback
			if fallback == "" {
				fallback = "none"
			}
			args = append(args, "--url", c.statusURL, "--fallback-url", fallback)
		}
		steps = append(steps, func() error { return add(0, statuscmd.Tool(), args) })
	}
	if !c.skipped("path") {
		args := []string{"--port", fmt.Sprint(c.port), "--timeout", t, c.room}
		steps = append(steps, func() error { return add(1, pathcmd.Tool(), args) })
	}
	return steps
}
