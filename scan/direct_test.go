package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
	"github.com/keyguard/keyguard/report"
)

// padding stages count new files of size bytes of plain lines, so that a
// commit holds enough new content for the hook to read it from the work
// tree (see planDirect).
func padding(g *gittest.Repo, dir string, count, size int) {
	line := strings.Repeat("x", 63) + "\n"
	body := strings.Repeat(line, size/len(line))
	for i := range count {
		g.Write(fmt.Sprintf("%s/pad%03d.txt", dir, i), body)
	}
}

// stripeLine is a line holding a fake Stripe key, built at run time.
func stripeLine() string {
	return fakekey.Expand(`STRIPE_KEY = "sk_live_{{alnum 24}}"`) + "\n"
}

// notebookWithKey is a notebook whose first cell's second line holds a key.
func notebookWithKey() string {
	return `{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import os\n", ` +
		fmt.Sprintf("%q", strings.TrimSuffix(stripeLine(), "\n")) + `]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}` + "\n"
}

// findingPlace is a finding as the comparison below sees it.
func findingPlace(f report.Finding) string {
	id := ""
	if f.Secret != nil {
		id = f.Secret.Rule.ID
	}
	return fmt.Sprintf("%s:%d:%d:%s cell %d/%d/%d %s", f.Path, f.Line, f.Column, id, f.Cell, f.Output, f.CellLine, f.Encoding)
}

