package scan

import (
	"testing"

	"github.com/keyguard/keyguard/internal/fuzzseeds"
)

// TestFuzzSeedsCheckedIn: every fuzz target here has a checked-in seed corpus.
func TestFuzzSeedsCheckedIn(t *testing.T) { fuzzseeds.Check(t) }
