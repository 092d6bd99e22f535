package reader

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds how deeply a notebook's JSON may nest; deeper input is
// not a notebook this reader decodes, and is scanned as plain text.
const maxDepth = 256

// Notebook reads a Jupyter notebook (nbformat 4) as the texts people wrote
// or a run printed: each cell's source, each output's text, stream, error
// name, value and traceback, and its text/* and JSON data, one Piece each;
// and each string of notebook, cell and output metadata, with its name. Binary output data
// (image/*, PDFs and any other non-text MIME type) and cell attachments are
// not read: they are long base64 that looks random, never a key.
//
// ok is false when data is not a notebook: not JSON (corrupt or truncated),
// or not an object with a "cells" list. The caller then scans it as plain
// text, so a broken notebook is never skipped.
func Notebook(data []byte) (pieces []Piece, ok bool) {
	w := walker{b: data, groups: map[groupKey]int{}}
	at := w.space(0)
	if at >= len(data) || data[at] != '{' {
		return nil, false
	}
	end, ok := w.value(at, w.root())
	if !ok || w.space(end) != len(data) || !w.cells {
		return nil, false
	}
	return w.pieces, true
}

// step is one element of the path to a JSON value: an object key, or an
// array index when key is "".
type step struct {
	key   string
	index int
	at    int // offset of the key's opening quote
}

// groupKey names one text field of a notebook: a cell's source, or one
// field of one of its outputs.
type groupKey struct {
	cell, output int
	field        string
}

type walker struct {
	b      []byte
	pieces []Piece
	groups map[groupKey]int // text field -> index in pieces
	cells  bool             // saw the top-level "cells" list
	// layout, when set, is told where each value is (see NotebookLayout).
	layout *Layout
}

// root returns the empty path a walk starts from, with room for the
// depths notebooks have: each value's path is its parent's with one step
// appended in place, which reuses that room (siblings take turns in it,
// and nothing keeps a path after its value is walked).
func (w *walker) root() []step { return make([]step, 0, 16) }

func (w *walker) space(at int) int {
	for at < len(w.b) && (w.b[at] == ' ' || w.b[at] == '\t' || w.b[at] == '\n' || w.b[at] == '\r') {
		at++
	}
	return at
}

// value walks the JSON value at w.b[at] and returns the offset after it.
func (w *walker) value(at int, path []step) (int, bool) {
	end, ok := w.walk(at, path)
	if ok && w.layout != nil {
		w.layout.record(w.b, path, at, end)
	}
	return end, ok
}

func (w *walker) walk(at int, path []step) (int, bool) {
	if len(path) > maxDepth || at >= len(w.b) {
		return 0, false
	}
	switch c := w.b[at]; {
	case c == '{':
		at = w.space(at + 1)
		if at < len(w.b) && w.b[at] == '}' {
			return at + 1, true
		}
		for {
			keyAt := at
			end, escaped, ok := jsonStringEnd(w.b, at)
			if !ok {
				return 0, false
			}
			key := w.b[at+1 : end-1]
			if escaped {
				key, _ = appendUnquoted(nil, nil, w.b, at, end, true)
			}
			at = w.space(end)
			if at >= len(w.b) || w.b[at] != ':' {
				return 0, false
			}
			at = w.space(at + 1)
			if len(path) == 0 && string(key) == "cells" && at < len(w.b) && w.b[at] == '[' {
				w.cells = true
			}
			if at, ok = w.value(at, append(path, step{key: keyString(key), at: keyAt})); !ok {
				return 0, false
			}
			at = w.space(at)
			if at < len(w.b) && w.b[at] == ',' {
				at = w.space(at + 1)
				continue
			}
			if at < len(w.b) && w.b[at] == '}' {
				return at + 1, true
			}
			return 0, false
		}
	case c == '[':
		at = w.space(at + 1)
		if at < len(w.b) && w.b[at] == ']' {
			return at + 1, true
		}
		for i := 0; ; i++ {
			var ok bool
			if at, ok = w.value(at, append(path, step{index: i})); !ok {
				return 0, false
			}
			at = w.space(at)
			if at < len(w.b) && w.b[at] == ',' {
				at = w.space(at + 1)
				continue
			}
			if at < len(w.b) && w.b[at] == ']' {
				return at + 1, true
			}
			return 0, false
		}
	case c == '"':
		// Images are most of a notebook's bytes: skipped strings are only
		// checked.
		key, join, kind := classify(path)
		end, escaped, ok := jsonStringEnd(w.b, at)
		if !ok {
			return 0, false
		}
		if kind != skipped {
			w.str(path, key, join, kind, at, end, escaped)
		}
		return end, true
	default:
		// A number, true, false or null: up to the next delimiter.
		end := at
		for end < len(w.b) && !bytes.ContainsRune([]byte(",]} \t\r\n"), rune(w.b[end])) {
			end++
		}
		if end == at || !scalar(w.b[at:end]) {
			return 0, false
		}
		return end, true
	}
}

