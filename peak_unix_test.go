//go:build unix

package main

import (
	"runtime"
	"syscall"
)

// peakRSS is this process's peak resident set size in KiB.
func peakRSS() (int, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int(ru.Maxrss >> 10), nil // bytes there
	}
	return int(ru.Maxrss), nil // KiB on Linux and the BSDs
}
