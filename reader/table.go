package reader

import (
	"bytes"
	"unicode/utf8"
)

// tableRule and tableRuleSpaced are what mdTables looks for: the end of a
// cell of a Markdown table's delimiter row (`|---|`, `| --- |`).
var tableRule, tableRuleSpaced = []byte("--|"), []byte("-- |")

// maxTableRows bounds the rows of one table that mdTables reads.
const maxTableRows = 200

// mdTables reads a Markdown table whose header names a secret-like column
// ("| vendor | key |", "| Service | API token |"): each row's cell in that
// column becomes "NAME: cell" at the cell's place (backticks around the
// value dropped), so the key-like rules read it as they read an
// assignment, as csvRows does for CSV exports. lineNo and line are the
// table's delimiter row; the header is the line above it.
func (d *decoder) mdTables(lineNo int, line []byte) {
	if !isDelimiterRow(line) || d.lineAt == 0 {
		return
	}
	start := bytes.LastIndexByte(d.text[:d.lineAt-1], '\n') + 1
	header := bytes.TrimRight(d.text[start:d.lineAt-1], "\r")
	names := tableCells(header, nil)
	var cols []int
	for i, c := range names {
		if len(c.text) > 0 && len(c.text) <= 40 && secretTag(c.text) && !publicColumn(c.text) {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return
	}
	var cells []csvCell
	end := d.lineEnd(d.lineAt)
	for k := 1; k <= maxTableRows && end < len(d.text) && d.left(); k++ {
		rowStart := end + 1
		end = d.lineEnd(rowStart)
		row := bytes.TrimRight(d.text[rowStart:end], "\r")
		if bytes.IndexByte(row, '|') < 0 || len(row) > maxLine {
			return
		}
		cells = tableCells(row, cells[:0])
		for _, i := range cols {
			if i >= len(cells) {
				continue
			}
			v, at := cells[i].text, cells[i].at
			if len(v) >= 2 && v[0] == '`' && v[len(v)-1] == '`' {
				v, at = v[1:len(v)-1], at+1
			}
			if len(v) == 0 || len(v) > maxValue {
				continue
			}
			name := names[i].text
			d.takeJoined("table", lineNo+k, utf8.RuneCount(row[:at])+1, v, len(name)+3, space, name, colonSpace, v)
		}
	}
}

// colonSpace separates a name from its value in what mdTables writes.
var colonSpace = []byte(": ")

// isDelimiterRow reports a Markdown table's delimiter row: pipes, dashes,
// colons and spaces only, with at least one pipe and three dashes.
func isDelimiterRow(line []byte) bool {
	line = bytes.TrimSpace(line)
	if bytes.Count(line, []byte("-")) < 3 || bytes.IndexByte(line, '|') < 0 {
		return false
	}
	for _, c := range line {
		if c != '|' && c != '-' && c != ':' && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// tableCells splits a Markdown table row into its cells, trimmed, with
// where each starts in the row; the pipes at the row's ends open and close
// it and make no cell.
func tableCells(row []byte, cells []csvCell) []csvCell {
	lo, hi := 0, len(row)
	for lo < hi && (row[lo] == ' ' || row[lo] == '\t') {
		lo++
	}
	for hi > lo && (row[hi-1] == ' ' || row[hi-1] == '\t') {
		hi--
	}
	if lo < hi && row[lo] == '|' {
		lo++
	}
	if hi > lo && row[hi-1] == '|' {
		hi--
	}
	for at := lo; at <= hi; {
		j := bytes.IndexByte(row[at:hi], '|')
		next := hi
		if j >= 0 {
			next = at + j
		}
		c := row[at:next]
		s := len(c) - len(bytes.TrimLeft(c, " \t"))
		cells = append(cells, csvCell{text: bytes.TrimSpace(c), at: at + s})
		at = next + 1
	}
	return cells
}

// publicWords, in a column's name, say its values are public or are not
// the secret itself: a WireGuard peer's "public key", a key's
// "fingerprint" or "id".
var publicWords = [][]byte{[]byte("public"), []byte("publishable"), []byte("fingerprint"), []byte("checksum"), []byte("hash")}

// publicColumn reports a column name that holds a secret-like word but
// names public values ("public key", "key fingerprint", "Key ID").
func publicColumn(name []byte) bool {
	lower := bytes.ToLower(name)
	for _, w := range publicWords {
		if bytes.Contains(lower, w) {
			return true
		}
	}
	f := bytes.Fields(lower)
	return len(f) > 1 && (string(f[len(f)-1]) == "id" || string(f[len(f)-1]) == "name")
}
