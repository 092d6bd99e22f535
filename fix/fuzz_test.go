package fix

import (
	"bytes"
	"testing"
)

// FuzzLocate feeds arbitrary sources and key spans to the lexer-based
// locators: they must never panic, and a site they accept must cover the
// key and stay inside the source.
func FuzzLocate(f *testing.F) {
	seeds := []struct {
		l    int
		src  string
		s, e int
	}{
		{int(langPython), `K = "abcdefgh"` + "\n", 5, 13},
		{int(langPython), `f(rb'abcdefgh', """x`, 5, 13},
		{int(langJS), "const k = `abcdefgh`; // x\n", 11, 19},
		{int(langJS), "/* 'abc */ x = 'abcdefgh'", 16, 24},
		{int(langShell), "export K=abcdefgh # c\n", 9, 17},
		{int(langDocker), "ENV K abcdefgh\n", 6, 14},
		{int(langShell), "echo $'abcdefgh'\n", 7, 15},
	}
	if len(seeds) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range seeds {
		f.Add(s.l, []byte(s.src), s.s, s.e)
	}
	f.Fuzz(func(t *testing.T, l int, src []byte, s, e int) {
		ll := lang(l%5 + 1) // Python, JS, Go (skipped), shell, Dockerfile
		if ll == langGo || s < 0 || e <= s || e > len(src) {
			return
		}
		st, err := locateText(ll, src, s, e)
		if err != nil {
			return
		}
		if st.start < 0 || st.end > len(src) || st.start > s || st.end < e {
			t.Fatalf("site [%d,%d) does not cover the key [%d,%d) in %d bytes", st.start, st.end, s, e, len(src))
		}
		out := applyEdits(src, []edit{{st.start, st.end, `"${X}"`}})
		if !bytes.Contains(out, []byte(`"${X}"`)) {
			t.Fatal("the edit was not applied")
		}
	})
}
