package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink matches a Markdown link's target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// mdHeading matches an ATX heading outside code blocks.
var mdHeading = regexp.MustCompile(`^#{1,6} +(.+?) *$`)

// docFiles lists README.md and every Markdown file under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("docs/*.md matched no files")
	}
	return append([]string{"README.md"}, files...)
}

// anchors returns the GitHub-style anchors of a Markdown file's headings.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	inCode := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		m := mdHeading.FindStringSubmatch(line)
		if inCode || m == nil {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r == ' ' || r == '-':
				b.WriteRune('-')
			case r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127:
				b.WriteRune(r)
			}
		}
		out[b.String()] = true
	}
	return out
}

// TestDocsLinksResolve checks that every relative link in the README and in
// docs/ names a file that exists, and a heading of it where it names one,
// so moving text between docs never leaves a dead link.
func TestDocsLinksResolve(t *testing.T) {
	for _, file := range docFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, frag, _ := strings.Cut(target, "#")
			resolved := file
			if path != "" {
				resolved = filepath.Join(filepath.Dir(file), path)
			}
			body, err := os.ReadFile(resolved)
			if err != nil {
				t.Errorf("%s: link %q: %v", file, target, err)
				continue
			}
			if frag != "" && strings.HasSuffix(resolved, ".md") && !anchors(string(body))[frag] {
				t.Errorf("%s: link %q: %s has no heading with anchor #%s", file, target, resolved, frag)
			}
		}
	}
}

// TestDocsOpenWithReader checks that every doc says who it is for in its
// first paragraph, as the README's table of docs promises.
func TestDocsOpenWithReader(t *testing.T) {
	for _, file := range docFiles(t)[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		paras := strings.SplitN(string(data), "\n\n", 3)
		if len(paras) < 2 || !strings.HasPrefix(paras[0], "# ") || !strings.HasPrefix(paras[1], "For ") {
			t.Errorf("%s: want a title, then a first paragraph starting \"For <reader>\"", file)
		}
	}
}

// TestReadmeStartsWithTheTwoCommands checks the README's promise to a new
// user: the first two code blocks build and install keyguard, then run every
// test, and CI runs that same test command.
func TestReadmeStartsWithTheTwoCommands(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(data), 2)
	if len(blocks) < 2 {
		t.Fatalf("README has %d sh code blocks, want the build and the test command first", len(blocks))
	}
	build, test := strings.TrimSpace(blocks[0][1]), strings.TrimSpace(blocks[1][1])
	if !strings.Contains(build, "go build") || !strings.Contains(build, "install") {
		t.Errorf("first command %q does not build and install keyguard", build)
	}
	ci, err := os.ReadFile(filepath.Join(".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(string(ci), "\n") {
		if strings.TrimSpace(line) == test {
			found = true
		}
	}
	if !found {
		t.Errorf(".ci/run does not run the README's test command %q on a line of its own", test)
	}
	if n := strings.Count(string(data), "\n"); n > 200 {
		t.Errorf("README.md has %d lines; keep it to a new user's first five minutes and move the rest to docs/", n)
	}
}
