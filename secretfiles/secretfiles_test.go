package secretfiles

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

type setup struct {
	g      *gittest.Repo
	repo   *git.Repo
	engine *detect.Engine
}

func newSetup(t *testing.T, prepare func(g *gittest.Repo)) setup {
	t.Helper()
	g := gittest.New(t)
	prepare(g)
	repo, err := git.Open(context.Background(), g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := detect.New(detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return setup{g: g, repo: repo, engine: engine}
}

func TestInventoryStates(t *testing.T) {
	s := newSetup(t, func(g *gittest.Repo) {
		g.Write(".gitignore", ".env\n")
		g.Write(".git/info/exclude", "local.key\n")
		g.Write("tracked.pem", "x")
		g.Git("add", ".")
		g.Git("commit", "-q", "-m", "init")
		g.Write(".env", "A=1")
		g.Write(".env.local", "A=1")
		g.Write(".env.example", "A=")
		g.Write("local.key", "x")
		g.Write("staged.p12", "x")
		g.Git("add", "staged.p12")
		g.Write("config.py", "DEBUG = 1\n")                                        // no key: not sensitive
		g.Write("app/config.py", fakekey.Expand(`KEY = "ghp_{{b62crc 30}}"`)+"\n") // key: sensitive
	})
	files, err := Inventory(context.Background(), Options{Repo: s.repo, Catalogue: coverage.Default(), Engine: s.engine, Ignored: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]State{}
	for _, f := range files {
		got[f.Path] = f.State
	}
	want := map[string]State{
		".env": Ignored, ".env.local": Untracked, "local.key": LocalIgnored,
		"staged.p12": Staged, "tracked.pem": Tracked, "app/config.py": Untracked,
	}
	if len(got) != len(want) {
		t.Errorf("got %d files %v, want %d", len(got), got, len(want))
	}
	for p, st := range want {
		if got[p] != st {
			t.Errorf("%s: state %v, want %v", p, got[p], st)
		}
	}
	for _, f := range files {
		if f.Path == "app/config.py" && len(f.Keys) != 1 {
			t.Errorf("app/config.py: %d keys, want 1", len(f.Keys))
		}
	}
}

func TestInventoryWithoutIgnoredSkipsThem(t *testing.T) {
	s := newSetup(t, func(g *gittest.Repo) {
		g.Write(".gitignore", ".env\n")
		g.Write(".env", "A=1")
		g.Write("id_rsa", "x")
	})
	files, err := Inventory(context.Background(), Options{Repo: s.repo, Catalogue: coverage.Default(), Engine: s.engine})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != "id_rsa" || files[0].State != Untracked {
		t.Fatalf("got %+v, want only id_rsa untracked", files)
	}
}

// dotenvLines are the standard entries every project gets before its .env
// exists.
const dotenvLines = ".env\n.env.*\n!.env.example\n!.env.sample\n!.env.template\n!.env.dist\n!.env.defaults\n!.env.schema\n"

func TestFixIgnore(t *testing.T) {
	tests := []struct {
		name      string
		prepare   func(g *gittest.Repo)
		dryRun    bool
		wantErr   error
		wantOut   []string
		gitignore string // expected content afterwards; "" = unchanged from before
	}{
		{
			name:      "nothing to do",
			prepare:   func(g *gittest.Repo) { g.Write(".gitignore", "*.log\n.env\n.env.*\n"); g.Write("app.py", "x") },
			wantOut:   []string{"nothing to do"},
			gitignore: "*.log\n.env\n.env.*\n",
		},
		{
			name:      "netrc and tfvars",
			prepare:   func(g *gittest.Repo) { g.Write(".netrc", "x"); g.Write("infra/prod.tfvars", "x") },
			wantOut:   []string{"added", "now ignored: .netrc, infra/prod.tfvars"},
			gitignore: "# keyguard: keep secrets out of git\n.netrc\n_netrc\n*.tfvars\n*.tfvars.json\n" + dotenvLines,
		},
		{
			name:      "dry run writes nothing",
			prepare:   func(g *gittest.Repo) { g.Write(".gitignore", "*.log"); g.Write(".htpasswd", "x") },
			dryRun:    true,
			wantOut:   []string{"would add 9 entries", "would ignore: .htpasswd", "nothing was changed", "would add .env .env.*"},
			gitignore: "*.log",
		},
		{
			name: "tracked file needs the user",
			prepare: func(g *gittest.Repo) {
				g.Write(".pypirc", "x")
				g.Git("add", ".")
				g.Git("commit", "-q", "-m", "x")
			},
			wantErr:   ErrUnresolved,
			wantOut:   []string{".pypirc is tracked", "git rm --cached -- .pypirc", "revoke and rotate"},
			gitignore: "# keyguard: keep secrets out of git\n.pypirc\n" + dotenvLines,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t, tt.prepare)
			old, _ := os.ReadFile(filepath.Join(s.g.Dir, ".gitignore"))
			var out strings.Builder
			err := FixIgnore(context.Background(), FixOptions{Repo: s.repo, Engine: s.engine, DryRun: tt.dryRun, Out: &out})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v\n%s", err, tt.wantErr, out.String())
			}
			reported := reportedEntries(t, out.String())
			if tt.dryRun {
				// What the dry run promised is what a real run appends.
				var real strings.Builder
				err := FixIgnore(context.Background(), FixOptions{Repo: s.repo, Engine: s.engine, Out: &real})
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("real run after the dry run: err %v, want %v\n%s", err, tt.wantErr, real.String())
				}
				now, _ := os.ReadFile(filepath.Join(s.g.Dir, ".gitignore"))
				checkAppended(t, reported, old, now)
				if err := os.WriteFile(filepath.Join(s.g.Dir, ".gitignore"), old, 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				now, _ := os.ReadFile(filepath.Join(s.g.Dir, ".gitignore"))
				checkAppended(t, reported, old, now)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			got, _ := os.ReadFile(filepath.Join(s.g.Dir, ".gitignore"))
			if string(got) != tt.gitignore {
				t.Errorf(".gitignore:\n%q\nwant\n%q", got, tt.gitignore)
			}
		})
	}
}

// reportedEntries reads the entries fix-ignore says it added (or would
// add) and checks the count it states matches the list.
func reportedEntries(t *testing.T, out string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^keyguard: (?:added|would add) (\d+) entr(?:y|ies) to \.gitignore:\n((?:    \S.*\n|        .*\n)*)`).FindStringSubmatch(out)
	if m == nil {
		return nil
	}
	var entries []string
	for _, l := range strings.Split(m[2], "\n") {
		if e, ok := strings.CutPrefix(l, "    "); ok && !strings.HasPrefix(e, " ") {
			entries = append(entries, e)
		}
	}
	if n, _ := strconv.Atoi(m[1]); n != len(entries) {
		t.Errorf("fix-ignore says %s entries and lists %d:\n%s", m[1], len(entries), out)
	}
	return entries
}

// checkAppended checks the entries fix-ignore reported are exactly the
// lines it appended to .gitignore (old -> now), header comment aside.
func checkAppended(t *testing.T, reported []string, old, now []byte) {
	t.Helper()
	if !bytes.HasPrefix(now, old) {
		t.Fatalf("old .gitignore is not a prefix of the new one:\n%q\n%q", old, now)
	}
	var appended []string
	for _, l := range strings.Split(strings.ReplaceAll(string(now[len(old):]), "\r\n", "\n"), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			appended = append(appended, l)
		}
	}
	if !slices.Equal(reported, appended) {
		t.Errorf("fix-ignore reported entries %q, but appended %q", reported, appended)
	}
}

// TestFixIgnoreConcurrentRuns: runs at once, each adding different entries,
// leave every entry exactly once: no run's update is lost.
func TestFixIgnoreConcurrentRuns(t *testing.T) {
	s := newSetup(t, func(g *gittest.Repo) {
		g.Write(".gitignore", "*.log")
		g.Write(".env", "A=1")
		g.Write("id_rsa", "x")
		g.Write("prod.tfvars", "x")
		g.Write(".netrc", "x")
	})
	// Each run knows only some kinds of secret file, as runs with different
	// configurations would.
	trims := [][]string{
		{"ssh-private-key", "terraform-vars", "netrc"},
		{"env", "terraform-vars", "netrc"},
		{"env", "ssh-private-key", "netrc"},
		{"env", "ssh-private-key", "terraform-vars"},
	}
	var wg sync.WaitGroup
	for _, trim := range trims {
		cat, err := coverage.Default().With(nil, trim)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slow := func() { time.Sleep(30 * time.Millisecond) } // hold the window open
			o := FixOptions{Repo: s.repo, Catalogue: cat, Engine: s.engine, Out: io.Discard, afterRead: slow}
			if err := FixIgnore(context.Background(), o); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := os.ReadFile(filepath.Join(s.g.Dir, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, l := range strings.Split(string(got), "\n") {
		if l != "" {
			seen[l]++
		}
	}
	for l, n := range seen {
		if n != 1 {
			t.Errorf("%q appears %d times", l, n)
		}
	}
	for _, want := range []string{"*.log", ".env", "id_rsa", "*.tfvars", ".netrc"} {
		if seen[want] != 1 {
			t.Errorf("%q is missing: a concurrent update was lost\n%s", want, got)
		}
	}
}
