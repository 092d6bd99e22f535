package git

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

func TestListFilesAndIgnores(t *testing.T) {
	g := gittest.New(t)
	g.Write(".gitignore", ".env\n")
	g.Write("sub/.gitignore", "!.env\n")
	g.Write(".git/info/exclude", "local.pem\n")
	g.Write("tracked.pem", "x")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "init")
	g.Write(".env", "A=1")
	g.Write("sub/.env", "A=1")
	g.Write("local.pem", "x")
	g.Write("new.pem", "x")
	g.Write(":odd.pem", "x")
	g.Write("staged.pem", "x")
	g.Git("add", "staged.pem")
	r := open(t, g.Dir)
	ctx := context.Background()
	specs := []string{":(glob)**/.env", ":(glob)**/*.pem"}

	l, err := r.ListFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{".gitignore", "staged.pem", "sub/.gitignore", "tracked.pem"}; !reflect.DeepEqual(l.Tracked, want) {
		t.Errorf("tracked %q, want %q", l.Tracked, want)
	}
	if want := []string{":odd.pem", "new.pem", "sub/.env"}; !reflect.DeepEqual(l.Untracked, want) { // .gitignore files are tracked
		t.Errorf("untracked %q, want %q", l.Untracked, want)
	}
	ignored, err := r.ListIgnored(ctx, specs)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{".env", "local.pem"}; !reflect.DeepEqual(ignored, want) {
		t.Errorf("ignored %q, want %q", ignored, want)
	}
	staged, err := r.StagedNames(ctx, specs)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"staged.pem"}; !reflect.DeepEqual(staged, want) {
		t.Errorf("staged %q, want %q", staged, want)
	}

	srcs, err := r.CheckIgnore(ctx, []string{".env", "sub/.env", "local.pem", "new.pem", ":odd.pem", "tracked.pem"})
	if err != nil {
		t.Fatal(err)
	}
	want := []IgnoreSource{
		{Path: ".env", Ignored: true, File: ".gitignore", Line: 1, Pattern: ".env", Shared: true},
		{Path: "sub/.env", Ignored: false, File: "sub/.gitignore", Line: 1, Pattern: "!.env", Shared: true},
		{Path: "local.pem", Ignored: true, File: ".git/info/exclude", Line: 1, Pattern: "local.pem"},
		{Path: "new.pem"},
		{Path: ":odd.pem"},
		{Path: "tracked.pem"},
	}
	if !reflect.DeepEqual(srcs, want) {
		t.Errorf("check-ignore:\n got %+v\nwant %+v", srcs, want)
	}

	m, err := r.MatchIgnorePattern(ctx, "*.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Untracked, []string{":odd.pem", "local.pem", "new.pem"}) || !reflect.DeepEqual(m.Tracked, []string{"staged.pem", "tracked.pem"}) {
		t.Errorf("match *.pem: %+v", m)
	}
}

// TestListFilesOddNamesAndConflicts: one ls-files process tells tracked
// from untracked files by its tags, for names with spaces, newlines, a
// leading dash or a tag-like start, and lists a conflicted path once.
func TestListFilesOddNamesAndConflicts(t *testing.T) {
	g := gittest.New(t)
	g.Write("conflict.txt", "base\n")
	g.Write("? looks tagged", "x")
	g.Write("-dash", "x")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "base")
	g.Git("checkout", "-q", "-b", "side")
	g.Write("conflict.txt", "side\n")
	g.Git("commit", "-q", "-am", "side")
	g.Git("checkout", "-q", "-")
	g.Write("conflict.txt", "main\n")
	g.Git("commit", "-q", "-am", "main")
	if out, err := g.Try("merge", "side"); err == nil || !strings.Contains(out, "CONFLICT") {
		t.Fatalf("the merge did not conflict: %v\n%s", err, out)
	}
	g.Write("new\nline.env", "x")
	g.Write("H space.pem", "x")
	g.Write("ünï.key", "x")
	l, err := open(t, g.Dir).ListFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"-dash", "? looks tagged", "conflict.txt"}; !reflect.DeepEqual(l.Tracked, want) {
		t.Errorf("tracked %q, want %q", l.Tracked, want)
	}
	if want := []string{"H space.pem", "new\nline.env", "ünï.key"}; !reflect.DeepEqual(l.Untracked, want) {
		t.Errorf("untracked %q, want %q", l.Untracked, want)
	}
}

