package dnsprobe_test

import "runtime"

// isLinux gates expectations that need IP_RECVERR.
var isLinux = runtime.GOOS == "linux"