// scalar reports whether b is a JSON number, true, false or null.
func scalar(b []byte) bool {
	switch string(b) {
	case "true", "false", "null":
		return true
	}
	for _, c := range b {
		if !strings.ContainsRune("0123456789+-.eE", rune(c)) {
			return false
		}
	}
	return true
}

// str takes one JSON string, from at to end in the file (escaped as
// jsonStringEnd said): a line of a text field, or a metadata value (key,
// join and kind: see classify; walk reads past skipped strings itself).
// A text field's lines are decoded straight into its piece.
func (w *walker) str(path []step, key groupKey, join bool, kind strKind, at, end int, escaped bool) {
	switch kind {
	case metadata:
		// The file's own `"name": "value"`, so that rules see the name.
		if last := path[len(path)-1]; last.key != "" {
			at = last.at
		}
		w.pieces = append(w.pieces, Piece{Text: w.b[at:end], Cell: key.cell, Output: key.output,
			Metadata: true, file: w.b, starts: []int{at}, raw: true})
		return
	}
	i, seen := w.groups[key]
	if !seen {
		i = len(w.pieces)
		w.groups[key] = i
		w.pieces = append(w.pieces, Piece{Cell: key.cell, Output: key.output, file: w.b})
	}
	p := &w.pieces[i]
	// The string's first line start is appended with the others, then
	// kept, or dropped where its line is not a new one.
	drop := -1
	switch n := len(p.starts); {
	case len(p.Text) == 0:
		p.starts = p.starts[:0]
	case p.Text[len(p.Text)-1] == '\n':
		// The element starts the line the last one's newline opened.
		drop = n - 1
	case join:
		p.Text = append(p.Text, '\n')
	default:
		// It continues the last element's line.
		drop = n
	}
	p.Text, p.starts = appendUnquoted(p.Text, p.starts, w.b, at, end, escaped)
	if drop >= 0 {
		p.starts = slices.Delete(p.starts, drop, drop+1)
	}
}

// knownKeys are the object keys that every cell or output of a notebook
// repeats: walk names them without a new string each time.
var knownKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"cells", "cell_type", "source", "outputs", "metadata", "execution_count", "id",
		"attachments", "output_type", "name", "text", "data", "ename", "evalue", "traceback", "collapsed",
		"scrolled", "tags", "trusted", "text/plain", "text/html", "text/markdown", "text/latex",
		"image/png", "image/jpeg", "image/svg+xml", "application/json", "application/javascript",
		"application/vnd.jupyter.widget-view+json"} {
		m[k] = k
	}
	return m
}()

// keyString returns an object key as a string.
func keyString(b []byte) string {
	if k, ok := knownKeys[string(b)]; ok {
		return k
	}
	return string(b)
}

type strKind int

const (
	textField strKind = iota // a line or all of a cell's source or an output's text
	metadata                 // scanned as the file's own line
	skipped                  // binary data
)

