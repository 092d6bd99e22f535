//go:build !race

package scan

// raceEnabled: see race_on_test.go.
const raceEnabled = false