func TestParseTaggedRejectsUntagged(t *testing.T) {
	for _, out := range []string{"plain\x00", "H\x00", "Hx path\x00"} {
		if _, err := parseTagged([]byte(out)); err == nil {
			t.Errorf("%q: no error", out)
		}
	}
}

// A pathspec variable in the environment would make every call fatal or
// change its meaning; keyguard's children never see them.
func TestPathspecEnvIgnored(t *testing.T) {
	g := gittest.New(t)
	g.Write(".gitignore", "*.pem\n")
	g.Write("sub/a.pem", "x")
	t.Setenv("GIT_LITERAL_PATHSPECS", "1")
	t.Setenv("GIT_ICASE_PATHSPECS", "1")
	r := open(t, g.Dir)
	l, err := r.ListIgnored(context.Background(), []string{":(glob)**/*.pem"})
	if err != nil || len(l) != 1 || l[0] != "sub/a.pem" {
		t.Fatalf("got %q, %v", l, err)
	}
}

func TestConfigAndTracked(t *testing.T) {
	g := gittest.New(t)
	g.Git("config", "core.hooksPath", ".githooks")
	g.Write(".githooks/pre-commit", "#!/bin/sh\n")
	g.Git("add", ".")
	r := open(t, g.Dir)
	ctx := context.Background()
	v, err := r.Config(ctx, "core.hooksPath")
	if err != nil || v != ".githooks" {
		t.Fatalf("config: %q %v", v, err)
	}
	if v, err := r.Config(ctx, "keyguard.unset"); err != nil || v != "" {
		t.Fatalf("unset config: %q %v", v, err)
	}
	if r.HooksDir != filepath.Join(r.Top, ".githooks") {
		t.Fatalf("hooks dir %q", r.HooksDir)
	}
	tr, err := r.Tracked(ctx, ".githooks/pre-commit", ".githooks/none", "*")
	if err != nil || !reflect.DeepEqual(tr, []string{".githooks/pre-commit"}) {
		t.Fatalf("tracked: %q %v", tr, err)
	}
	if rel, ok := r.Rel(filepath.Join(r.Top, ".githooks")); !ok || rel != ".githooks" {
		t.Fatalf("rel: %q %v", rel, ok)
	}
	if _, ok := r.Rel(os.TempDir()); ok {
		t.Fatal("a path outside the work tree counted as inside")
	}
}

func TestParseCheckIgnore(t *testing.T) {
	paths := []string{".env", "new.pem"}
	tests := []struct {
		name    string
		fields  []string
		want    []IgnoreSource
		wantErr string
	}{
		{
			name:   "matched and unmatched",
			fields: []string{".gitignore", "3", ".env", ".env", "", "", "", "new.pem"},
			want: []IgnoreSource{
				{Path: ".env", File: ".gitignore", Line: 3, Pattern: ".env", Ignored: true, Shared: true},
				{Path: "new.pem"},
			},
		},
		{name: "line not a number", fields: []string{".gitignore", "x3", ".env", ".env", "", "", "", "new.pem"}, wantErr: `line number "x3" for .env is not a number`},
		{name: "line missing", fields: []string{".gitignore", "", ".env", ".env", "", "", "", "new.pem"}, wantErr: `line number "" for .env`},
		{name: "bad line without a source", fields: []string{".gitignore", "1", ".env", ".env", "", "7x", "", "new.pem"}, wantErr: `line number "7x" for new.pem`},
		{name: "too few fields", fields: []string{".gitignore", "1", ".env", ".env"}, wantErr: "4 fields for 2 paths"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCheckIgnore(paths, tt.fields)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