// classify says what the string at path is: for a text field, which one
// and whether its list elements are lines to join with newlines (a
// traceback's are; a source's carry their own).
func classify(path []step) (key groupKey, join bool, kind strKind) {
	at := func(i int) step {
		if i < len(path) {
			return path[i]
		}
		return step{key: "\x00", index: -1}
	}
	// A text field is a string, or a list of strings.
	field := func(n int) bool {
		return len(path) == n || (len(path) == n+1 && path[n].key == "")
	}
	if at(0).key != "cells" || at(1).key != "" {
		return groupKey{}, false, metadata
	}
	key.cell = at(1).index + 1
	switch at(2).key {
	case "source":
		if field(3) {
			key.field = "source"
			return key, false, textField
		}
	case "attachments":
		return key, false, skipped
	case "outputs":
		if at(3).key != "" {
			break
		}
		key.output = at(3).index + 1
		switch f := at(4).key; f {
		case "text", "ename", "evalue":
			if field(5) {
				key.field = f
				return key, false, textField
			}
		case "traceback":
			if field(5) {
				key.field = f
				return key, true, textField
			}
		case "data":
			mime := at(5).key
			if !textMIME(mime) {
				return key, false, skipped
			}
			if field(6) && mime != "application/json" {
				key.field = "data " + mime
				return key, false, textField
			}
		}
	}
	return key, false, metadata
}

// textMIME reports whether output data of this MIME type is text to scan.
func textMIME(mime string) bool {
	mime = strings.ToLower(mime)
	switch {
	case strings.HasPrefix(mime, "text/"):
		return true
	case mime == "application/json", mime == "application/javascript", strings.HasSuffix(mime, "+json"):
		return true
	}
	return false
}

// Span is a half-open byte range of a file.
type Span struct{ Start, End int }

// Layout says where a notebook's cells are in its file, so that a fix can
// edit one string or drop one output and leave every other byte as it was.
type Layout struct {
	Cells []CellLayout
}

// CellLayout is where one cell's parts are.
type CellLayout struct {
	Type    string // "code", "markdown", "raw"
	Source  []Span // each source string, quotes included
	Outputs []Span // each output object
}

// NotebookLayout reads where the cells of a notebook are; ok as for Notebook.
func NotebookLayout(data []byte) (Layout, bool) {
	var l Layout
	w := walker{b: data, groups: map[groupKey]int{}, layout: &l}
	at := w.space(0)
	if at >= len(data) || data[at] != '{' {
		return l, false
	}
	end, ok := w.value(at, w.root())
	if !ok || w.space(end) != len(data) || !w.cells {
		return Layout{}, false
	}
	return l, true
}

func (l *Layout) record(b []byte, path []step, at, end int) {
	if len(path) < 2 || path[0].key != "cells" || path[1].key != "" {
		return
	}
	for len(l.Cells) <= path[1].index {
		l.Cells = append(l.Cells, CellLayout{})
	}
	c := &l.Cells[path[1].index]
	switch {
	case len(path) == 3 && path[2].key == "cell_type" && b[at] == '"':
		t, _, _, _ := unquoteJSON(b, at)
		c.Type = string(t)
	case len(path) == 3 && path[2].key == "source" && b[at] == '"',
		len(path) == 4 && path[2].key == "source" && path[3].key == "" && b[at] == '"':
		c.Source = append(c.Source, Span{at, end})
	case len(path) == 4 && path[2].key == "outputs" && path[3].key == "":
		c.Outputs = append(c.Outputs, Span{at, end})
	}
}

// RawOffset returns the offset in b of the decoded byte at offset off of
// the JSON string whose opening quote is at b[at].
func RawOffset(b []byte, at, off int) int {
	i, v := at+1, 0
	for v < off && i < len(b) && b[i] != '"' {
		switch {
		case b[i] == '\\' && i+1 < len(b) && b[i+1] == 'u':
			r, _ := hex4(b, i+2)
			i += 6
			if utf16.IsSurrogate(r) && i+6 <= len(b) && b[i] == '\\' {
				lo, _ := hex4(b, i+2)
				r = utf16.DecodeRune(r, lo)
				i += 6
			}
			v += utf8.RuneLen(r)
		case b[i] == '\\':
			i, v = i+2, v+1
		default:
			i, v = i+1, v+1
		}
	}
	return i
}

// QuoteJSON encodes s as the body of a JSON string (without its quotes)
// the way Jupyter writes notebooks: only quotes, backslashes and control
// characters escaped, other text as it is.
func QuoteJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
