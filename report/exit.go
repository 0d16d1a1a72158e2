package report

// Exit codes shared by every binary (DESIGN.md).
const (
	ExitOK          = 0   // nothing failed
	ExitFail        = 1   // at least one check failed
	ExitUsage       = 2   // usage or configuration error
	ExitCannotRun   = 3   // a check could not be run
	ExitInterrupted = 130 // interrupted; the partial report was written
)

// ExitCode maps a finished report to the process exit code. An interrupted
// run wins; a failed check outranks one that could not be run, because the
// failure is the finding the user came for.
func ExitCode(s Summary, interrupted bool) int {
	switch {
	case interrupted:
		return ExitInterrupted
	case s.Fail > 0:
		return ExitFail
	case s.Error > 0:
		return ExitCannotRun
	default:
		return ExitOK
	}
}
