package detect

import (
	"math/rand/v2"
	"reflect"
	"slices"
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
