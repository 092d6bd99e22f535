package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

func policy(t *testing.T, top string) *Policy {
	t.Helper()
	p, err := LoadPolicy(top)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func openRepo(t *testing.T, dir string) *git.Repo {
	t.Helper()
	r, err := git.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func key() string { return fakekey.Expand(`TOKEN = "ghp_{{b62crc 30}}"`) + "\n" }

func TestPathsRespectsGitignoreAndPolicy(t *testing.T) {
	g := gittest.New(t)
	g.Write(".gitignore", "ignored/\n")
	g.Write(".keyguard.yaml", "allow:\n  paths: [fixtures/**]\n")
	g.Write("src/app.py", key())
	g.Write("ignored/local.py", key())
	g.Write("fixtures/f.py", key())
	g.Write("logo.png", "\x89PNG\x00\x00")
	repo := openRepo(t, g.Dir)
	res, err := Paths(context.Background(), Options{Policy: policy(t, g.Dir), Repo: repo, Paths: []string{g.Dir}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range res.Findings {
		paths = append(paths, f.Path)
	}
	if want := []string{filepath.Join(g.Dir, "src/app.py")}; !slices.Equal(paths, want) {
		t.Fatalf("findings in %q, want %q", paths, want)
	}
	if res.Binary != 1 {
		t.Errorf("binary files %d, want 1", res.Binary)
	}
}

func TestPathsOutsideRepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"a.txt": key(), ".git/config.txt": key(), "b.txt": "clean\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	res, err := Paths(context.Background(), Options{Policy: policy(t, dir), Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || filepath.Base(res.Findings[0].Path) != "a.txt" || res.Files != 2 {
		t.Fatalf("got %d findings over %d files; want only a.txt (no .git, no symlink)", len(res.Findings), res.Files)
	}
}

// TestPathsRefusesSpecialPaths: a symlink or device named on the command
// line is an error, never a silent "0 files scanned"; a file beside it is
// scanned.
func TestPathsRefusesSpecialPaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(file, []byte(key()), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"regular file", file, ""},
		{"symlink", link, "scan " + link + ": not a regular file or directory (symlinks are not followed)"},
		{"device", os.DevNull, "scan " + os.DevNull + ": not a regular file or directory (symlinks are not followed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Paths(context.Background(), Options{Policy: policy(t, dir), Paths: []string{tt.path}})
			if tt.wantErr == "" {
				if err != nil || res.Files != 1 || len(res.Findings) != 1 {
					t.Fatalf("got %d findings over %d files, err %v; want 1 over 1", len(res.Findings), res.Files, err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("got error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestHistoryAttributesCommits(t *testing.T) {
	g := gittest.New(t)
	for i := range 200 { // several blocks, so every git worker gets work
		g.Write("f.txt", fakekey.ExpandSeed("line {{alnum 8}}\n", uint64(i)))
		g.Git("add", ".")
		g.Git("commit", "-q", "-m", "c")
	}
	g.Write("app.py", key())
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "key")
	keyCommit := g.Git("rev-parse", "HEAD")
	g.Git("rm", "-q", "app.py")
	g.Git("commit", "-q", "-m", "remove")

	repo := openRepo(t, g.Dir)
	var mu sync.Mutex // Progress is called from any goroutine
	var last, total int
	res, err := History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: repo,
		Progress: func(done, n int) {
			mu.Lock()
			defer mu.Unlock()
			last, total = done, n
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commits != 202 || last != total || total != 202 {
		t.Fatalf("commits %d, progress %d/%d; want 202", res.Commits, last, total)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(res.Findings))
	}
	f := res.Findings[0]
	if f.Commit == nil || f.Commit.Hash+"\n" != keyCommit || f.Path != "app.py" || f.Line != 1 {
		t.Fatalf("finding attributed to %+v at %s:%d", f.Commit, f.Path, f.Line)
	}

	// A range narrows the scan.
	res, err = History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: repo, Revs: []string{"HEAD~1..HEAD"}})
	if err != nil || res.Commits != 1 || len(res.Findings) != 0 {
		t.Fatalf("range: %d commits, %d findings, %v", res.Commits, len(res.Findings), err)
	}
}

// TestHistoryFindsEachKeyOnce puts keys into every kind of change a history
// scan reads itself (an edit deep in a long-lived file, a rename with an
// edit, a file too large to hold, a file that was binary before) across
// enough commits for several git workers, and checks that each key is
// reported once, at the commit and line that added it, and that moving a
// key line later is not reported again.
func TestHistoryFindsEachKeyOnce(t *testing.T) {
	g := gittest.New(t)
	head := func() string { return strings.TrimSpace(g.Git("rev-parse", "HEAD")) }
	commit := func(msg string) string {
		g.Git("add", "-A")
		g.Git("commit", "-q", "-m", msg)
		return head()
	}
	var body []string
	for i := range 50 {
		body = append(body, fmt.Sprintf("value_%d = compute(%d)\n", i, i))
	}
	g.Write("config.py", strings.Join(body, ""))
	g.Write("notes.md", strings.Repeat("a long note about nothing in particular\n", 20))
	g.Write("blob.dat", "\x00\x01binary")
	commit("root")
	placed := key()
	want := map[string]string{} // commit -> path:line
	for i := range 450 {
		g.Write("churn.txt", fakekey.ExpandSeed("line {{alnum 8}}\n", uint64(i)))
		switch i {
		case 100: // a key deep inside a file that keeps changing
			lines := append(append(append([]string(nil), body[:30]...), placed), body[30:]...)
			g.Write("config.py", strings.Join(lines, ""))
			want[commit("key in config")] = "config.py:31"
			continue
		case 150: // the key line moves up: it is not new
			lines := append(append(append([]string(nil), body[:10]...), placed), body[10:]...)
			g.Write("config.py", strings.Join(lines, ""))
		case 250: // renamed with a key added
			g.Git("mv", "notes.md", "notes-moved.md")
			g.Write("notes-moved.md", strings.Repeat("a long note about nothing in particular\n", 20)+key())
			want[commit("rename with a key")] = "notes-moved.md:21"
			continue
		case 300: // too large to hold: git's own diff
			g.Write("big.txt", strings.Repeat("0123456789abcdef\n", 9<<20/17)+key())
			want[commit("large file")] = fmt.Sprintf("big.txt:%d", 9<<20/17+1)
			continue
		case 350: // binary before, text now
			g.Write("blob.dat", "text now\n"+key())
			want[commit("binary to text")] = "blob.dat:2"
			continue
		}
		commit(fmt.Sprint("churn ", i))
	}
	res, err := History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: openRepo(t, g.Dir)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		where := fmt.Sprintf("%s:%d", f.Path, f.Line)
		if prev, dup := got[f.Commit.Hash]; dup {
			t.Errorf("commit %s reported twice: %s and %s", f.Commit.Hash, prev, where)
		}
		got[f.Commit.Hash] = where
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings by commit %v, want %v", got, want)
	}
}

// TestStagedReadsTextThatGitCallsBinary: git reports a change as binary when
// the old version was binary, or when .gitattributes says so; the text the
// commit adds is still scanned.
func TestStagedReadsTextThatGitCallsBinary(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(g *gittest.Repo)
	}{
		{"binary replaced by text", func(g *gittest.Repo) {
			g.Write("data", "a\x00b\n")
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "binary")
			g.Write("data", key())
		}},
		{"gitattributes -diff", func(g *gittest.Repo) {
			g.Write(".gitattributes", "data -diff\n")
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "attrs")
			g.Write("data", key())
		}},
		{"real binary stays skipped", func(g *gittest.Repo) {
			g.Write("data", "\x00"+key())
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t)
			tt.prepare(g)
			g.Git("add", ".")
			res, err := Staged(context.Background(), policy(t, g.Dir), openRepo(t, g.Dir))
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if i == 2 {
				want = 0
			}
			if len(res.Findings) != want {
				t.Fatalf("%d findings, want %d", len(res.Findings), want)
			}
		})
	}
}

