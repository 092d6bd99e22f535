// Package reader turns one file's bytes into the texts to scan, each with a
// way back to a position in the file, so that detect stays pure and knows
// nothing of formats: a notebook's cells and outputs (Notebook), and values
// a format stores encoded: base64, JSON string escapes, URL escapes, and
// private keys assembled from string literals in code (Decode).
package reader

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// IsNotebook reports whether the repository path names a Jupyter notebook.
func IsNotebook(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".ipynb")
}

// Piece is one text to scan out of a file, and the way back to the file.
type Piece struct {
	Text []byte
	// Cell is the 1-based notebook cell the text comes from; 0 for the
	// notebook's own metadata.
	Cell int
	// Output is the 1-based output of that cell; 0 for the cell's source
	// or metadata.
	Output int
	// Metadata is set for notebook or cell metadata: Text is then the
	// file's own line, and its lines are not the cell's.
	Metadata bool

	file   []byte
	starts []int // for each line of Text, the offset in file where it starts
	raw    bool  // Text is file's own bytes (no escapes to undo)
}

// Lines returns how many lines Text holds.
func (p *Piece) Lines() int { return len(p.starts) }

// Place returns the 1-based line and rune column in the file of the rune
// at the 1-based line and column of Text.
func (p *Piece) Place(line, col int) (fileLine, fileCol int) {
	if line < 1 {
		line = 1
	}
	if line > len(p.starts) {
		line = len(p.starts)
	}
	off := p.starts[line-1]
	if p.raw {
		off = advanceRaw(p.file, off, col-1)
	} else {
		off = advanceEscaped(p.file, off, col-1)
	}
	return position(p.file, off)
}

// position returns the 1-based line and rune column of a byte offset.
func position(file []byte, off int) (line, col int) {
	off = min(off, len(file))
	line = bytes.Count(file[:off], []byte{'\n'}) + 1
	start := bytes.LastIndexByte(file[:off], '\n') + 1
	return line, utf8.RuneCount(file[start:off]) + 1
}

// advanceRaw moves n runes forward from off in plain text.
func advanceRaw(b []byte, off, n int) int {
	for ; n > 0 && off < len(b) && b[off] != '\n'; n-- {
		_, size := utf8.DecodeRune(b[off:])
		off += size
	}
	return off
}

// advanceEscaped moves forward from off, inside a JSON string, past the
// raw text of n decoded runes.
func advanceEscaped(b []byte, off, n int) int {
	for ; n > 0 && off < len(b) && b[off] != '"'; n-- {
		if b[off] != '\\' {
			_, size := utf8.DecodeRune(b[off:])
			off += size
			continue
		}
		if off+1 < len(b) && b[off+1] == 'u' {
			off += 6
			// A surrogate pair is one rune.
			if off+1 < len(b) && b[off] == '\\' && b[off+1] == 'u' && isHighSurrogate(b[off-4:off]) {
				off += 6
			}
			continue
		}
		off += 2
	}
	return min(off, len(b))
}

func isHighSurrogate(hex []byte) bool {
	return len(hex) == 4 && (hex[0] == 'd' || hex[0] == 'D') && strings.ContainsRune("89abAB", rune(hex[1]))
}
