//go:build !unix

package main

import "errors"

// peakRSS is not measured on this system.
func peakRSS() (int, error) { return 0, errors.New("not measured on this system") }
