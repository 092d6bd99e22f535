package coverage

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func entryByID(t *testing.T, c *Catalogue, id string) Entry {
	t.Helper()
	for _, e := range c.Entries() {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entry %q", id)
	return Entry{}
}

func TestEscapeLiteral(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "config.py", want: "config.py"},
		{in: "app/settings.py", want: "app/settings.py"},
		{in: "a*b?c[d]e", want: `a\*b\?c\[d]e`},
		{in: `back\slash`, want: `back\\slash`},
		{in: "!bang", want: `\!bang`},
		{in: "#hash", want: `\#hash`},
		{in: "mid!#dle", want: "mid!#dle"},
		{in: "trail  ", want: `trail\ \ `},
		{in: " lead", want: " lead"},
		{in: "tab\t", want: "tab\t"},
		{in: "ünï cödé", want: "ünï cödé"},
		{in: "-rf", want: "-rf"},
		{in: "", wantErr: "empty"},
		{in: "a\nb", wantErr: "newline"},
		{in: "a\rb", wantErr: "carriage return"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := EscapeLiteral(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("EscapeLiteral(%q) error = %v; want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("EscapeLiteral(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestIgnoreLinesShape(t *testing.T) {
	c := Default()
	tests := []struct {
		path, id string
		want     []string
	}{
		{".env", "env", []string{".env", ".env.*", "!.env.example", "!.env.sample", "!.env.template", "!.env.dist", "!.env.defaults", "!.env.schema"}},
		{"a/server.pem", "pem", []string{"*.pem"}},
		{"a/SERVER.PEM", "pem", []string{"*.pem", "/a/SERVER.PEM"}},
		{"x/.streamlit/secrets.toml", "streamlit-secrets", []string{"**/.streamlit/secrets.toml"}},
		{"config.py", "config-file", []string{"/config.py"}},
		{"app/settings.py", "config-file", []string{"/app/settings.py"}},
		{"!w/[x]/config.py", "config-file", []string{`/!w/\[x]/config.py`}},
		{"#h.py", "config-file", []string{"/#h.py"}},
		{"new\nline.pem", "pem", []string{"*.pem"}},
	}
	for _, tt := range tests {
		got, err := c.IgnoreLines(tt.path, entryByID(t, c, tt.id))
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("IgnoreLines(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	for _, p := range []string{"con\nfig.py", "config.py\r", ""} {
		if _, err := c.IgnoreLines(p, entryByID(t, c, "config-file")); err == nil {
			t.Errorf("IgnoreLines(%q) gave no error for a name .gitignore cannot express", p)
		}
	}
}

// The lines IgnoreLines gives, written with Append, make real git ignore the
// file and leave templates and unrelated files alone.
func TestIgnoreLinesGit(t *testing.T) {
	custom, err := Default().With([]string{"deploy/keys.txt", "*.secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cat       *Catalogue
		path      string
		id        string // entry to use; "" to take Classify's
		existing  string
		untouched []string // files that must stay not ignored
	}{
		{name: "env root", path: ".env", untouched: []string{".env.example", "app/.env.example", "app/.env.sample", ".env.template", "env.go", ".envrc"}},
		{name: "env nested variant", path: "app/.env.local", untouched: []string{"app/.env.example", ".env.dist", "x/.env.defaults", ".env.schema"}},
		{name: "env negation kept after existing pattern", path: ".env.prod", existing: ".env.*\n", untouched: []string{".env.example"}},
		{name: "env over earlier user negation", path: ".env.local", existing: "!.env.local\n", untouched: []string{"app/.env.example"}},
		{name: "pem", path: "certs/server.pem", untouched: []string{"certs/server.pem.txt", "pem"}},
		{name: "pem uppercase", path: "certs/SERVER.PEM", untouched: []string{"certs/server.txt"}},
		{name: "pem with newline", path: "new\nline.pem", untouched: []string{"newline.txt"}},
		{name: "ssh key", path: "keys/id_rsa", untouched: []string{"keys/id_rsa.pub"}},
		{name: "streamlit", path: "app/.streamlit/secrets.toml", untouched: []string{"app/.streamlit/config.toml", "app/secrets.toml"}},
		{name: "aws", path: "home/.aws/credentials", untouched: []string{"home/.aws/config", "credentials"}},
		{name: "service account", path: "gcp/my-service-account.json", untouched: []string{"gcp/other.json"}},
		{name: "tfvars", path: "envs/prod.tfvars", untouched: []string{"envs/prod.tfvars.example"}},
		{name: "config root anchored", path: "config.py", untouched: []string{"app/config.py", "config.pyc"}},
		{name: "settings nested anchored", path: "app/settings.py", untouched: []string{"settings.py", "x/app/settings.py"}},
		{name: "npmrc", path: "web/.npmrc", untouched: []string{".npmrc", "api/.npmrc"}},
		{name: "space", path: "my app/config.json", untouched: []string{"my app/other.json", "config.json"}},
		{name: "trailing space", id: "config-file", path: "app/config.py  ", untouched: []string{"app/config.py", "app/config.py "}},
		{name: "star", id: "config-file", path: "we*rd/config.py", untouched: []string{"weXrd/config.py", "we/config.py"}},
		{name: "question", id: "config-file", path: "a?/config.py", untouched: []string{"ab/config.py"}},
		{name: "bracket", id: "config-file", path: "[ab]/settings.py", untouched: []string{"a/settings.py", "b/settings.py"}},
		{name: "backslash", id: "config-file", path: `back\slash/config.py`, untouched: []string{"back/config.py"}},
		{name: "hash prefix", id: "config-file", path: "#notes.py", untouched: []string{"notes.py"}},
		{name: "bang prefix", id: "config-file", path: "!config.py", untouched: []string{"config.py"}},
		{name: "unicode", path: "ünï/cödé/config.toml", untouched: []string{"ünï/config.toml"}},
		{name: "leading dash", path: "-rf/config.yml", untouched: []string{"rf/config.yml"}},
		{name: "crlf gitignore", path: "config.ini", existing: "node_modules/\r\n*.log\r\n", untouched: []string{"x.txt"}},
		{name: "no final newline", path: "secrets.py", existing: "*.log", untouched: []string{"x.txt"}},
		{name: "user anchored glob", cat: custom, path: "deploy/keys.txt", untouched: []string{"x/deploy/keys.txt"}},
		{name: "user name glob", cat: custom, path: "a/b/x.secret", untouched: []string{"a/b/x.secrets"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cat
			if c == nil {
				c = Default()
			}
			var e Entry
			if tt.id != "" {
				e = entryByID(t, c, tt.id)
			} else {
				var ok bool
				if e, ok = c.Classify(tt.path); !ok {
					t.Fatalf("Classify(%q) rejected the file under test", tt.path)
				}
			}
			lines, err := c.IgnoreLines(tt.path, e)
			if err != nil {
				t.Fatal(err)
			}
			dir, env := newRepo(t)
			writeFiles(t, dir, append([]string{tt.path}, tt.untouched...)...)
			gi := filepath.Join(dir, ".gitignore")
			if err := os.WriteFile(gi, []byte(tt.existing), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := ignoredFiles(t, dir, env); got[tt.path] && tt.existing == "" {
				t.Fatalf("%q ignored before the fix: the test proves nothing", tt.path)
			}
			out, _ := Append([]byte(tt.existing), lines)
			if err := os.WriteFile(gi, out, 0o644); err != nil {
				t.Fatal(err)
			}
			got := ignoredFiles(t, dir, env)
			if !got[tt.path] {
				t.Errorf("git does not ignore %q with .gitignore:\n%s", tt.path, out)
			}
			for _, u := range tt.untouched {
				if got[u] {
					t.Errorf("git ignores %q, which must stay committable, with .gitignore:\n%s", u, out)
				}
			}
			// check-ignore, as the lead's code calls it, agrees on the file itself.
			v := string(runGitStdin(t, dir, env, "./"+tt.path+"\x00", "check-ignore", "--no-index", "-z", "-v", "-n", "--stdin"))
			f := strings.Split(v, "\x00")
			if len(f) < 4 || f[0] != ".gitignore" || strings.HasPrefix(f[2], "!") {
				t.Errorf("check-ignore -v for %q = %q; want a .gitignore pattern", tt.path, v)
			}
		})
	}
}

// An anchored, escaped literal matches exactly its own file in real git, for
// random names full of characters .gitignore treats specially.
func TestEscapeLiteralGit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", `\`, "*", "?", "[", "]", "!", "#", " ", "\t", "-", ".", "é", "{", "}"}
	dirs := []string{"", "dd/", "dd/ee/", "[x]/", "s p/", "!n/", "#c/"}
	seen := map[string]bool{}
	var names []string
	for len(names) < 300 {
		var b strings.Builder
		for n := 1 + r.IntN(6); n > 0; n-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		leaf := b.String()
		if leaf == "." || leaf == ".." {
			continue
		}
		p := dirs[r.IntN(len(dirs))] + leaf
		if !seen[p] {
			seen[p] = true
			names = append(names, p)
		}
	}
	var lines, want []string
	for i, n := range names {
		if i%2 == 0 {
			lit, err := EscapeLiteral(n)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, "/"+lit)
			want = append(want, n)
		}
	}
	dir, env := newRepo(t)
	writeFiles(t, dir, names...)
	out, _ := Append(nil, lines)
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	got := ignoredFiles(t, dir, env)
	sort.Strings(want)
	for _, n := range want {
		if !got[n] {
			t.Errorf("escaped literal for %q does not ignore it", n)
		}
		delete(got, n)
	}
	for n := range got {
		t.Errorf("escaped literals ignore %q, which no line names", n)
	}
}

func FuzzEscapeLiteral(f *testing.F) {
	seeds := []string{"config.py", "a*b", "!x", "#x", "x  ", `\`, "[a-z]", "a\nb", "", "**/x", "é", "?", "[!]"}
	if len(seeds) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		lit, err := EscapeLiteral(name)
		if name == "" || strings.ContainsAny(name, "\n\r\x00") {
			if err == nil {
				t.Fatalf("EscapeLiteral(%q) = %q; want an error", name, lit)
			}
			return
		}
		if err != nil {
			t.Fatalf("EscapeLiteral(%q): %v", name, err)
		}
		if trimTrailingSpaces(lit) != lit || lit[0] == '!' || lit[0] == '#' {
			t.Fatalf("git would read %q (from %q) as something else", lit, name)
		}
		if !wildmatch(lit, name, false) {
			t.Fatalf("%q does not match %q", lit, name)
		}
		for _, other := range []string{name + "a", "a" + name, name[1:], name[:len(name)-1], strings.ToUpper(name), strings.ReplaceAll(name, "*", "x")} {
			if other != name && wildmatch(lit, other, false) {
				t.Fatalf("%q (for %q) also matches %q", lit, name, other)
			}
		}
	})
}

// TestWildmatchInvalidUTF8 pins what FuzzEscapeLiteral found: doublestar
// decodes runes, so every byte that is not valid UTF-8 became the same
// U+FFFD, where git compares bytes: a file named "\xc4" was thought covered
// by a line naming "\xc3". wildmatch now maps each invalid byte to its own
// rune.
func TestWildmatchInvalidUTF8(t *testing.T) {
	for _, tt := range []struct{ pattern, name string }{{"\xc3", "\xc4"}, {"a\xff*", "a\xfeb"}} {
		if wildmatch(tt.pattern, tt.name, false) {
			t.Errorf("wildmatch(%q, %q) = true; git compares bytes and says false", tt.pattern, tt.name)
		}
	}
	if !wildmatch("a\xff*", "a\xffb", false) || !wildmatch("*.\xe9", "x.\xe9", false) {
		t.Error("an invalid byte no longer matches itself")
	}
}
