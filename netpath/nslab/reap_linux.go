package nslab

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vishvananda/netns"
)

// markerDir holds one file per live lab, named after its prefix, holding
// the owning process's pid and start time, so a later run can tell a lab
// whose process died without Close from one still in use.
const markerDir = "/run/nslab"

// ReapStale removes the namespaces of labs whose process died without
// calling Close (a panic, a kill, a test timeout), and their markers. Labs
// of live processes are left alone. New calls it, ignoring its error.
func ReapStale() error {
	ents, err := os.ReadDir(markerDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("nslab: reap: %w", err)
	}
	var errs []error
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(markerDir, e.Name()))
		if err != nil || ownerAlive(string(b)) {
			continue
		}
		errs = append(errs, reapPrefix(e.Name()))
	}
	return errors.Join(errs...)
}

// reapPrefix removes every namespace named prefix+"-…", then the marker.
func reapPrefix(prefix string) error {
	ents, err := os.ReadDir(netnsDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("nslab: reap %s: %w", prefix, err)
	}
	var errs []error
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix+"-") {
			n := &NS{Name: e.Name(), handle: netns.None()}
			errs = append(errs, n.destroy())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.Remove(filepath.Join(markerDir, prefix))
}

// writeMarker records the calling process as the owner of prefix.
func writeMarker(prefix string) error {
	if err := os.MkdirAll(markerDir, 0o755); err != nil {
		return fmt.Errorf("nslab: %w", err)
	}
	start, err := procStartTime(os.Getpid())
	if err != nil {
		return fmt.Errorf("nslab: own start time: %w", err)
	}
	owner := strconv.Itoa(os.Getpid()) + " " + start + "\n"
	if err := os.WriteFile(filepath.Join(markerDir, prefix), []byte(owner), 0o644); err != nil {
		return fmt.Errorf("nslab: %w", err)
	}
	return nil
}

// removeMarker drops the marker of a closed lab.
func removeMarker(prefix string) error {
	err := os.Remove(filepath.Join(markerDir, prefix))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("nslab: %w", err)
	}
	return nil
}

// ownerAlive reports whether the "pid starttime" in marker names a running
// process (the start time guards against pid reuse). Unreadable markers
// count as alive, so nothing is removed on a guess.
func ownerAlive(marker string) bool {
	f := strings.Fields(marker)
	if len(f) != 2 {
		return true
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		return true
	}
	start, err := procStartTime(pid)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	return err != nil || start == f[1]
}

// procStartTime returns field 22 of /proc/<pid>/stat: the process's start
// time in clock ticks since boot.
func procStartTime(pid int) (string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", err
	}
	// The command name (field 2) may hold spaces; fields after it follow
	// the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", fmt.Errorf("odd /proc/%d/stat", pid)
	}
	rest := strings.Fields(string(b[i+1:])) // fields 3…
	if len(rest) < 20 {
		return "", fmt.Errorf("short /proc/%d/stat", pid)
	}
	return rest[19], nil
}
