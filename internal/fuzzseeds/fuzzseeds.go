// Package fuzzseeds checks, from a package's tests, that every fuzz target
// of that package has seed inputs checked in under testdata/fuzz/<Name>/, so
// a corpus that was never written, or was deleted, fails the test suite
// rather than fuzzing from nothing.
package fuzzseeds

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var target = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)

// Check looks at the *_test.go files of the working directory (the package
// under test) and fails t for a fuzz target without seed files, or when
// there is no fuzz target at all.
func Check(t *testing.T) {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
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
