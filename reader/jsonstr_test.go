package reader

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkUnquote compares unquoteJSON with encoding/json on one string, and
// checks that jsonStringEnd agrees on where it ends and that each decoded
// line's start points at its raw text.
func checkUnquote(t *testing.T, in string) {
	t.Helper()
	b := []byte(in + " tail")
	text, end, starts, ok := unquoteJSON(b, 0)
	gotEnd, _, endOK := jsonStringEnd(b, 0)
	if endOK != ok || (ok && gotEnd != end) {
		t.Fatalf("%q: jsonStringEnd says %d %v, unquoteJSON %d %v", in, gotEnd, endOK, end, ok)
	}
	if !utf8.ValidString(in) {
		return // encoding/json replaces invalid UTF-8; keyguard keeps the bytes
	}
	var want string
	if !ok {
		if strings.HasPrefix(in, `"`) && json.Unmarshal([]byte(in), &want) == nil {
			t.Fatalf("%q: rejected, encoding/json reads %q", in, want)
		}
		return
	}
	if err := json.Unmarshal([]byte(in[:end]), &want); err != nil {
		t.Fatalf("%q: read up to %d, which encoding/json rejects: %v", in, end, err)
	}
	if string(text) != want {
		t.Fatalf("%q: decoded %q, encoding/json %q", in, text, want)
	}
	if n := bytes.Count(text, []byte("\n")) + 1; len(starts) != n {
		t.Fatalf("%q: %d line starts for %d lines", in, len(starts), n)
	}
	for i, s := range starts[1:] {
		if !(s >= 2 && in[s-2:s] == `\n` || s >= 6 && strings.EqualFold(in[s-6:s], `\u000a`)) {
			t.Fatalf("%q: line %d starts at %d, not after an escaped newline", in, i+2, s)
		}
	}
}

func TestUnquoteJSON(t *testing.T) {
	for _, in := range []string{
		`""`, `"plain"`, `"api_key = \"abc\"\n"`, `"a\\b\/c"`, `"\b\f\n\r\t"`,
		`"\u00e9\u4e2d"`, `"\ud83d\ude00 emoji"`, `"\ud83d alone"`, `"\ude00 low alone"`,
		`"line 1\nline 2\nline 3"`, `"ends with\n"`, `"\n"`, `"é raw"`, `"a\u000ab\u000Ac"`,
		`"unclosed`, `"bad \x escape"`,
		// Long plain runs, read a word at a time, with what ends them at
		// each place in a word.
		`"0123456789abcdef0123456789abcdef"`, `"0123456789abcdef\n01234567"`, `"01234567\"89abcdef"`,
		`"0123456\"789abcdef"`, "\"0123456789a\x01bcdef\"", "\"0123456789ab\x7f\xffcdef\"", `"0123456789abcdefgh`, `"bad \u12 hex"`, "\"raw\ttab\"", `"trailing \`, `x"not a string"`,
	} {
		checkUnquote(t, in)
	}
}

func FuzzUnquoteJSON(f *testing.F) {
	for _, s := range []string{`"a\nb"`, `"\ud83d\ude00"`, `"\"q\""`, `"x\u0041"`} {
		f.Add(s)
	}
	f.Fuzz(checkUnquote)
}