// TestHistoryReadsTextThatGitCallsBinary: a key committed in a UTF-16 file
// is found by history (and so pre-push) scans too, in its commit.
func TestHistoryReadsTextThatGitCallsBinary(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "a\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "base")
	utf16 := []byte{0xFF, 0xFE} // little-endian byte order mark
	for _, r := range "note\r\n" + key() {
		utf16 = append(utf16, byte(r), 0)
	}
	g.Write("notes.txt", string(utf16))
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "utf16")
	keyCommit := g.Git("rev-parse", "HEAD")
	res, err := History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: openRepo(t, g.Dir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(res.Findings))
	}
	if f := res.Findings[0]; f.Path != "notes.txt" || f.Line != 2 || f.Commit == nil || f.Commit.Hash+"\n" != keyCommit {
		t.Fatalf("finding at %s:%d in %+v", f.Path, f.Line, f.Commit)
	}
}

// TestHistoryScansMergeResolutions: a key typed while resolving a conflict
// (committed with --no-verify) is found in the merge commit; the lines the
// merged branch brought in are not reported again.
func TestHistoryScansMergeResolutions(t *testing.T) {
	// With -diff, git calls app.py binary: the merge's old version, the
	// automatic merge git recreates with conflict markers, is a temporary
	// object that is gone once git log ends, and the parents' versions
	// stand for it.
	for _, attributes := range []string{"", "app.py -diff\n"} {
		t.Run(fmt.Sprintf("attributes %q", attributes), func(t *testing.T) {
			g := gittest.New(t)
			g.Write(".gitattributes", attributes)
			g.Write("app.py", "x = 1\n")
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "base")
			g.Git("checkout", "-q", "-b", "side")
			sideKey := fakekey.Expand(`GH = "ghp_{{b62crc 30}}"`) + "\n"
			g.Write("app.py", "x = 2\n"+sideKey)
			g.Write("side.py", key())
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "side with keys")
			side := g.Git("rev-parse", "HEAD")
			g.Git("checkout", "-q", "main")
			g.Write("app.py", "x = 3\n")
			g.Git("commit", "-q", "-am", "main")
			mergeFails(t, g)
			// The resolution keeps the side's key line and types a new key.
			g.Write("app.py", "x = 4\n"+fakekey.Expand(`STRIPE = "sk_live_{{alnum 40}}"`)+"\n"+sideKey)
			g.Git("add", "app.py")
			g.Git("commit", "-q", "--no-edit", "--no-verify")
			merge := g.Git("rev-parse", "HEAD")

			res, err := History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: openRepo(t, g.Dir)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				who := "side"
				if f.Commit != nil && f.Commit.Hash+"\n" == merge {
					who = "merge"
				} else if f.Commit == nil || f.Commit.Hash+"\n" != side {
					who = "other"
				}
				got = append(got, fmt.Sprintf("%s %s:%d", who, f.Path, f.Line))
			}
			slices.Sort(got)
			want := []string{"merge app.py:2", "side app.py:2", "side side.py:1"}
			if !slices.Equal(got, want) {
				t.Fatalf("findings %q, want %q: the merge's own key once, the side's keys at the side commit only", got, want)
			}
		})
	}
}

