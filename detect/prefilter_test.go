package detect

import (
	"bytes"
	"fmt"
	"go/format"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coregx/ahocorasick"
)

// acMatches is what an Aho-Corasick automaton of stems finds in text,
// ordered as a stem set reports them (by start, shorter first).
func acMatches(t *testing.T, stems []string, text []byte) []ahocorasick.Match {
	t.Helper()
	ac, err := ahocorasick.NewBuilder().AddStrings(stems).Build()
	if err != nil {
		t.Fatal(err)
	}
	got := ac.FindAllOverlapping(text)
	slices.SortFunc(got, func(a, b ahocorasick.Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	return got
}

// TestStemSetMatchesAutomaton: the stem set finds exactly the matches an
// automaton of the same stems finds, overlapping ones, stems that begin
// others and stems at the text's ends included.
func TestStemSetMatchesAutomaton(t *testing.T) {
	tests := []struct {
		name  string
		stems []string
		text  string
	}{
		{"one stem", []string{"ghp_"}, "token = ghp_x"},
		{"prefix of another", []string{"pat", "patr", "pa"}, "patreon path pa"},
		{"overlapping", []string{"aaa", "aa"}, "aaaaa"},
		{"one byte", []string{"x", "xo"}, "xoxb x"},
		{"at the ends", []string{"ab", "yz"}, "abxyz"},
		{"stem is the text", []string{"abcd"}, "abcd"},
		{"too short for the stem", []string{"abcd"}, "abc"},
		{"no match", []string{"sk-"}, "nothing here"},
		{"empty text", []string{"ab"}, ""},
		{"bytes above ASCII", []string{"\xc3\xa9t", "t\xff"}, "caf\xc3\xa9t\xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newStemSet(tt.stems).find([]byte(tt.text), nil)
			want := acMatches(t, tt.stems, []byte(tt.text))
			if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Errorf("stem set found %v, automaton %v", got, want)
			}
		})
	}
}

