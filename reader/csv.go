package reader

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// maxContextCell bounds the cells a CSV row lends its key as context: a
// service's or an owner's name, not a note.
const maxContextCell = 40

// csvCell is one cell of a CSV or TSV line: its text, unquoted, and where
// that text starts in the line.
type csvCell struct {
	text []byte
	at   int
}

// csvRows reads a table exported as CSV or TSV whose header names a
// secret-like column (api_key, token, secret, "API key", Key): each row's
// cell in that column becomes "NAME: cell" at the cell's place, so the
// key-like rules read it as they read an assignment. The header must be
// the text's first line and every cell of it a short name; a row counts
// only when it has as many cells as the header.
func (d *decoder) csvRows() {
	end := bytes.IndexByte(d.text, '\n')
	if end < 0 {
		return
	}
	header := bytes.TrimRight(d.text[:end], "\r")
	sep := csvSeparator(header)
	if sep == 0 {
		return
	}
	names := splitCells(header, sep, nil)
	var cols []int
	for i, c := range names {
		if !isColumnName(c.text) {
			return // not a header: a row of data, or prose
		}
		if secretTag(c.text) {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return
	}
	var cells []csvCell
	var parts [][]byte // the joined line's parts, reused row to row
	for pos, lineNo := end+1, 2; pos < len(d.text) && d.left(); lineNo++ {
		lineEnd := len(d.text)
		if i := bytes.IndexByte(d.text[pos:], '\n'); i >= 0 {
			lineEnd = pos + i
		}
		line := bytes.TrimRight(d.text[pos:lineEnd], "\r")
		pos = lineEnd + 1
		if len(line) > maxLine {
			continue
		}
		cells = splitCells(line, sep, cells[:0])
		if len(cells) != len(names) {
			continue
		}
		// The row's short cells that are not secrets (the service, the
		// owner) stand before the name: a provider's rule reads the
		// provider's name there as it reads it on a line.
		parts = parts[:0]
		n := 0
		for j, c := range cells {
			if !slices.Contains(cols, j) && len(c.text) > 0 && len(c.text) <= maxContextCell && n+len(c.text) < maxHead {
				parts = append(parts, space, c.text)
				n += 1 + len(c.text)
			}
		}
		for _, i := range cols {
			v := cells[i].text
			if len(v) == 0 || len(v) > maxValue {
				continue
			}
			// "CONTEXT NAME: value": the space before the name lets the
			// rules that take a bare name (" Key: ...") read it as they
			// read a line.
			name := names[i].text
			d.takeJoined("csv", lineNo, utf8.RuneCount(line[:cells[i].at])+1, v, n+len(name)+3, append(parts, space, name, colonSpace, v)...)
		}
	}
}

// csvSeparator returns the separator a header line uses, tab, semicolon or
// comma, when it separates three or more cells; 0 when none does.
func csvSeparator(header []byte) byte {
	for _, sep := range []byte{'\t', ';', ','} {
		if bytes.Count(header, []byte{sep}) >= 2 {
			return sep
		}
	}
	return 0
}

// splitCells splits a CSV line at sep, outside double quotes, and appends
// the cells to cells with their quotes removed. A doubled quote inside a
// quoted cell stays doubled: keys hold none.
func splitCells(line []byte, sep byte, cells []csvCell) []csvCell {
	start, quoted := 0, false
	for i := 0; i <= len(line); i++ {
		if i < len(line) && line[i] == '"' {
			quoted = !quoted
		}
		if i < len(line) && (line[i] != sep || quoted) {
			continue
		}
		cell, at := bytes.TrimSpace(line[start:i]), start
		at += bytes.Index(line[start:i], cell)
		if len(cell) >= 2 && cell[0] == '"' && cell[len(cell)-1] == '"' {
			cell, at = cell[1:len(cell)-1], at+1
		}
		cells = append(cells, csvCell{text: cell, at: at})
		start = i + 1
	}
	return cells
}

// isColumnName reports a header cell as exports name their columns: up to
// 40 letters, digits and "_-.", in at most three words, starting with a
// letter. "INSERT INTO t (id" and other code split at commas are not.
func isColumnName(b []byte) bool {
	if len(b) == 0 || len(b) > 40 || !(b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z') || bytes.Count(b, []byte{' '}) > 2 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
