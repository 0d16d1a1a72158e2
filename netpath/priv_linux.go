//go:build linux

package netpath

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

const capNetRaw = 13

// HasRawSocket reports whether this process holds CAP_NET_RAW in its
// effective set, read from /proc/self/status.
func HasRawSocket() bool {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			bits, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && bits&(1<<capNetRaw) != 0
		}
	}
	return false
}

// PlatformLimits lists what this build cannot measure: nothing on Linux.
func PlatformLimits() []string { return nil }
