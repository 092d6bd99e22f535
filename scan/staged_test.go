package scan

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestNewLines(t *testing.T) {
	type run struct {
		Start int
		Text  string
	}
	tests := []struct {
		name      string
		text, old string
		want      []run
		lines     int
	}{
		{"new file", "a\nb\n", "", []run{{1, "a\nb\n"}}, 2},
		{"appended", "a\nb\nc\n", "a\nb\n", []run{{3, "c\n"}}, 1},
		{"two runs", "x\na\ny\nz\nb\n", "a\nb\n", []run{{1, "x\n"}, {3, "y\nz\n"}}, 3},
		{"no final newline", "a\nb", "a\n", []run{{2, "b"}}, 1},
		{"line endings ignored", "a\r\nb\r\n", "a\nb\n", nil, 0},
		{"moved lines are not new", "b\na\n", "a\nb\n", nil, 0},
		{"a copy of an unchanged line is new, as in git's diff", "a\na\n", "a\n", []run{{2, "a\n"}}, 1},
		{"a line repeated within the change is not new", "x\nq\nb\nb\ny\n", "x\nb\nq\ny\n", nil, 0},
		{"unchanged start and end", "a\nb\nNEW\nc\nd", "a\nb\nold\nc\nd", []run{{3, "NEW\n"}}, 1},
		{"a line that only grew is new", "ab\n", "a\n", []run{{1, "ab\n"}}, 1},
		{"last line gains a newline", "a\nb\n", "a\nb", nil, 0},
		{"identical", "a\nb\n", "a\nb\n", nil, 0},
		{"empty", "", "a\n", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []run
			lines, n := newLines([]byte(tt.text), []byte(tt.old), func(start int, text []byte) {
				got = append(got, run{start, string(text)})
			})
			if !reflect.DeepEqual(got, tt.want) || lines != tt.lines {
				t.Errorf("runs %+v (%d lines), want %+v (%d)", got, lines, tt.want, tt.lines)
			}
			var total int64
			for _, r := range got {
				total += int64(len(r.Text))
			}
			if n != total {
				t.Errorf("bytes %d, want %d", n, total)
			}
		})
	}
}

// TestNewLinesBounded splits a long run of new lines at line boundaries.
func TestNewLinesBounded(t *testing.T) {
	line := strings.Repeat("x", 1<<20-1) + "\n"
	text := strings.Repeat(line, 9)
	var starts []int
	var sizes []int
	newLines([]byte(text), nil, func(start int, run []byte) {
		starts = append(starts, start)
		sizes = append(sizes, len(run))
	})
	if want := []int{1, 5, 9}; !reflect.DeepEqual(starts, want) {
		t.Errorf("runs start at %v, want %v", starts, want)
	}
	for _, s := range sizes {
		if s > maxDecodedJob || s%len(line) != 0 {
			t.Errorf("run of %d bytes: not whole lines within %d", s, maxDecodedJob)
		}
	}
}

// TestNewLinesProperties checks newLines on random versions made of a few
// distinct lines: every line old does not hold anywhere is handed over, and
// every run is exactly the lines of text at the numbers it gives.
func TestNewLinesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []string{"a\n", "b\n", "c\r\n", "c\n", "key = 1\n", "\n", "dd"}
	version := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pool[rng.IntN(len(pool)-1)])
		}
		if rng.IntN(4) == 0 {
			b.WriteString(pool[len(pool)-1]) // no final newline
		}
		return b.String()
	}
	for i := range 5000 {
		old := version()
		text := old
		if rng.IntN(2) == 0 {
			text = version()
		} else if len(old) > 0 { // an edit in the middle, as commits make
			at := rng.IntN(len(old) + 1)
			text = old[:at] + version() + old[at:]
		}
		oldSet := map[string]bool{}
		for _, l := range strings.SplitAfter(old, "\n") {
			oldSet[strings.TrimRight(l, "\r\n")] = true
		}
		lines := strings.SplitAfter(text, "\n")
		handed := map[int]bool{}
		newLines([]byte(text), []byte(old), func(start int, run []byte) {
			n := strings.Count(string(run), "\n")
			if !strings.HasSuffix(string(run), "\n") {
				n++
			}
			if start < 1 || start+n-1 > len(lines) || strings.Join(lines[start-1:start-1+n], "") != string(run) {
				t.Fatalf("case %d: run at line %d (%q) is not those lines of %q", i, start, run, text)
			}
			for k := range n {
				handed[start+k] = true
			}
		})
		for n, l := range lines {
			if l != "" && !oldSet[strings.TrimRight(l, "\r\n")] && !handed[n+1] {
				t.Fatalf("case %d: line %d %q is new but was not handed over (old %q, text %q)", i, n+1, l, old, text)
			}
		}
	}
}

// TestOwn: a merge's lines that a parent held are left out, the others
// keep their line numbers.
func TestOwn(t *testing.T) {
	type run struct {
		Start int
		Text  string
	}
	held := map[string]struct{}{"p": {}, "q": {}, "": {}}
	tests := []struct {
		name, text string
		held       map[string]struct{}
		want       []run
	}{
		{"nothing held", "a\nb\n", nil, []run{{10, "a\nb\n"}}},
		{"none of them held", "a\nb\n", held, []run{{10, "a\nb\n"}}},
		{"held lines split the runs", "a\np\nb\nc\nq\n", held, []run{{10, "a\n"}, {12, "b\nc\n"}}},
		{"all held", "p\nq\n", held, nil},
		{"line endings ignored", "p\r\nx\r\n", held, []run{{11, "x\r\n"}}},
		{"last line without newline", "p\nx", held, []run{{11, "x"}}},
		{"an empty line a parent held", "\nx\n", held, []run{{11, "x\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []run
			own([]byte(tt.text), 10, tt.held, func(start int, text []byte) { got = append(got, run{start, string(text)}) })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
