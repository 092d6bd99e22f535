package git

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestStagedDiffReassemblesStagedContent edits files at random in a real
// repository and checks the parser's promise: every added line it reports
// is exactly the staged file's line at that number, and together with the
// lines the old version kept, they account for every line of the new one.
func TestStagedDiffReassemblesStagedContent(t *testing.T) {
	g := gittest.New(t)
	rng := rand.New(rand.NewPCG(7, 11))
	const files = 12
	old := make([][]string, files)
	for i := range old {
		old[i] = randomLines(rng, 1+rng.IntN(40))
		g.Write(name(i), join(old[i], rng.IntN(4) == 0))
	}
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "base")
	staged := make([][]string, files)
	for i := range staged {
		staged[i] = mutate(rng, old[i])
		g.Write(name(i), join(staged[i], rng.IntN(3) == 0))
	}
	g.Git("add", ".")
	// Change the work tree again: only the index counts.
	for i := range files {
		g.Write(name(i), "work tree only\n")
	}

	r := open(t, g.Dir)
	addedAt := map[string]map[int]string{}
	err := r.StagedDiff(context.Background(), DiffHandler{Fragment: func(f Fragment) error {
		m := addedAt[f.Change.Path]
		if m == nil {
			m = map[int]string{}
			addedAt[f.Change.Path] = m
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(f.Text), "\n"), "\n") {
			m[f.StartLine+i] = line
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		blob := g.Git("show", ":"+name(i))
		lines := strings.Split(strings.TrimSuffix(blob, "\n"), "\n")
		for n, text := range addedAt[name(i)] {
			if n < 1 || n > len(lines) || lines[n-1] != text {
				t.Fatalf("%s: added line %d does not match the staged blob", name(i), n)
			}
		}
		// Lines not reported as added must come from the old version, in order.
		var kept []string
		for n, line := range lines {
			if _, ok := addedAt[name(i)][n+1]; !ok {
				kept = append(kept, line)
			}
		}
		if !isSubsequence(kept, old[i]) {
			t.Fatalf("%s: lines not reported as added are not old lines in order", name(i))
		}
	}
}

func name(i int) string { return filepath.ToSlash(fmt.Sprintf("dir%d/f%d.txt", i%3, i)) }

func randomLines(rng *rand.Rand, n int) []string {
	words := []string{"alpha", "beta", "token", "x", "", "  indented", "key = 1", "é ü", "\ttab"}
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.IntN(len(words))] + fmt.Sprint(rng.IntN(5))
	}
	return out
}

func mutate(rng *rand.Rand, lines []string) []string {
	out := append([]string(nil), lines...)
	for range 1 + rng.IntN(6) {
		switch pos := rng.IntN(len(out) + 1); rng.IntN(3) {
		case 0: // insert
			out = append(out[:pos], append(randomLines(rng, 1+rng.IntN(3)), out[pos:]...)...)
		case 1: // delete
			if pos < len(out) {
				out = append(out[:pos], out[pos+1:]...)
			}
		default: // replace
			if pos < len(out) {
				out[pos] = randomLines(rng, 1)[0] + "!"
			}
		}
	}
	if len(out) == 0 {
		out = []string{"only"}
	}
	return out
}

func join(lines []string, noFinalNewline bool) string {
	s := strings.Join(lines, "\n")
	if !noFinalNewline {
		s += "\n"
	}
	return s
}

func isSubsequence(sub, seq []string) bool {
	j := 0
	for _, s := range sub {
		for j < len(seq) && seq[j] != s {
			j++
		}
		if j == len(seq) {
			return false
		}
		j++
	}
	return true
}
