package triagecmd

import "github.com/roompath/roompath/internal/cli"

// planExtra adds the sub-checks whose tools are still being wired: status
// and path.
func (c *cmd) planExtra(add func(int, cli.Tool, []string) error) []func() error { return nil }
