package detect

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"testing"
	"unicode"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name, regex string
		keywords    []string
		anchored    bool
		wordStart   bool
		fold        bool
		need        int    // length of the required run; 0 = none
		in, out     string // a line that holds the run and one that does not
	}{
		{"prefix after \\b", `\b(hf_[A-Za-z]{34})\b`, []string{"hf_"}, true, true, false, 37, "hf_" + stringOf('a', 34), "self.hf_model_id"},
		{"factored alternation", `\b((?:sk|rk)_live_[A-Za-z0-9]{20,247})\b`, []string{"sk_live_", "rk_live_"}, true, true, false, 28, "rk_live_" + stringOf('x', 20), "sk_live_short"},
		{"case-insensitive prefix", `(?i)\bkelvin_[a-z0-9]{16}\b`, []string{"kelvin_"}, true, true, true, 23, "KELVIN_" + stringOf('k', 16), "kelvin_" + stringOf('k', 15)},
		{"keyword not at the start", `[a-z]{2}_corp_([a-z0-9]{20})`, []string{"corp"}, false, false, false, 28, "ab_corp_" + stringOf('z', 20), "ab_corp_ " + stringOf('z', 20)},
		{"a prefix no keyword covers", `\b(sk-[A-Za-z0-9]{20})`, []string{"sk-proj-"}, false, false, false, 23, "sk-" + stringOf('Q', 20), "sk-" + stringOf('Q', 19)},
		{"optional start", `(?:x_)?tok_[0-9]{12}`, []string{"tok_"}, false, false, false, 12, "012345678901", "tok_0123"},
		{"leading \\b before a non-word byte", `\b-tok-[0-9]{12}`, []string{"-tok-"}, false, true, false, 12, "012345678901", "-tok-"},
		{"literal only", `\bsecret\b`, []string{"secret"}, true, true, false, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := syntax.Parse(tt.regex, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			a := anchorable(tree, tt.keywords)
			if a.ok != tt.anchored || a.ok && (a.wordStart != tt.wordStart || a.fold != tt.fold) {
				t.Errorf("anchorable = %+v, want ok=%v wordStart=%v fold=%v", a, tt.anchored, tt.wordStart, tt.fold)
			}
			r := requiredRun(tree)
			if r.n != tt.need {
				t.Fatalf("required run of %d bytes, want %d", r.n, tt.need)
			}
			if r.n > 0 && (!r.in([]byte("x = "+tt.in+";")) || r.in([]byte("x = "+tt.out+";"))) {
				t.Errorf("run test: in(%q) = %v, in(%q) = %v", tt.in, r.in([]byte(tt.in)), tt.out, r.in([]byte(tt.out)))
			}
		})
	}
}

// TestBoundaryAnchor: a regex that opens with a line start or one byte of
// a class is tried at its keyword hits when a byte test decides the class
// exactly, and searched whole otherwise.
func TestBoundaryAnchor(t *testing.T) {
	tests := []struct {
		name, regex     string
		anchored        bool
		before, notBefo string // bytes the boundary accepts and rejects
	}{
		{"negated ASCII class", `(?:(?m:^)|[^A-Za-z0-9_\n])(re_[a-z]{8})`, true, " \"'=,\x80\xff", "aZ0_\n"},
		{"line start second", `(?:[^A-Za-z0-9\n]|(?m:^))(re_[a-z]{8})`, true, " _", "a9"},
		{"positive class", `(?:(?m:^)|[ \t="'])(re_[a-z]{8})`, true, " \t=\"'", "a,\x80"},
		{"class holds a newline", `(?:(?m:^)|[^A-Za-z0-9_])(re_[a-z]{8})`, false, "", ""},
		{"some non-ASCII runes", `(?:(?m:^)|[ \x{e9}])(re_[a-z]{8})`, false, "", ""},
		{"text start, not line start", `(?:^|[^A-Za-z0-9_\n])(re_[a-z]{8})`, false, "", ""},
		{"a group in the boundary", `(^|[^A-Za-z0-9_\n])(re_[a-z]{8})`, false, "", ""},
		{"keyword not after the boundary", `(?:(?m:^)|[^A-Za-z0-9_\n])x(re_[a-z]{8})`, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := syntax.Parse(tt.regex, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			a := anchorable(tree, []string{"re_"})
			if a.ok != tt.anchored || a.ok && !a.boundary {
				t.Fatalf("anchorable = ok %v, boundary %v; want ok %v", a.ok, a.boundary, tt.anchored)
			}
			for _, c := range []byte(tt.before) {
				if !a.before.has(c) {
					t.Errorf("boundary rejects %q", c)
				}
			}
			for _, c := range []byte(tt.notBefo) {
				if a.before.has(c) {
					t.Errorf("boundary accepts %q", c)
				}
			}
		})
	}
}

