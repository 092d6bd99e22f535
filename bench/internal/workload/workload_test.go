package workload

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// head returns what identifies a generated repository's content: the
// commit of a history, the staged tree of the others.
func head(t *testing.T, dir string, kind string) string {
	t.Helper()
	args := []string{"write-tree"}
	if kind == History {
		args = []string{"rev-parse", "HEAD"}
	}
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", args[0], err)
	}
	return strings.TrimSpace(string(out))
}

// TestDeterministic generates each kind of workload twice and compares the
// resulting object ids: same parameters, same repository.
func TestDeterministic(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tests := []Params{
		{Kind: Typical, Seed: 7, Files: 60},
		{Kind: Huge, Seed: 7, SizeMB: 1, Files: 80},
		{Kind: History, Seed: 7, Files: 40, Commits: 30, PatchMB: 1},
		{Kind: Coverage, Seed: 7, Files: 120},
	}
	for _, p := range tests {
		t.Run(p.Kind, func(t *testing.T) {
			var ids []string
			for i := 0; i < 2; i++ {
				dir, m, err := Ensure(context.Background(), t.TempDir(), p, io.Discard)
				if err != nil {
					t.Fatal(err)
				}
				if m.Files == 0 || m.Bytes == 0 {
					t.Fatalf("empty workload: %+v", m)
				}
				ids = append(ids, head(t, dir, p.Kind))
			}
			if ids[0] != ids[1] {
				t.Fatalf("two generations differ: %s vs %s", ids[0], ids[1])
			}
		})
	}
}

// TestEnsureReuses checks that a complete workload is reused, not rebuilt.
func TestEnsureReuses(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	p := Params{Kind: Typical, Seed: 3, Files: 20}
	if _, _, err := Ensure(context.Background(), root, p, io.Discard); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if _, _, err := Ensure(context.Background(), root, p, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "reusing") {
		t.Fatalf("second Ensure regenerated: %q", log.String())
	}
}

// TestKeyLinesAreTemplates checks that planted keys are expanded (no
// template syntax left) and that every template of every language expands
// distinctly per seed: two seeds that pick the same template (n and
// n+len(templates)) give different key lines.
func TestKeyLinesAreTemplates(t *testing.T) {
	if len(keyLines) == 0 {
		t.Fatal("no key lines")
	}
	for l, ts := range keyLines {
		if len(ts) == 0 {
			t.Fatalf("language %d: no templates", l)
		}
		for i := range ts {
			n := uint64(i)
			a, b := KeyLine(l, n), KeyLine(l, n+uint64(len(ts)))
			if bytes.Contains(a, []byte("{{")) || bytes.Contains(b, []byte("{{")) {
				t.Fatalf("language %d, template %d: not expanded", l, i)
			}
			if bytes.Equal(a, b) {
				t.Fatalf("language %d, template %d: seeds %d and %d gave the same key line", l, i, n, n+uint64(len(ts)))
			}
		}
	}
}

// TestLayoutSize checks that a layout's sizes add up to about n*avg.
func TestLayoutSize(t *testing.T) {
	files := layout(1, 1000, 5000)
	total := 0
	for _, f := range files {
		total += f.Size
	}
	if total < 4900*1000 || total > 5100*1000 {
		t.Fatalf("layout of 1000×5000 bytes sums to %d", total)
	}
}
