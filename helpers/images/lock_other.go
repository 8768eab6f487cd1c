//go:build !unix

package images

// lockFile does nothing where flock is missing. The local build only runs on
// Linux (see checkBuildHost), so no build reaches this without a lock.
func lockFile(path string) (func(), error) { return func() {}, nil }