// TestAfterWord: a \b where a match starts becomes a no-match in the
// variant tried just after a word byte, wherever it stands at the start;
// elsewhere, or repeated, it is left alone or the variant refused.
func TestAfterWord(t *testing.T) {
	tests := []struct {
		regex, want string
		changed, ok bool
	}{
		{`(?i:ibm|\bic_key)=x`, `(?i:IBM|[^\x00-\x{10FFFF}]IC_KEY)=x`, true, true},
		{`\b(?:app|srv)\.key`, `[^\x00-\x{10FFFF}](?:app|srv)\.key`, true, true},
		{`(\bab|cd)\b`, `([^\x00-\x{10FFFF}]ab|cd)\b`, true, true},
		{`ab\bcd`, `ab\bcd`, false, true},
		{`(?:\bab)+`, ``, false, false},
	}
	for _, tt := range tests {
		tree, err := syntax.Parse(tt.regex, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got, changed, ok := afterWord(tree)
		if changed != tt.changed || ok != tt.ok {
			t.Errorf("afterWord(%s): changed %v ok %v, want %v %v", tt.regex, changed, ok, tt.changed, tt.ok)
			continue
		}
		if ok && got.String() != tt.want {
			t.Errorf("afterWord(%s) = %s, want %s", tt.regex, got, tt.want)
		}
	}
}

func stringOf(c byte, n int) string { return string(bytes.Repeat([]byte{c}, n)) }

func TestLowerInto(t *testing.T) {
	var all []byte
	for i := range 256 {
		all = append(all, byte(i))
	}
	for _, in := range [][]byte{nil, []byte("A"), []byte("Hello, WORLD! @[`{ AZaz 09"), all, append(all, all[:13]...)} {
		want := make([]byte, len(in))
		for i, c := range in {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			want[i] = c
		}
		if got := lowerInto(make([]byte, 3), in); !bytes.Equal(got, want) {
			t.Errorf("lowerInto(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLeads: the places a regex is tried when keyword hits do not start its
// matches. A place is tried when one of the prefixes starts there (ASCII
// case folded, which can only add places); a regex that can start
// otherwise gets none.
func TestLeads(t *testing.T) {
	tests := []struct {
		name, regex string
		ok, fold    bool
		text        string
		tried       []string // the text from each place tried
	}{
		{"name before the keyword", `[AaSs](?:pi|ecret)[_.-]?[Kk]ey\s*=\s*(\w{8})`, true, false,
			"x = api_key; SECRET_KEY; sap; s", []string{"api_key; SECRET_KEY; sap; s", "SECRET_KEY; sap; s"}},
		{"any case", `(?i)api_?key=(\w+)`, true, true,
			"APIKEY=1 apx", []string{"APIKEY=1 apx"}},
		{"alternation of literals", `(?:tok|pwd)=(\d+)`, true, false,
			"a tok=1 pwd=2 to pw TOK", []string{"tok=1 pwd=2 to pw TOK", "pwd=2 to pw TOK", "TOK"}},
		{"prefix cut short by a class", `x(\d+)`, true, false,
			"axb x1 X2", []string{"x1 X2", "X2"}},
		{"optional start", `(?:x_)?tok_[0-9]{12}`, false, false, "", nil},
		{"word boundary first (the try after a word byte drops it)", `\bsecret=\w+`, true, false,
			"xsecret= secret=", []string{"secret= secret=", "secret="}},
		{"word boundary before a non-word byte", `\b-secret=\w+`, false, false, "", nil},
		{"non-ASCII first", `é(\w+)`, false, false, "", nil},
		{"dot first", `.secret`, false, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := syntax.Parse(tt.regex, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			l := leads(tree)
			if (l != nil) != tt.ok || l != nil && l.fold != tt.fold {
				t.Fatalf("leads: ok=%v (fold=%v when ok), want ok=%v fold=%v", l != nil, l != nil && l.fold, tt.ok, tt.fold)
			}
			if l == nil {
				return
			}
			var tried []string
			for i := range len(tt.text) {
				if l.at([]byte(tt.text), i) {
					tried = append(tried, tt.text[i:])
				}
			}
			if !slices.Equal(tried, tt.tried) {
				t.Errorf("tried at %q, want %q", tried, tt.tried)
			}
		})
	}
}

// TestMatchShape: the leading bytes every match holds, up to the first
// part of variable width; a try whose bytes do not fit is skipped.
func TestMatchShape(t *testing.T) {
	tests := []struct {
		regex     string
		n         int      // bytes described
		fit, miss []string // inputs that fit and that do not
	}{
		{`pat[A-Za-z0-9]{3}\.[a-f0-9]{4}`, 11, []string{"patAb9.beef", "patXYZ.0000rest"}, []string{"path/to/file", "patAb9.bee", "pat"}},
		{`(?i:ghp_)[A-Za-z0-9]{2}`, 6, []string{"GHP_ab", "ghp_Z9"}, []string{"ghq_ab", "ghp_-a"}},
		{`\bsk-(?:proj-)?[a-z]{2}`, 3, []string{"sk-", "sk-proj-ab"}, []string{"sk_", "s"}},
		{`x[^"]{2}y`, 2, []string{"xé", "x a"}, []string{"y", "x\""}},
		{`(?:ab|cd)ef`, 0, []string{""}, nil},
		{`k+ey`, 1, []string{"k"}, []string{"ey"}},
	}
	for _, tt := range tests {
		tree, err := syntax.Parse(tt.regex, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		s := matchShape(tree)
		if len(s) != tt.n {
			t.Errorf("%s: shape of %d bytes, want %d", tt.regex, len(s), tt.n)
			continue
		}
		for _, in := range tt.fit {
			if !s.fits([]byte(in)) {
				t.Errorf("%s: %q does not fit", tt.regex, in)
			}
		}
		for _, in := range tt.miss {
			if s.fits([]byte(in)) {
				t.Errorf("%s: %q fits", tt.regex, in)
			}
		}
	}
}

// TestRequiredBytes: the bytes of which every match holds one, never a
// byte a keyword already brings, never a letter whose case is folded to a
// non-ASCII rune (K, S), and nothing when an alternative or an optional
// part can do without.
func TestRequiredBytes(t *testing.T) {
	tests := []struct {
		regex    string
		keywords []string
		want     string
		fit      []string // matches: each must hold a required byte
	}{
		{`://[^\s:@]*:[^\s@]+@[a-z]+`, []string{"://"}, "@", []string{"https://u:p@host"}},
		{`://(?:[a-f]{4}:[a-f]{4}@|[^\s@]*:(?:x{3}|pass)@)`, []string{"://"}, "@", []string{"://abcd:beef@", "://u:pass@"}},
		{`token=([A-Z0-9]{8})`, []string{"token"}, "=", []string{"token=ABCD1234"}},
		{`token(?:=|: )[a-z]{4}`, []string{"token"}, ":=", []string{"token=abcd", "token: abcd"}}, // one of two
		{`(?i:key)[:=][a-z]{4}`, []string{"key"}, ":=", []string{"KEY=abcd", "key:abcd"}},
		{`(?i:sk)_[a-z]{4}`, []string{"sk"}, "_", []string{"SK_abcd", "\u017fk_abcd"}},
		{`(?i:kelvin)[0-9]{2}`, []string{"kelvin"}, "", nil}, // k folds to the Kelvin sign, e to nothing else but is a letter
		{`(?:ab@|cd)x`, []string{"x"}, "", nil},
		{`a@?b`, []string{"ab"}, "", nil},          // the optional @ is not required
		{`0x[a-f0-9]{4}`, []string{"0x"}, "", nil}, // 0 and x come with the keyword
	}
	for _, tt := range tests {
		tree, err := syntax.Parse(tt.regex, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got := requiredBytes(tree, tt.keywords)
		if got.bytes != tt.want {
			t.Errorf("%s: required bytes %q, want %q", tt.regex, got.bytes, tt.want)
		}
		re := regexp.MustCompile(tt.regex)
		for _, in := range tt.fit {
			if !re.MatchString(in) {
				t.Fatalf("%s: the example %q does not match", tt.regex, in)
			}
			if !got.in([]byte(in)) {
				t.Errorf("%s: match %q holds none of %q", tt.regex, in, got.bytes)
			}
		}
	}
}

// TestSimpleFold: the ASCII fast path folds as the unicode package does,
// the Kelvin sign and the long s included.
func TestSimpleFold(t *testing.T) {
	for r := rune(0); r < 0x300; r++ {
		if got, want := simpleFold(r), unicode.SimpleFold(r); got != want {
			t.Errorf("simpleFold(%q) = %q, want %q", r, got, want)
		}
	}
	for _, r := range []rune{'\u212a', '\u017f', 'ß', 'Σ', 'σ', 'ς', 0x10ffff} {
		if got, want := simpleFold(r), unicode.SimpleFold(r); got != want {
			t.Errorf("simpleFold(%q) = %q, want %q", r, got, want)
		}
	}
}

// TestByteSetAddRange: ranges within a word, across words and at the ends
// set exactly their bytes.
func TestByteSetAddRange(t *testing.T) {
	for _, r := range [][2]int{{0, 0}, {0, 255}, {3, 9}, {60, 70}, {63, 64}, {64, 127}, {10, 200}, {255, 255}, {128, 191}, {5, 4}} {
		var got, want byteSet
		got.addRange(byte(r[0]), byte(r[1]))
		for b := r[0]; b <= r[1]; b++ {
			want.add(byte(b))
		}
		if got != want {
			t.Errorf("addRange(%d, %d) = %x, want %x", r[0], r[1], got, want)
		}
	}
}

// TestRunIn checks the skipping search for a required run against a plain
// count over every byte, on random texts of bytes in and out of the set.
func TestRunIn(t *testing.T) {
	plain := func(r *run, b []byte) bool {
		k := 0
		for _, c := range b {
			if !r.set.has(c) {
				k = 0
				continue
			}
			if k++; k >= max(r.n, 1) {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var r run
	r.set.addRange('a', 'f')
	for range 20000 {
		r.n = rng.IntN(12)
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = "abcdefxyz"[rng.IntN(9)]
			if rng.IntN(4) == 0 {
				b[i] = 'a' // longer runs
			}
		}
		if got, want := r.in(b), plain(&r, b); got != want {
			t.Fatalf("run of %d in %q: %v, want %v", r.n, b, got, want)
		}
	}
}
