package proxycmd

import (
	"context"

	"github.com/roompath/roompath/internal/cli"
)

// run runs the planned suite, each result to the report as it completes.
func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	if err := c.suite.Run(ctx, env.Writer.Add); err != nil {
		return cli.Usagef("%v", err)
	}
	return nil
}
