//go:build windows

package netpath

// SystemResolvers returns nothing on Windows: the resolver list lives in
// the adapter configuration, which this build does not read (see
// PlatformLimits).
func SystemResolvers() []string { return []string{} }
