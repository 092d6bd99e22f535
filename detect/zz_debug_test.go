package detect

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestZZDebug prints, for each line of $ZZFILE, the rules whose regex
// matches and what their checks say. Local debugging only.
func TestZZDebug(t *testing.T) {
	f := os.Getenv("ZZFILE")
	if f == "" {
		t.Skip()
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(f)
	text := string(data)
	for _, r := range e.Rules() {
		re := regexp.MustCompile(r.pattern)
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			s, en := m[2*r.group], m[2*r.group+1]
			if s < 0 {
				continue
			}
			v := text[s:en]
			kw := len(r.keywords) == 0
			for _, k := range r.keywords {
				if strings.Contains(strings.ToLower(text), k) {
					kw = true
				}
			}
			val := r.validate == nil || r.validate(v)
			t.Logf("%s kw=%v valid=%v ent=%.2f/%.2f ph=%v lit=%v %q", r.ID, kw, val, shannonEntropy(v), r.entropy, isPlaceholder(v), isLiteralValue(v), v[:min(len(v), 60)])
		}
	}
}
