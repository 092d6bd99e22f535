package fix

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestFuzzSeedsCheckedIn: every fuzz target in this package has seed inputs
// checked in under testdata/fuzz/<FuzzName>/, so a corpus that was never
// written, or was deleted, fails here rather than fuzzing from nothing.
func TestFuzzSeedsCheckedIn(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	target := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)
	found := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range target.FindAllSubmatch(src, -1) {
			found++
			seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", string(m[1]), "*"))
			if len(seeds) == 0 {
				t.Errorf("%s: no seed inputs in testdata/fuzz/%s", m[1], m[1])
			}
		}
	}
	if found == 0 {
		t.Fatal("no fuzz targets found; this test checks nothing")
	}
}
