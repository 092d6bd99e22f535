//go:build race

package scan

// raceEnabled: the race detector makes sync.Pool drop what it is given at
// random, so a test cannot count on getting a recycled buffer back.
const raceEnabled = true
