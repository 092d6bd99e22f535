package git

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/gittest"
)

// le and be encode s as UTF-16 with a byte order mark.
func le(s string) string { return encode16(s, false) }
func be(s string) string { return encode16(s, true) }

func encode16(s string, bigEndian bool) string {
	var b strings.Builder
	put := func(u uint16) {
		if bigEndian {
			b.WriteByte(byte(u >> 8))
			b.WriteByte(byte(u))
		} else {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
	}
	put(0xFEFF)
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			put(uint16(0xD800 + r>>10))
			put(uint16(0xDC00 + r&0x3FF))
			continue
		}
		put(uint16(r))
	}
	return b.String()
}

func TestDecodeUTF16(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		ok   bool
	}{
		{"little endian", le("a=1\r\nb=2\n"), "a=1\r\nb=2\n", true},
		{"big endian", be("a=1\n"), "a=1\n", true},
		{"only the mark", le(""), "", true},
		{"beyond the BMP", le("x😀y"), "x😀y", true},
		{"non-ASCII", be("clé=é\n"), "clé=é\n", true},
		{"lone high surrogate", "\xff\xfe\x00\xd8a\x00", "\ufffda", true},
		{"lone low surrogate", "\xff\xfe\x00\xdca\x00", "\ufffda", true},
		{"high surrogate at the end", "\xff\xfea\x00\x00\xd8", "a\ufffd", true},
		{"odd last byte", "\xff\xfea\x00b", "a\ufffd", true},
		{"no mark", "a\x00b\x00", "", false},
		{"UTF-8 mark", "\xef\xbb\xbfa", "", false},
		{"empty", "", "", false},
		{"one byte", "\xff", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DecodeUTF16([]byte(tt.in))
			if ok != tt.ok || string(got) != tt.want {
				t.Errorf("DecodeUTF16(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzDecodeUTF16(f *testing.F) {
	for _, s := range []string{le("k=v\n"), be("k=v\n"), "\xff\xfe\x00\xd8", "\xfe\xff\xd8", "plain"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := DecodeUTF16(b)
		if ok != (utf16Order(b) != nil) {
			t.Fatalf("ok %v for a mark %x", ok, b[:min(len(b), 2)])
		}
		if !utf8.Valid(got) {
			t.Fatalf("invalid UTF-8 out of %x", b)
		}
	})
}

// TestChangedText reads the staged blobs git calls binary that are text
// after all (UTF-16, an old binary version, a -diff attribute), with the
// content they replace, through one git process.
func TestChangedText(t *testing.T) {
	g := gittest.New(t)
	g.Write("old.txt", le("one\ntwo\n"))
	g.Write("was-utf8.txt", "one\n")
	g.Write("was-binary.txt", "a\x00\n")
	g.Write("attr.sql", "select 1;\n")
	g.Write(".gitattributes", "*.sql -diff\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "init")
	g.Write("old.txt", le("one\ntwo\nthree\n"))
	g.Write("was-utf8.txt", be("one\nuno\n"))
	g.Write("new.txt", le("hello\n"))
	g.Write("image.bin", "\x89PNG\x00\x01")
	g.Write("was-binary.txt", "a\nb\n")
	g.Write("attr.sql", "select 1;\nselect 2;\n")
	g.Git("add", ".")
	r := open(t, g.Dir)
	ctx := context.Background()

	var changes []*Change
	if err := r.StagedDiff(ctx, DiffHandler{Change: func(c *Change) error {
		changes = append(changes, c)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	got := map[string][2]string{}
	err := r.ChangedText(ctx, changes, func(c *Change, text, old []byte) error {
		got[c.Path] = [2]string{string(text), string(old)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"old.txt":        {"one\ntwo\nthree\n", "one\ntwo\n"},
		"was-utf8.txt":   {"one\nuno\n", "one\n"},
		"new.txt":        {"hello\n", ""},
		"was-binary.txt": {"a\nb\n", ""},
		"attr.sql":       {"select 1;\nselect 2;\n", "select 1;\n"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %q, want %q", got, want)
	}
}

// TestVersions reads files as a commit holds them, and says "no text" for
// every path that holds none, without stopping: absent, a directory, a
// submodule, binary, a name git cat-file cannot be asked for.
func TestVersions(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "one\ntwo\n")
	g.Write("dir/b.txt", "b\n")
	g.Write("bin.dat", "x\x00y")
	g.Write("utf16.txt", le("hi\n"))
	g.Git("add", ".")
	g.Git("update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("1", 40)+",sub")
	g.Git("commit", "-q", "-m", "c")
	commit := strings.TrimSpace(g.Git("rev-parse", "HEAD"))
	v, err := open(t, g.Dir).OpenVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		commit, path string
		want         string
		ok           bool
	}{
		{commit, "a.txt", "one\ntwo\n", true},
		{commit, "dir", "", false},
		{commit, "sub", "", false},
		{commit, "bin.dat", "", false},
		{commit, "missing.txt", "", false},
		{commit, "dir/b.txt", "b\n", true},
		{commit, "utf16.txt", "hi\n", true},
		{commit, "new\nline", "", false},
		{"HEAD", "a.txt", "", false}, // only object names are asked for
		{strings.Repeat("2", 40), "a.txt", "", false},
		{commit, "a.txt", "one\ntwo\n", true}, // the stream still answers
	}
	for _, tt := range tests {
		text, ok, err := v.Text(tt.commit, tt.path)
		if err != nil || ok != tt.ok || string(text) != tt.want {
			t.Errorf("Text(%.8s, %q) = %q, %v, %v; want %q, %v", tt.commit, tt.path, text, ok, err, tt.want, tt.ok)
		}
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}
