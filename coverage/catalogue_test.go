package coverage

import (
	"fmt"
	"strings"
	"testing"
)

// Every built-in entry must prove what it matches and what it must not.
func TestBuiltinExamples(t *testing.T) {
	c := Default()
	for _, e := range c.Entries() {
		if len(e.sensitive) == 0 || len(e.safe) == 0 {
			t.Errorf("entry %s: needs both sensitive and safe examples", e.ID)
		}
		if e.Description == "" || len(e.patterns) == 0 {
			t.Errorf("entry %s: needs a description and patterns", e.ID)
		}
		for _, p := range e.sensitive {
			if got, ok := c.Classify(p); !ok || got.ID != e.ID {
				t.Errorf("entry %s: Classify(%q) = %q, %v; want it in the entry", e.ID, p, got.ID, ok)
			}
		}
		for _, p := range e.safe {
			if got, ok := c.Classify(p); ok && got.ID == e.ID {
				t.Errorf("entry %s: Classify(%q) accepted a safe example", e.ID, p)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	c := Default()
	tests := []struct {
		path string
		id   string // "" when not sensitive
		kind Kind
	}{
		{".env", "env", ByName},
		{"a/b/c/d/.env", "env", ByName},
		{".env.local", "env", ByName},
		{"app/.env.production.local", "env", ByName},
		{".env.example", "", 0},
		{"app/.env.example", "", 0},
		{"deep/er/.env.sample", "", 0},
		{".env.template", "", 0},
		{".env.dist", "", 0},
		{".env.defaults", "", 0},
		{".env.schema", "", 0},
		{".ENV.EXAMPLE", "", 0},
		{"environment.env", "", 0},
		{".env/lib/site.py", "", 0},
		{".streamlit/secrets.toml", "streamlit-secrets", ByName},
		{"a/b/.streamlit/secrets.toml", "streamlit-secrets", ByName},
		{"secrets.toml", "config-file", ByContent},
		{"id_rsa", "ssh-private-key", ByName},
		{"home/.ssh/id_ed25519", "ssh-private-key", ByName},
		{"home/.ssh/id_ed25519.pub", "", 0},
		{"id_rsa.pub", "", 0},
		{"certs/server.pem", "pem", ByName},
		{"Certs/SERVER.PEM", "pem", ByName},
		{"tls.key", "key-file", ByName},
		{"a.p12", "pkcs12", ByName},
		{"b.pfx", "pkcs12", ByName},
		{"c.ppk", "putty-key", ByName},
		{"credentials.json", "cloud-credentials", ByName},
		{"svc/prod-service-account.json", "service-account", ByName},
		{"firebase_service_account.json", "service-account", ByName},
		{"serviceAccountKey.json", "service-account", ByName},
		{"x/.aws/credentials", "aws-credentials", ByName},
		{".aws/config", "", 0},
		{".netrc", "netrc", ByName},
		{"_netrc", "netrc", ByName},
		{".pypirc", "pypirc", ByName},
		{"prod.tfvars", "terraform-vars", ByName},
		{"prod.tfvars.example", "", 0},
		{"terraform.tfstate", "terraform-state", ByName},
		{"terraform.tfstate.backup", "terraform-state", ByName},
		{".htpasswd", "htpasswd", ByName},
		{".git-credentials", "git-credentials", ByName},
		{".npmrc", "npmrc", ByContent},
		{"config.py", "config-file", ByContent},
		{"app/settings.py", "config-file", ByContent},
		{"config.yml", "config-file", ByContent},
		{"appsettings.Production.json", "config-file", ByContent},
		{"src/main/resources/application.properties", "config-file", ByContent},
		{"wp-config.php", "config-file", ByContent},
		{"config.go", "", 0},
		{"main.go", "", 0},
		// Names as git ls-files -z prints them: spaces, unicode, newline, dash.
		{"my app/.env", "env", ByName},
		{"ünïcödé/.env.local", "env", ByName},
		{"new\nline.pem", "pem", ByName},
		{"-rf/.env", "env", ByName},
		{"-x.key", "key-file", ByName},
		{"[x]/config.py", "config-file", ByContent},
		{"star*/id_rsa", "ssh-private-key", ByName},
		{"", "", 0},
		{"dir/", "", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.path), func(t *testing.T) {
			got, ok := c.Classify(tt.path)
			if ok != (tt.id != "") || got.ID != tt.id {
				t.Fatalf("Classify(%q) = %q, %v; want %q", tt.path, got.ID, ok, tt.id)
			}
			if ok && got.Kind != tt.kind {
				t.Fatalf("Classify(%q).Kind = %v; want %v", tt.path, got.Kind, tt.kind)
			}
		})
	}
}

func TestWith(t *testing.T) {
	tests := []struct {
		name        string
		add, remove []string
		path        string
		wantID      string // "" when the path must not be sensitive
		wantErr     string
	}{
		{name: "add name glob", add: []string{"*.secret"}, path: "a/b/x.secret", wantID: "*.secret"},
		{name: "add anchored", add: []string{"deploy/keys.txt"}, path: "deploy/keys.txt", wantID: "deploy/keys.txt"},
		{name: "anchored only at root", add: []string{"deploy/keys.txt"}, path: "x/deploy/keys.txt"},
		{name: "leading slash anchors", add: []string{"/keys.txt"}, path: "keys.txt", wantID: "/keys.txt"},
		{name: "leading slash root only", add: []string{"/keys.txt"}, path: "a/keys.txt"},
		{name: "double star", add: []string{"**/private/*.txt"}, path: "a/b/private/n.txt", wantID: "**/private/*.txt"},
		{name: "user glob beats by-content", add: []string{"config.py"}, path: "config.py", wantID: "config.py"},
		{name: "remove by ID", remove: []string{"env"}, path: ".env"},
		{name: "remove by pattern", remove: []string{"*.key"}, path: "tls.key"},
		{name: "remove one pattern keeps rest", remove: []string{".env.*"}, path: ".env", wantID: "env"},
		{name: "removed pattern gone", remove: []string{".env.*"}, path: ".env.local"},
		{name: "remove unknown", remove: []string{"nope"}, wantErr: "no entry"},
		{name: "remove empty", remove: []string{""}, wantErr: "empty"},
		{name: "empty glob", add: []string{""}, wantErr: "empty glob"},
		{name: "blank glob", add: []string{"  "}, wantErr: "empty glob"},
		{name: "negated glob", add: []string{"!x"}, wantErr: "negated"},
		{name: "comment glob", add: []string{"#x"}, wantErr: "comment"},
		{name: "directory glob", add: []string{"secrets/"}, wantErr: "directory"},
		{name: "unterminated class", add: []string{"a[bc"}, wantErr: "unterminated"},
		{name: "posix class", add: []string{"[[:alpha:]].txt"}, wantErr: "POSIX"},
		{name: "trailing backslash", add: []string{`a\`}, wantErr: "backslash"},
		{name: "trailing space", add: []string{"a "}, wantErr: "trailing space"},
		{name: "newline", add: []string{"a\nb"}, wantErr: "newline"},
		{name: "dot element", add: []string{"./a"}, wantErr: "'.'"},
		{name: "class with bracket", add: []string{"[]x]y"}, path: "xy", wantID: "[]x]y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := Default()
			c, err := base.With(tt.add, tt.remove)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("With() error = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := c.Classify(tt.path)
			if ok != (tt.wantID != "") || got.ID != tt.wantID {
				t.Fatalf("Classify(%q) = %q, %v; want %q", tt.path, got.ID, ok, tt.wantID)
			}
			// With must not change the catalogue it was called on.
			if len(base.Entries()) != len(Default().Entries()) {
				t.Fatal("With changed its receiver")
			}
			for i, e := range base.Entries() {
				if strings.Join(e.patterns, ",") != strings.Join(Default().entries[i].patterns, ",") {
					t.Fatalf("With changed entry %s of its receiver", e.ID)
				}
			}
		})
	}
}

// Pathspecs must find every file Classify accepts, whatever its name: checked
// against real git on a tree of sensitive, safe and oddly named files.
func TestPathspecsCoverClassify(t *testing.T) {
	c, err := Default().With([]string{"*.secret", "deploy/keys.txt", "**/private/*.txt", "[Ss]ecret?.bin", "logs/**/token*", "/root-only.txt"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	leaves := []string{"notes.txt", "a.secret", "Deploy", "secret1.bin", "SECRET2.BIN", "tokenA", "root-only.txt"}
	for _, e := range c.Entries() {
		leaves = append(leaves, e.sensitive...)
		leaves = append(leaves, e.safe...)
	}
	dirs := []string{"", "a/", "a/b c/", "ünï/cödé/", "-rf/", "[x]/", "st*r/", "q?/", "#h/", "!b/", `back\slash/`, "UPPER/", "new\nline/", "private/", "x/private/", "logs/", "logs/2024/01/", "deploy/"}
	var files []string
	seen := map[string]bool{}
	for _, d := range dirs {
		for _, l := range leaves {
			// Keep one tree consistent: skip names whose parent is a file elsewhere.
			if l == ".env/bin/python" || l == ".streamlit/x/secrets.toml" {
				continue
			}
			f := d + l
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	files = append(files, "deploy/keys.txt", "DEPLOY/KEYS.TXT", "x/deploy/keys.txt", "odd .env", ".env ", "tab\t.pem", "-.pem", "KEY.PEM")
	dir, env := newRepo(t)
	writeFiles(t, dir, files...)
	// Track some files, so the listing covers both cached and untracked ones.
	runGit(t, dir, env, "add", "--", "a/")
	runGit(t, dir, env, "commit", "-q", "-m", "x")

	args := append([]string{"ls-files", "-z", "-t", "-c", "-o", "--exclude-standard", "--"}, c.Pathspecs()...)
	listed := map[string]bool{}
	for _, n := range splitZ(runGit(t, dir, env, args...)) {
		// -t prefixes a status letter and a space.
		listed[n[2:]] = true
	}
	accepted := 0
	for _, f := range files {
		if _, ok := c.Classify(f); ok {
			accepted++
			if !listed[f] {
				t.Errorf("Classify accepts %q but Pathspecs do not list it", f)
			}
		}
	}
	if accepted < 100 || accepted == len(files) {
		t.Fatalf("test tree is not telling: %d of %d files sensitive", accepted, len(files))
	}
	if len(listed) >= len(files) {
		t.Fatalf("pathspecs listed %d of %d files: they do not narrow the listing", len(listed), len(files))
	}
}

func TestPathspecsShape(t *testing.T) {
	specs := Default().Pathspecs()
	want := map[string]bool{":(top,glob,icase)**/.env": true, ":(top,glob,icase)**/.streamlit/secrets.toml": true, ":(top,glob,icase)**/serviceaccountkey.json": true}
	for _, s := range specs {
		delete(want, s)
		if !strings.HasPrefix(s, ":(top,glob,icase)") {
			t.Errorf("pathspec %q lacks the top,glob,icase magic", s)
		}
	}
	for s := range want {
		t.Errorf("missing pathspec %q", s)
	}
}

func TestWildmatch(t *testing.T) {
	// Expected results are what git answers for .gitignore patterns.
	tests := []struct {
		pattern, text string
		want          bool
	}{
		{"foo", "foo", true},
		{"foo", "bar", false},
		{"???", "foo", true},
		{"*f", "foo", false},
		{"*", "foo/bar", false},
		{"**", "foo/bar", true},
		{"foo/**", "foo/bar/baz", true},
		{"**/foo", "foo", true},
		{"**/foo", "a/b/foo", true},
		{"**/foo", "xfoo", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/*/b", "a/x/y/b", false},
		{"*/foo", "bar/foo", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{"[ab]", "a", true},
		{"[!ab]", "a", false},
		{"[^ab]", "c", true},
		{"[a-c]", "b", true},
		{"[]]", "]", true},
		{"[!]]", "a", true},
		{"[a-]", "-", true},
		{"a[/]b", "a/b", false},
		{"a[!/]b", "a/b", false},
		{"a[!/]b", "axb", true},
		{"{a,b}", "a", false},
		{"{a,b}", "{a,b}", true},
		{"[{]x", "{x", true},
		{"*.pem", "x.pem", true},
		{"*.pem", "x.pem.txt", false},
		{"foo*bar", "foo/bar", false},
		{"-*-*-*-*-*-*-12-*-*-*-m-*-*-*", "-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1", true},
		{"**/*a*b*g*n*t", "abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz", false},
	}
	for _, tt := range tests {
		if got := wildmatch(tt.pattern, tt.text, false); got != tt.want {
			t.Errorf("wildmatch(%q, %q) = %v; want %v", tt.pattern, tt.text, got, tt.want)
		}
	}
	if !wildmatch("*.PEM", "x.pem", true) || wildmatch("*.PEM", "x.pem", false) {
		t.Error("fold does not fold ASCII case")
	}
	if wildmatch("É", "é", true) {
		t.Error("fold folded a non-ASCII letter, which git's icase does not")
	}
}

// TestHintsNeverRejectAMatch: the base-name prefilter is only a necessary
// condition; a pattern it cannot summarise turns it off.
func TestHintsNeverRejectAMatch(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
	}{
		{"*.pem", "a/B.PEM"},
		{".env.*", "x/.env.local"},
		{"id_rsa", "keys/ID_RSA"},
		{"*service-account*.json", "gcp/my-service-account-key.json"},
		{"**/.aws/credentials", "home/.aws/credentials"},
		{"secret?.txt", "secret1.txt"},
		{"key[0-9].bin", "key7.bin"},
		{"deploy/**", "deploy/a/b/c"},
	}
	for _, tt := range tests {
		c, err := Default().With([]string{tt.pattern}, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		if _, ok := c.Classify(tt.path); !ok {
			t.Errorf("pattern %q: %q not classified", tt.pattern, tt.path)
		}
	}
	if c, _ := Default().With([]string{"deploy/**"}, nil); c.hints != nil {
		t.Error("a ** last element left the prefilter on")
	}
	if Default().hints == nil {
		t.Error("the default catalogue has no prefilter")
	}
}

// TestHintsHoldMiddleLiterals: a name hint keeps the literals between the
// wildcards, so that the many JSON files of a repository skip the glob of
// "*service-account*.json", while every name the glob matches still passes.
func TestHintsHoldMiddleLiterals(t *testing.T) {
	tests := []struct {
		pattern, name string
		allowed       bool
	}{
		{"*service-account*.json", "package.json", false},
		{"*service-account*.json", "account-service.json", false},
		{"*service-account*.json", "my-service-account-key.json", true},
		{"*service-account*.json", "service-account.json", true},
		{"a*b?c[0-9]d*.txt", "axbyc5d.txt", true},
		{"a*b?c[0-9]d*.txt", "axcbyd.txt", false},
		{"*.pem", "cert.pem", true},
		{"*.pem", "cert.pe", false},
	}
	for _, tt := range tests {
		h, ok := hintFor(tt.pattern)
		if !ok {
			t.Fatalf("%s: no hint", tt.pattern)
		}
		if got := h.allows(tt.name); got != tt.allowed {
			t.Errorf("hint of %q allows %q: %v, want %v", tt.pattern, tt.name, got, tt.allowed)
		}
		if tt.allowed && !matchPattern(tt.pattern, tt.name, true) {
			t.Errorf("%q does not match %q: the case proves nothing", tt.pattern, tt.name)
		}
	}
	if _, ok := hintFor("key[.txt"); ok {
		t.Error("a '[' without its ']' gave a hint")
	}
}
