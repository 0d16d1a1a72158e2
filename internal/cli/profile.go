package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling for performance work (internal/benchsweep, issue 14): when
// ROOMPATH_CPUPROFILE names a file, the whole run is CPU-profiled into
// it; when ROOMPATH_MEMPROFILE does, a heap profile is written at the end.
// Both are pprof files (go tool pprof). A file that cannot be created is
// said on stderr and the run goes on unprofiled.
const (
	envCPUProfile = "ROOMPATH_CPUPROFILE"
	envMemProfile = "ROOMPATH_MEMPROFILE"
)

// startProfiles starts what the environment asks for and returns the
// function that finishes it.
func startProfiles(stderr io.Writer) func() {
	var stops []func()
	if path := os.Getenv(envCPUProfile); path != "" {
		if f, err := os.Create(path); err != nil {
			fmt.Fprintf(stderr, "%s: %v (not profiling)\n", envCPUProfile, err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "%s: %v (not profiling)\n", envCPUProfile, err)
			f.Close()
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv(envMemProfile); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", envMemProfile, err)
				return
			}
			defer f.Close()
			runtime.GC()
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}
