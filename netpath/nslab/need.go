package nslab

import (
	"os"
	"testing"
)

// RequireEnv names the environment variable that turns a missing lab from
// a skip into a failure; .ci/run sets it when CI runs as root, so the
// namespace tests cannot silently stop running.
const RequireEnv = "ROOMPATH_REQUIRE_LAB"

// Need skips tb with the reason when no lab can be built here, or fails it
// when RequireEnv is set to 1.
func Need(tb testing.TB) {
	tb.Helper()
	err := Available()
	if err == nil {
		return
	}
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("the namespace lab is required (%s=1) but cannot be built: %v", RequireEnv, err)
	}
	tb.Skipf("namespace lab unavailable, skipping: %v", err)
}