// mergeFails runs a merge that stops on a conflict.
func mergeFails(t *testing.T, g *gittest.Repo) {
	t.Helper()
	cmd := exec.Command("git", "merge", "-q", "side")
	cmd.Dir = g.Dir
	cmd.Env = g.Env
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("the merge did not conflict:\n%s", out)
	}
}

// notebookJSON is a notebook with one code cell per element of cells, each
// holding the given source lines.
func notebookJSON(t *testing.T, cells ...[]string) string {
	t.Helper()
	type cell struct {
		CellType string         `json:"cell_type"`
		Metadata map[string]any `json:"metadata"`
		Outputs  []any          `json:"outputs"`
		Source   []string       `json:"source"`
	}
	nb := struct {
		Cells    []cell         `json:"cells"`
		Metadata map[string]any `json:"metadata"`
		Major    int            `json:"nbformat"`
		Minor    int            `json:"nbformat_minor"`
	}{Metadata: map[string]any{}, Major: 4, Minor: 5}
	for _, src := range cells {
		lines := make([]string, len(src))
		for i, l := range src {
			lines[i] = l
			if i < len(src)-1 {
				lines[i] += "\n"
			}
		}
		nb.Cells = append(nb.Cells, cell{CellType: "code", Metadata: map[string]any{}, Outputs: []any{}, Source: lines})
	}
	out, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out) + "\n"
}

