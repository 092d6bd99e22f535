package coverage

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const h = Header

var envLines = []string{".env", ".env.*", "!.env.example"}

var appendTests = []struct {
	name      string
	existing  string
	lines     []string
	want      string
	wantAdded []string
}{
	{name: "empty file", existing: "", lines: envLines,
		want: h + "\n.env\n.env.*\n!.env.example\n", wantAdded: envLines},
	{name: "missing final newline", existing: "node_modules/", lines: []string{"/config.py"},
		want: "node_modules/\n\n" + h + "\n/config.py\n", wantAdded: []string{"/config.py"}},
	{name: "ends with blank line", existing: "a\n\n", lines: []string{"b"},
		want: "a\n\n" + h + "\nb\n", wantAdded: []string{"b"}},
	{name: "crlf file", existing: "a\r\nb\r\n", lines: []string{"*.pem"},
		want: "a\r\nb\r\n\r\n" + h + "\r\n*.pem\r\n", wantAdded: []string{"*.pem"}},
	{name: "crlf without final newline", existing: "a\r\nb", lines: []string{"*.pem"},
		want: "a\r\nb\r\n\r\n" + h + "\r\n*.pem\r\n", wantAdded: []string{"*.pem"}},
	{name: "crlf ending in a lone CR", existing: "a\r\nb\r", lines: []string{"*.pem"},
		want: "a\r\nb\r\n\r\n" + h + "\r\n*.pem\r\n", wantAdded: []string{"*.pem"}},
	{name: "line ending from first line", existing: "a\nb\r\n", lines: []string{"c"},
		want: "a\nb\r\n\n" + h + "\nc\n", wantAdded: []string{"c"}},
	{name: "header already present", existing: h + "\n.env\n", lines: []string{".env", "*.pem"},
		want: h + "\n.env\n*.pem\n", wantAdded: []string{"*.pem"}},
	{name: "header present with CRLF and trailing space", existing: h + "  \r\nx\r\n", lines: []string{"*.key"},
		want: h + "  \r\nx\r\n*.key\r\n", wantAdded: []string{"*.key"}},
	{name: "all present", existing: ".env  \n.env.*\r\n!.env.example\n", lines: envLines,
		want: ".env  \n.env.*\r\n!.env.example\n"},
	{name: "escaped trailing space is not the same line", existing: `a\ ` + "\n", lines: []string{"a"},
		want: `a\ ` + "\n\n" + h + "\na\n", wantAdded: []string{"a"}},
	{name: "negation for existing pattern", existing: ".env.*\n", lines: []string{".env.*", "!.env.example"},
		want: ".env.*\n\n" + h + "\n!.env.example\n", wantAdded: []string{"!.env.example"}},
	{name: "negation before its pattern is added again", existing: "!.env.example\n.env.*\n", lines: []string{".env.*", "!.env.example"},
		want: "!.env.example\n.env.*\n\n" + h + "\n!.env.example\n", wantAdded: []string{"!.env.example"}},
	{name: "negation without a pattern", existing: "x\n", lines: []string{"!.env.example"},
		want: "x\n"},
	{name: "negation after a skipped invalid pattern", existing: "", lines: []string{"a\nb", "!c"},
		want: ""},
	{name: "comments blanks and newlines skipped", existing: "", lines: []string{"", "  ", "# hi", "a\rb", "x\ny", "ok"},
		want: h + "\nok\n", wantAdded: []string{"ok"}},
	{name: "duplicates in lines", existing: "", lines: []string{"a", "a ", "a"},
		want: h + "\na\n", wantAdded: []string{"a"}},
	{name: "nothing to add", existing: "", lines: nil, want: ""},
}

func TestAppend(t *testing.T) {
	for _, tt := range appendTests {
		t.Run(tt.name, func(t *testing.T) {
			out, added := Append([]byte(tt.existing), tt.lines)
			if string(out) != tt.want {
				t.Errorf("out =\n%q\nwant\n%q", out, tt.want)
			}
			if !reflect.DeepEqual(added, tt.wantAdded) {
				t.Errorf("added = %q; want %q", added, tt.wantAdded)
			}
			checkAppend(t, []byte(tt.existing), tt.lines, out, added)
		})
	}
}

// Appending must not write into the caller's array.
func TestAppendDoesNotAlias(t *testing.T) {
	buf := make([]byte, 2, 64)
	copy(buf, "a\n")
	out, _ := Append(buf, []string{"b"})
	if &out[0] == &buf[0] || string(buf[:cap(buf)][2:4]) != "\x00\x00" {
		t.Fatal("Append wrote into existing's backing array")
	}
}

// checkAppend holds the properties every Append call must keep.
func checkAppend(t *testing.T, existing []byte, lines []string, out []byte, added []string) {
	t.Helper()
	if !bytes.HasPrefix(out, existing) {
		t.Fatalf("existing %q is not a prefix of out %q", existing, out)
	}
	if len(added) == 0 && !bytes.Equal(out, existing) {
		t.Fatalf("nothing added but out %q differs from existing %q", out, existing)
	}
	have := map[string]bool{}
	header := false
	for _, l := range strings.Split(string(out), "\n") {
		have[strings.TrimSuffix(l, "\r")] = true
		header = header || normLine(l) == Header
	}
	for _, a := range added {
		if !have[a] {
			t.Fatalf("added line %q is not a line of out %q", a, out)
		}
	}
	if len(added) > 0 && !header {
		t.Fatalf("lines added without the header: %q", out)
	}
	out2, added2 := Append(out, lines)
	if len(added2) != 0 || !bytes.Equal(out2, out) {
		t.Fatalf("not idempotent: second Append of %q to %q added %q", lines, out, added2)
	}
}

func FuzzAppend(f *testing.F) {
	if len(appendTests) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, tt := range appendTests {
		f.Add([]byte(tt.existing), strings.Join(tt.lines, "\x1f"))
	}
	f.Fuzz(func(t *testing.T, existing []byte, joined string) {
		lines := strings.Split(joined, "\x1f")
		out, added := Append(existing, lines)
		checkAppend(t, existing, lines, out, added)
	})
}
