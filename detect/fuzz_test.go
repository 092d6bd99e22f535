package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func FuzzScan(f *testing.F) {
	// A user rule without keywords exercises the whole-text path too.
	e, err := New(Options{Extra: []RuleSpec{{ID: "fuzz-no-keyword", Regex: `\bkg-[0-9a-f]{24}\b`}}})
	if err != nil {
		f.Fatal(err)
	}
	seeds := 0
	for _, s := range builtinSpecs(f) {
		for _, tmpl := range append(slices.Clone(s.Examples.Match), s.Examples.NoMatch...) {
			f.Add([]byte(fakekey.Expand(tmpl)))
			seeds++
		}
	}
	if seeds == 0 {
		f.Fatal("empty seed corpus: the catalogue has no examples")
	}
	f.Add([]byte(fakekey.Expand("a\r\n\xff\xfe é " + ghpTmpl + "\r\n" + pemTmpl)))

	f.Fuzz(func(t *testing.T, text []byte) {
		got := e.Scan(text)
		if again := e.Scan(text); !slices.Equal(got, again) {
			t.Fatalf("Scan is not deterministic: %d then %d findings", len(got), len(again))
		}
		lines := bytes.Split(text, []byte("\n"))
		for i, fd := range got {
			if i > 0 {
				p := got[i-1]
				if p.Line > fd.Line || p.Line == fd.Line && p.Column > fd.Column {
					t.Errorf("findings not sorted: %d:%d before %d:%d", p.Line, p.Column, fd.Line, fd.Column)
				}
			}
			if fd.Line < 1 || fd.Line > len(lines) {
				t.Fatalf("%s: line %d outside 1..%d", fd.Rule.ID, fd.Line, len(lines))
			}
			if n := utf8.RuneCount(lines[fd.Line-1]); fd.Column < 1 || fd.EndColumn <= fd.Column || fd.EndColumn > n+1 {
				t.Errorf("%s: columns %d..%d outside line %d of %d runes", fd.Rule.ID, fd.Column, fd.EndColumn, fd.Line, n)
			}
			checkPosition(t, text, fd)
			v := fd.Secret.Reveal()
			if !bytes.Contains(text, []byte(v)) {
				t.Errorf("%s: secret %v is not in the input", fd.Rule.ID, fd.Secret)
			}
			if strings.Contains(Redact(v), v) || strings.Contains(fmt.Sprintf("%+v %#v", fd, fd), v) ||
				strings.Contains(fmt.Sprintf("%s %v %q %x", fd.Secret, fd.Secret, fd.Secret, fd.Secret), v) {
				t.Errorf("%s: printed form reveals the secret", fd.Rule.ID)
			}
			if j, err := json.Marshal(fd); err == nil && bytes.Contains(j, []byte(v)) {
				t.Errorf("%s: JSON form reveals the secret", fd.Rule.ID)
			}
		}
	})
}