// TestStagedDirectMatchesDiff stages commits that the hook reads partly
// from the work tree and checks that the scan finds, places and counts
// exactly what the scan of git's patch alone does, in each case where the
// work tree's copy is not the staged content too (then git gives it).
func TestStagedDirectMatchesDiff(t *testing.T) {
	gittest.Pin(t)
	tests := []struct {
		name   string
		init   []string // git init's arguments
		setup  func(g *gittest.Repo)
		direct bool // the work tree is read (planDirect says so)
		read   int  // files read from it
		want   []string
		asText int // files git calls binary and the patch-only scan decodes
	}{
		{
			name: "new files only",
			setup: func(g *gittest.Repo) {
				padding(g, "pad", 30, 3000)
				g.Write("app/settings.py", "import os\n\nDEBUG = False\n"+stripeLine())
				g.Write("notebooks/explore.ipynb", notebookWithKey())
				g.Write("empty.txt", "")
				g.Write("no-newline.txt", "last line without a newline")
				g.Git("add", "-A")
			},
			direct: true,
			read:   34,
			want:   []string{"app/settings.py:4:15:stripe-live-key", "notebooks/explore.ipynb:1:"},
		},
		{
			name: "new and modified, renamed and a directory named like a rename's source",
			setup: func(g *gittest.Repo) {
				g.Write("tracked.py", "A = 1\n")
				g.Write("cfg", strings.Repeat("setting = value\n", 40))
				g.Git("add", "-A")
				g.Git("commit", "-q", "-m", "base")
				g.Write("tracked.py", "A = 1\n"+stripeLine())
				g.Git("mv", "cfg", "cfg.old")
				g.Write("cfg.old", strings.Repeat("setting = value\n", 40)+stripeLine())
				padding(g, "cfg", 40, 60000) // cfg/… matches a literal "cfg" pathspec
				g.Write("cfg/zz.py", stripeLine())
				g.Git("add", "-A")
			},
			direct: true,
			read:   41,
			want:   []string{"cfg.old:41:15:stripe-live-key", "cfg/zz.py:1:15:stripe-live-key", "tracked.py:2:15:stripe-live-key"},
		},
		{
			name: "new files in a SHA-256 repository",
			init: []string{"--object-format=sha256"},
			setup: func(g *gittest.Repo) {
				padding(g, "pad", 30, 3000)
				g.Write("app/settings.py", "import os\n"+stripeLine())
				g.Git("add", "-A")
			},
			direct: true,
			read:   31,
			want:   []string{"app/settings.py:2:15:stripe-live-key"},
		},
		{
			name: "work tree edited after staging",
			setup: func(g *gittest.Repo) {
				padding(g, "pad", 30, 3000)
				g.Write("staged-key.py", "x = 1\n"+stripeLine())
				g.Write("worktree-key.py", "x = 1\ny = 2\n")
				g.Git("add", "-A")
				g.Write("staged-key.py", "x = 1\n")
				g.Write("worktree-key.py", "x = 1\n"+stripeLine())
			},
			direct: true,
			read:   30,
			want:   []string{"staged-key.py:2:15:stripe-live-key"},
		},
		{
			name: "line endings converted on add",
			setup: func(g *gittest.Repo) {
				g.Git("config", "core.autocrlf", "true")
				padding(g, "pad", 30, 3000)
				g.Write("windows.py", "x = 1\r\n"+strings.TrimSuffix(stripeLine(), "\n")+"\r\n")
				g.Git("add", "-A")
			},
			direct: true,
			read:   30,
			want:   []string{"windows.py:2:15:stripe-live-key"},
		},
		{
			name: "binary to git, and text it calls binary",
			setup: func(g *gittest.Repo) {
				g.Write(".gitattributes", "*.sql -diff\n")
				g.Git("add", "-A")
				g.Git("commit", "-q", "-m", "base")
				padding(g, "pad", 30, 3000)
				g.Write("blob.bin", "\x00\x01"+stripeLine())
				g.Write("dump.sql", "create table t (k text);\n"+stripeLine())
				g.Git("add", "-A")
			},
			direct: true,
			read:   31,
			want:   []string{"dump.sql:2:15:stripe-live-key"},
			asText: 1, // the direct scan reads dump.sql as the text it is
		},
		{
			name: "a file too large to read whole",
			setup: func(g *gittest.Repo) {
				g.Write("big/huge.txt", strings.Repeat(strings.Repeat("y", 99)+"\n", (directMaxFile+4096)/100)+stripeLine())
				g.Git("add", "-A")
			},
			direct: false,
			read:   0,
			want:   []string{fmt.Sprintf("big/huge.txt:%d:15:stripe-live-key", (directMaxFile+4096)/100+1)},
		},
		{
			name: "a small commit stays on the diff",
			setup: func(g *gittest.Repo) {
				g.Write("app.py", stripeLine())
				g.Git("add", "-A")
			},
			direct: false,
			read:   0,
			want:   []string{"app.py:1:15:stripe-live-key"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t, tt.init...)
			tt.setup(g)
			repo := openRepo(t, g.Dir)
			p := policy(t, g.Dir)
			ctx := context.Background()

			raw, err := stagedChanges(ctx, repo)
			if err != nil {
				t.Fatal(err)
			}
			if plan, _ := planDirect(repo, raw); (plan != nil) != tt.direct {
				t.Fatalf("planDirect read the work tree: %v, want %v", plan != nil, tt.direct)
			}

			viaDiff, err := staged(ctx, p, repo, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			direct, err := staged(ctx, p, repo, nil, true)
			if err != nil {
				t.Fatal(err)
			}
			if direct.FromWorkTree != tt.read || viaDiff.FromWorkTree != 0 {
				t.Errorf("%d files read from the work tree (%d without it), want %d", direct.FromWorkTree, viaDiff.FromWorkTree, tt.read)
			}
			got, want := places(direct.Findings), places(viaDiff.Findings)
			if !slices.Equal(got, want) {
				t.Errorf("read from the work tree: %q\nfrom the diff alone: %q", got, want)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, w) }) {
					t.Errorf("no finding at %s in %q", w, got)
				}
			}
			if slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "pad/") }) {
				t.Errorf("a finding in the padding: %q", got)
			}
			if direct.Lines != viaDiff.Lines || direct.Bytes != viaDiff.Bytes || len(direct.Changes) != len(viaDiff.Changes) ||
				direct.Binary != viaDiff.Binary || direct.AsText+tt.asText != viaDiff.AsText {
				t.Errorf("counted %d files, %d lines, %d bytes, %d binary, %d as text; the diff alone %d, %d, %d, %d, %d",
					len(direct.Changes), direct.Lines, direct.Bytes, direct.Binary, direct.AsText,
					len(viaDiff.Changes), viaDiff.Lines, viaDiff.Bytes, viaDiff.Binary, viaDiff.AsText)
			}
		})
	}
}

// stagedChanges lists what is staged, as the staged diff's raw records
// give it before any patch.
func stagedChanges(ctx context.Context, repo *git.Repo) ([]*git.Change, error) {
	var changes []*git.Change
	listed := errors.New("listed")
	err := repo.StagedDiff(ctx, git.DiffHandler{Raw: func(cs []*git.Change) error {
		changes = cs
		return listed
	}})
	if !errors.Is(err, listed) {
		return nil, fmt.Errorf("staged diff: %v", err)
	}
	return changes, nil
}

// places lists findings sorted by place.
func places(fs []report.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = findingPlace(f)
	}
	slices.Sort(out)
	return out
}
