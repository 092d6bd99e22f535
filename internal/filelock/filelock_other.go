//go:build !unix

package filelock

import "os"

// Without flock the lock is a no-op; the write itself stays atomic.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
