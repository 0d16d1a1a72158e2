// Package version holds the roompath release version, set at link time with
// -ldflags "-X github.com/roompath/roompath/internal/version.Version=…".
package version

// Version is the release of every roompath binary.
var Version = "0.1.0"
