package scan

import (
	"bytes"
	"hash/maphash"
)

// maxDecodedJob bounds one job of decoded text, as git.Fragment's size is
// bounded; a single longer line still goes whole.
const maxDecodedJob = 4 << 20

// newLines hands emit the lines of text that old does not hold, in runs of
// consecutive lines (at most maxDecodedJob bytes unless one line is longer)
// numbered as in text, and returns how many lines and bytes it handed over.
// Each run is a copy the receiver may keep.
//
// The lines both versions start and end with are unchanged and skipped
// without being looked at one by one. Between them, it compares line sets,
// not a real diff: a line that only moved within the changed part, or that
// repeats a line the old changed part holds, is not new. A copy of an
// unchanged line elsewhere is new, as in git's diff. Line endings are not
// part of the comparison.
func newLines(text, old []byte, emit func(start int, run []byte)) (int, int64) {
	pre := commonPrefixLines(text, old)
	suf := commonSuffixLines(text[pre:], old[pre:])
	lineNo := bytes.Count(text[:pre], []byte{'\n'})
	text, old = text[pre:len(text)-suf], old[pre:len(old)-suf]

	// The old lines, by a hash of their content; a hash that matches is
	// confirmed against the line itself, so a collision can only make a
	// line count as new.
	seed := maphash.MakeSeed()
	seen := make(map[uint64]int, bytes.Count(old, []byte{'\n'})+1)
	for at := 0; at < len(old); {
		line, _ := nextLine(old[at:])
		key := bytes.TrimRight(line, "\r\n")
		if h := maphash.Bytes(seed, key); seen[h] == 0 {
			seen[h] = at + 1
		}
		at += len(line)
	}
	known := func(line []byte) bool {
		key := bytes.TrimRight(line, "\r\n")
		at := seen[maphash.Bytes(seed, key)]
		if at == 0 {
			return false
		}
		prev, _ := nextLine(old[at-1:])
		return bytes.Equal(bytes.TrimRight(prev, "\r\n"), key)
	}

	var (
		run         []byte
		start       int
		lines       int
		total       int64
		previousNew bool
	)
	flush := func() {
		if len(run) > 0 {
			emit(start, run)
		}
		run = nil
	}
	for len(text) > 0 {
		var line []byte
		line, text = nextLine(text)
		lineNo++
		if known(line) {
			previousNew = false
			continue
		}
		if !previousNew || len(run)+len(line) > maxDecodedJob {
			flush()
			start = lineNo
		}
		previousNew = true
		run = append(run, line...)
		lines++
		total += int64(len(line))
	}
	flush()
	return lines, total
}

// compareChunk is how many bytes the prefix and suffix searches compare at
// a time, with the vectorised bytes.Equal, before finding the first
// difference byte by byte.
const compareChunk = 256

// commonPrefixLines returns the length of the longest run of whole lines
// that a and b both start with.
func commonPrefixLines(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+compareChunk <= n && bytes.Equal(a[i:i+compareChunk], b[i:i+compareChunk]) {
		i += compareChunk
	}
	for i < n && a[i] == b[i] {
		i++
	}
	if i == len(a) && i == len(b) {
		return i // the same
	}
	// a[:i] ends a line in both only if it ends with a newline.
	return bytes.LastIndexByte(a[:i], '\n') + 1
}

// commonSuffixLines returns the length of the longest run of whole lines
// that a and b both end with.
func commonSuffixLines(a, b []byte) int {
	n := min(len(a), len(b))
	j := 0
	for j+compareChunk <= n && bytes.Equal(a[len(a)-j-compareChunk:len(a)-j], b[len(b)-j-compareChunk:len(b)-j]) {
		j += compareChunk
	}
	for j < n && a[len(a)-j-1] == b[len(b)-j-1] {
		j++
	}
	lineStart := func(s []byte, at int) bool { return at == 0 || s[at-1] == '\n' }
	if lineStart(a, len(a)-j) && lineStart(b, len(b)-j) {
		return j
	}
	// Start after the first newline of the common part.
	k := bytes.IndexByte(a[len(a)-j:], '\n')
	if k < 0 {
		return 0
	}
	return j - k - 1
}

// nextLine splits off b's first line, with its newline if it has one.
func nextLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}
