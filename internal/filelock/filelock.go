// Package filelock serialises keyguard processes that edit the same file
// (two fix-ignore runs at once) with an advisory lock the kernel releases
// when the process ends, so a killed run never leaves a stale lock behind.
package filelock

import (
	"fmt"
	"os"
)

// Lock takes an exclusive lock on the file at path (created if missing),
// waiting for other holders. The returned function releases it.
func Lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}
