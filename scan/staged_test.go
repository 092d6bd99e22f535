package scan

import (
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
		{"repeated old line is not new", "a\na\n", "a\n", nil, 0},
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