// TestStemSetBuiltinStems compares the two on the built-in catalogue's
// stems over random text drawn from the stems' own bytes, so that stems
// occur often and overlap.
func TestStemSetBuiltinStems(t *testing.T) {
	pf := buildPrefilter(builtinKeywords(), quickStemLen)
	if pf.set == nil || pf.ac != nil {
		t.Fatal("the quick prefilter is not a stem set")
	}
	var alphabet []byte
	for _, s := range pf.stems {
		alphabet = append(alphabet, s...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		text := make([]byte, 5000)
		for i := range text {
			if rng.IntN(8) == 0 { // whole stems, so long ones occur too
				s := pf.stems[rng.IntN(len(pf.stems))]
				i += copy(text[i:], s) - 1
				continue
			}
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		got := pf.set.find(text, nil)
		want := acMatches(t, pf.stems, text)
		if len(want) == 0 {
			t.Fatal("no stem in the text: the comparison proves nothing")
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: stem set found %d matches, automaton %d", round, len(got), len(want))
		}
	}
}

// TestBuiltinKeywordsInEngineOrder: the shared prefilter, built from the
// catalogue without an engine, maps keywords to the rules of an engine of
// the built-in catalogue by the same indexes as one built from its rules.
func TestBuiltinKeywordsInEngineOrder(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !e.builtinOnly {
		t.Fatal("an engine of the defaults does not use the shared prefilter")
	}
	for _, stemLen := range []int{quickStemLen, fullStemLen} {
		shared := builtinPrefilter(stemLen)
		own := buildPrefilter(ruleKeywords(e.rules), stemLen)
		if !reflect.DeepEqual(shared.keywords, own.keywords) || !reflect.DeepEqual(shared.byKeyword, own.byKeyword) ||
			!reflect.DeepEqual(shared.stems, own.stems) {
			t.Errorf("stems of %d bytes: the shared prefilter's keyword index differs from the engine's", stemLen)
		}
	}
}

// BenchmarkStemSet is the keyword pass alone over ~4 MB of lowercased code
// (the stem set of the built-in catalogue, as a commit's scan uses it).
func BenchmarkStemSet(b *testing.B) {
	pf := buildPrefilter(builtinKeywords(), quickStemLen)
	text := lowerInto(nil, benchText(4<<20))
	var buf []ahocorasick.Match
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		buf = pf.set.find(text, buf[:0])
	}
}

// TestPrefilterGenerated checks that prefilter_gen.go holds the stem set
// prefilter that buildPrefilter makes of the built-in keywords, and that
// the built-in catalogue uses it; with -update (go generate ./detect) it
// rewrites the file.
func TestPrefilterGenerated(t *testing.T) {
	kws := builtinKeywords()
	want := buildPrefilter(kws, quickStemLen)
	if *updateCorpus {
		src, err := prefilterSource(want, keywordsSum(kws))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("prefilter_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if generatedQuickSum != keywordsSum(kws) {
		t.Fatal("prefilter_gen.go was generated from other keywords: run go generate ./detect")
	}
	if !reflect.DeepEqual(&generatedQuick, want) {
		t.Fatal("prefilter_gen.go differs from the prefilter built from the catalogue's keywords: run go generate ./detect")
	}
	if builtinPrefilter(quickStemLen) != &generatedQuick {
		t.Error("the built-in catalogue does not use the generated prefilter")
	}
}

// TestKeywordsSum: the sum changes with any keyword, their order, or the
// rule they belong to, so that a stale generated prefilter is never used.
func TestKeywordsSum(t *testing.T) {
	base := [][]string{{"ab", "cd"}, {"ef"}}
	for _, other := range [][][]string{
		{{"ab", "cd"}, {"eg"}},
		{{"cd", "ab"}, {"ef"}},
		{{"ab"}, {"cd", "ef"}},
		{{"abcd"}, {"ef"}},
		{{"ab", "cd"}, {"ef"}, {}},
	} {
		if keywordsSum(other) == keywordsSum(base) {
			t.Errorf("keywords %q and %q have the same sum", other, base)
		}
	}
}

// prefilterSource writes a stem set prefilter as prefilter_gen.go, its
// tables as keyed literals (they are mostly zero) so that the compiler
// lays them out as static data.
func prefilterSource(pf *prefilter, sum uint64) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by TestPrefilterGenerated (go generate ./detect); DO NOT EDIT.\n\n")
	b.WriteString("package detect\n\n")
	fmt.Fprintf(&b, "// generatedQuickSum is the keywordsSum of the keywords generatedQuick was\n// built from (builtinKeywords).\nconst generatedQuickSum = %#x\n\n", sum)
	b.WriteString("// generatedQuick is buildPrefilter(builtinKeywords(), quickStemLen), as\n// static data (see builtinPrefilter).\n")
	b.WriteString("var generatedQuick = prefilter{\n")
	ints := func(xs []int) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = strconv.Itoa(x)
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	b.WriteString("keywords: []string{")
	for _, k := range pf.keywords {
		b.WriteString(strconv.Quote(k) + ", ")
	}
	b.WriteString("},\nbyKeyword: [][]int{")
	for _, rs := range pf.byKeyword {
		b.WriteString(ints(rs) + ", ")
	}
	fmt.Fprintf(&b, "},\nmaxKeyword: %d,\nstems: []string{", pf.maxKeyword)
	for _, st := range pf.stems {
		b.WriteString(strconv.Quote(st) + ", ")
	}
	b.WriteString("},\nbyStem: [][]int{")
	for _, ks := range pf.byStem {
		b.WriteString(ints(ks) + ", ")
	}
	b.WriteString("},\n")
	if s := pf.set; s != nil {
		b.WriteString("set: &stemSet{\nsingle: [256]int32{")
		for i, v := range s.single {
			if v != 0 {
				fmt.Fprintf(&b, "%d: %d, ", i, v)
			}
		}
		fmt.Fprintf(&b, "},\nhasOne: %v,\nshort: [1 << 16]uint8{", s.hasOne)
		for i, v := range s.short {
			if v != 0 {
				fmt.Fprintf(&b, "%#x: %d, ", i, v)
			}
		}
		b.WriteString("},\nquad: &[1 << quadBits / 64]uint64{")
		for i, v := range s.quad {
			if v != 0 {
				fmt.Fprintf(&b, "%d: %#x, ", i, v)
			}
		}
		fmt.Fprintf(&b, "},\nslots: []stemSlotEntry{")
		last := len(s.slots) - 1
		for i, e := range s.slots {
			if e != (stemSlotEntry{}) || i == last {
				// The last index is written even when empty: it sizes
				// the slice.
				fmt.Fprintf(&b, "%d: {%#x, %d}, ", i, e.key, e.id)
			}
		}
		fmt.Fprintf(&b, "},\nshift: %d,\n},\n", s.shift)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