// TestStagedNotebooks: a new notebook is read as cells from the diff's
// lines, an edited one from git whole, and only what the commit adds is
// reported; a file named .ipynb that is not a notebook is read as text,
// in both cases, and so is one git diffs as text though it holds a NUL
// byte (read again, from its own diff).
func TestStagedNotebooks(t *testing.T) {
	keyA := fakekey.ExpandSeed(`TOKEN = "ghp_{{b62crc 30}}"`, 1)
	keyB := fakekey.ExpandSeed(`TOKEN = "ghp_{{b62crc 30}}"`, 2)
	type place struct{ line, cell, cellLine int }
	tests := []struct {
		name   string
		before map[string]string // committed first
		staged map[string]string
		want   []place
	}{
		{
			name:   "new notebook",
			staged: map[string]string{"nb.ipynb": notebookJSON(t, []string{"import os"}, []string{"x = 1", keyA})},
			want:   []place{{line: 17, cell: 2, cellLine: 2}},
		},
		{
			name:   "edited notebook: only the new cell's key",
			before: map[string]string{"nb.ipynb": notebookJSON(t, []string{"import os", keyA})},
			staged: map[string]string{"nb.ipynb": notebookJSON(t, []string{"import os", keyA}, []string{keyB})},
			want:   []place{{line: 17, cell: 2, cellLine: 1}},
		},
		{
			name:   "new file that is not a notebook",
			staged: map[string]string{"nb.ipynb": "not json\n" + keyA + "\n"},
			want:   []place{{line: 2}},
		},
		{
			name:   "edited file that is not a notebook",
			before: map[string]string{"nb.ipynb": "not json\n" + keyA + "\n"},
			staged: map[string]string{"nb.ipynb": "not json\n" + keyA + "\nmore\n" + keyB + "\n"},
			want:   []place{{line: 4}},
		},
		{
			name:   "NUL byte, diffed as text by attribute",
			before: map[string]string{".gitattributes": "*.ipynb diff\n", "nb.ipynb": "\x00 head\n"},
			staged: map[string]string{"nb.ipynb": "\x00 head\n" + keyB + "\n"},
			want:   []place{{line: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t)
			if tt.before != nil {
				for name, text := range tt.before {
					g.Write(name, text)
				}
				g.Git("add", ".")
				g.Git("commit", "-q", "-m", "before")
			}
			for name, text := range tt.staged {
				g.Write(name, text)
			}
			g.Git("add", ".")
			res, err := Staged(context.Background(), policy(t, g.Dir), openRepo(t, g.Dir))
			if err != nil {
				t.Fatal(err)
			}
			var got []place
			for _, f := range res.Findings {
				if tt.before != nil && strings.Contains(keyA, f.Secret.Secret.Reveal()) {
					t.Errorf("the key committed before is reported again at line %d", f.Line)
				}
				got = append(got, place{line: f.Line, cell: f.Cell, cellLine: f.CellLine})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findings at %+v, want %+v", got, tt.want)
			}
			// The summary counts the lines git adds, however they are read.
			added := 0
			for _, l := range strings.Split(strings.TrimSpace(g.Git("diff", "--cached", "--numstat")), "\n") {
				var n int
				if _, err := fmt.Sscanf(l, "%d", &n); err == nil {
					added += n
				}
			}
			if res.Lines != added || res.Bytes == 0 {
				t.Errorf("%d lines (git adds %d), %d bytes", res.Lines, added, res.Bytes)
			}
		})
	}
}

// TestStagedContext: a commit that changes only the value line of a key
// whose name, tags or provider stand on unchanged lines above or below is
// read with those lines (the staged diff's context), and reports only the
// changed line. Before the context, each of these was a bare value line.
func TestStagedContext(t *testing.T) {
	uuid := func() string { return fakekey.Expand("{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}") }
	tests := []struct {
		name, path string
		before     func() string // the committed file; %s is where the value goes
		value      func() string
		rule       string
	}{
		{"name/value pair", "deploy.yaml",
			func() string {
				return "env:\n  - name: LOG_LEVEL\n    value: info\n  - name: SERVICE_TOKEN\n    value: \"%s\"\n"
			},
			func() string { return fakekey.Expand("{{alnum 40}}") }, "generic-api-key"},
		{"XML element over three lines", "settings.xml",
			func() string {
				return "<settings>\n  <server>\n    <password>\n      %s\n    </password>\n  </server>\n</settings>\n"
			},
			func() string { return fakekey.Expand("{{alnum 14}}#{{alnum 6}}") }, "generic-password"},
		{"provider in a parent line", "config.yml",
			func() string { return "deploy:\n  heroku:\n    app: shop\n    api_key: %s\n" },
			uuid, "heroku-api-key-nested"},
		{"continued curl command", "call.sh",
			func() string {
				return "curl https://api.acme.dev/v1 \\\n  -H 'Accept: text/plain' \\\n  -u deploy:%s\n"
			},
			func() string { return fakekey.Expand("{{alnum 20}}") }, "curl-basic-auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t)
			g.Write(tt.path, fmt.Sprintf(tt.before(), "old-value-kept-out"))
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "base")
			text := fmt.Sprintf(tt.before(), tt.value())
			g.Write(tt.path, text)
			g.Git("add", ".")
			res, err := Staged(context.Background(), policy(t, g.Dir), openRepo(t, g.Dir))
			if err != nil {
				t.Fatal(err)
			}
			valueLine := 1 + strings.Count(tt.before()[:strings.Index(tt.before(), "%s")], "\n")
			if len(res.Findings) != 1 || res.Findings[0].Secret.Rule.ID != tt.rule || res.Findings[0].Line != valueLine {
				var got []string
				for _, f := range res.Findings {
					got = append(got, fmt.Sprintf("%s at %d", f.Secret.Rule.ID, f.Line))
				}
				t.Fatalf("findings %v, want %s at %d", got, tt.rule, valueLine)
			}
			if res.Lines != 1 {
				t.Errorf("%d lines counted as added, want 1", res.Lines)
			}
		})
	}
}
