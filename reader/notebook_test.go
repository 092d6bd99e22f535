package reader

import (
	"strings"
	"testing"
)

const sampleNotebook = `{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {"tags": ["intro"]},
   "source": "# Title\nSecond \"line\""
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [
    {"name": "stdout", "output_type": "stream", "text": ["a\n", "b é c\n"]},
    {"data": {"image/png": "iVBORw0KGgoAAAANSUhEUg", "text/plain": ["<Figure>"]}, "metadata": {}, "output_type": "display_data"},
    {"ename": "KeyError", "evalue": "'x'", "output_type": "error", "traceback": ["line one", "line \u001b[0m two"]}
   ],
   "source": [
    "x = 1\n",
    "y = \"z\""
   ]
  }
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
`

func TestNotebookPieces(t *testing.T) {
	pieces, ok := Notebook([]byte(sampleNotebook))
	if !ok {
		t.Fatal("not read as a notebook")
	}
	type want struct {
		cell, output int
		metadata     bool
		text         string
	}
	wants := []want{
		{1, 0, true, `"intro"`},
		{1, 0, true, `"cell_type": "markdown"`},
		{1, 0, false, "# Title\nSecond \"line\""},
		{2, 1, true, `"name": "stdout"`},
		{2, 1, false, "a\nb é c\n"},
		{2, 2, false, "<Figure>"},
		{2, 3, false, "KeyError"},
		{2, 3, false, "'x'"},
		{2, 3, true, `"output_type": "error"`},
		{2, 3, false, "line one\nline \x1b[0m two"},
		{2, 0, false, "x = 1\ny = \"z\""},
		{2, 0, true, `"cell_type": "code"`},
		{0, 0, true, `"name": "python3"`},
	}
	got := map[want]bool{}
	for _, p := range pieces {
		if strings.Contains(string(p.Text), "iVBOR") {
			t.Errorf("image data read: %q", p.Text)
		}
		got[want{p.Cell, p.Output, p.Metadata, string(p.Text)}] = true
	}
	for _, w := range wants {
		if !got[w] {
			t.Errorf("no piece %+v; got:", w)
			for _, p := range pieces {
				t.Logf("  cell %d output %d metadata %v %q", p.Cell, p.Output, p.Metadata, p.Text)
			}
		}
	}
}

func TestNotebookPlace(t *testing.T) {
	pieces, _ := Notebook([]byte(sampleNotebook))
	find := func(text string) *Piece {
		for i := range pieces {
			if strings.Contains(string(pieces[i].Text), text) {
				return &pieces[i]
			}
		}
		t.Fatalf("no piece holds %q", text)
		return nil
	}
	tests := []struct {
		piece             string
		line, col         int
		wantLine, wantCol int
	}{
		{"# Title", 1, 3, 6, 17},             // "Title" in a single-string source
		{"# Title", 2, 8, 6, 31},             // after the escaped \n: the quote's escape
		{"x = 1", 2, 5, 19, 10},              // `y = \"z\"`: the escaped quote
		{"x = 1", 2, 6, 19, 12},              // `z`, after the two bytes of \"
		{"a\nb é c", 2, 5, 13, 70},           // `c`, after the two-byte é
		{"line one", 2, 1, 15, 95},           // the traceback's second element
		{"line one", 2, 7, 15, 106},          // past `\u001b` (six bytes, one rune)
		{`"name": "python3"`, 1, 10, 23, 39}, // metadata: the file's own text
	}
	for _, tt := range tests {
		line, col := find(tt.piece).Place(tt.line, tt.col)
		if line != tt.wantLine || col != tt.wantCol {
			t.Errorf("%q line %d col %d: placed at %d:%d, want %d:%d", tt.piece, tt.line, tt.col, line, col, tt.wantLine, tt.wantCol)
		}
	}
}

func TestNotebookNotANotebook(t *testing.T) {
	for _, in := range []string{
		"",
		`{"cells": [`,                           // truncated
		`{"cells": [{"source": "x"}]`,           // truncated at the end
		`{"cells": [{"source": "x"}]} trailing`, // more after the value
		`{"cells": [{"source": "\q"}]}`,         // a bad escape
		`{"metadata": {}}`,                      // no cells
		`{"cells": {}}`,                         // cells not a list
		`[1, 2]`,                                // not an object
		`{"cells": [tru]}`,                      // a bad literal
		strings.Repeat("[", 300) + strings.Repeat("]", 300),
	} {
		if _, ok := Notebook([]byte(in)); ok {
			t.Errorf("Notebook(%.40q) read as a notebook", in)
		}
	}
	if _, ok := Notebook([]byte(`{"cells": [], "nbformat": 4}` + "\n")); !ok {
		t.Error("an empty notebook is a notebook")
	}
}

func FuzzNotebook(f *testing.F) {
	f.Add([]byte(sampleNotebook))
	f.Add([]byte(`{"cells": [{"source": ["a\n", "b"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pieces, ok := Notebook(data)
		if !ok {
			return
		}
		for _, p := range pieces {
			for l := 1; l <= p.Lines(); l++ {
				line, col := p.Place(l, 1)
				if line < 1 || col < 1 {
					t.Fatalf("placed at %d:%d", line, col)
				}
			}
		}
	})
}

// TestNotebookLineStarts checks where each line of a text field starts in
// the file when its strings begin empty, continue a line or end one, and
// that an escaped key names the field it decodes to.
func TestNotebookLineStarts(t *testing.T) {
	nb := `{"cells": [{"sou\u0072ce": ["", "ab", "c\n", "d\n", "", "e"], "outputs": [
{"output_type": "error", "traceback": ["t1", "t2\nt3"]}]}]}`
	pieces, ok := Notebook([]byte(nb))
	if !ok {
		t.Fatal("not read as a notebook")
	}
	// want: the piece's text, then for each of its lines the 1-based
	// line and column in nb where it starts.
	wants := map[string][][2]int{
		"abc\nd\ne":  {{1, 34}, {1, 47}, {1, 58}},
		"t1\nt2\nt3": {{2, 41}, {2, 47}, {2, 51}},
	}
	for _, p := range pieces {
		w, ok := wants[string(p.Text)]
		if !ok {
			continue
		}
		delete(wants, string(p.Text))
		if p.Lines() != len(w) {
			t.Errorf("%q: %d lines, want %d", p.Text, p.Lines(), len(w))
			continue
		}
		for l, want := range w {
			if line, col := p.Place(l+1, 1); line != want[0] || col != want[1] {
				t.Errorf("%q line %d placed at %d:%d, want %d:%d", p.Text, l+1, line, col, want[0], want[1])
			}
		}
	}
	for text := range wants {
		t.Errorf("no piece %q; got:", text)
		for _, p := range pieces {
			t.Logf("  cell %d output %d %q", p.Cell, p.Output, p.Text)
		}
	}
}
