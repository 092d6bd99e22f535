package reader

import (
	"encoding/binary"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// unquoteJSON decodes the JSON string whose opening quote is at b[at]. It
// returns the decoded text, the offset just past the closing quote, and for
// each line of the decoded text the offset in b where its raw text starts.
// ok is false for a string that is not valid JSON or not closed.
func unquoteJSON(b []byte, at int) (text []byte, end int, starts []int, ok bool) {
	end, escaped, ok := jsonStringEnd(b, at)
	if !ok {
		return nil, 0, nil, false
	}
	text, starts = appendUnquoted(nil, nil, b, at, end, escaped)
	return text, end, starts, true
}

// appendUnquoted appends the decoded text of the JSON string b[at:end]
// (valid, as jsonStringEnd found it, escaped as it said) to text, and the
// offset in b where each of its lines starts to starts.
func appendUnquoted(text []byte, starts []int, b []byte, at, end int, escaped bool) ([]byte, []int) {
	raw := b[at+1 : end-1]
	starts = append(starts, at+1)
	if !escaped {
		return append(text, raw...), starts
	}
	// The string is valid: every escape below is complete.
	text = slices.Grow(text, len(raw))
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && raw[j] != '\\' {
			j++
		}
		text = append(text, raw[i:j]...)
		if j == len(raw) {
			break
		}
		i = j + 2
		switch raw[j+1] {
		case 'b':
			text = append(text, '\b')
		case 'f':
			text = append(text, '\f')
		case 'n':
			text = append(text, '\n')
			starts = append(starts, at+1+i)
		case 'r':
			text = append(text, '\r')
		case 't':
			text = append(text, '\t')
		case 'u':
			r, _ := hex4(raw, j+2)
			i = j + 6
			if utf16.IsSurrogate(r) && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
				if lo, ok := hex4(raw, i+2); ok {
					if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			text = utf8.AppendRune(text, r)
			if r == '\n' { // written \u000a: a line starts after it too
				starts = append(starts, at+1+i)
			}
		default: // '"', '\\', '/'
			text = append(text, raw[j+1])
		}
	}
	return text, starts
}

// plainWord reports whether none of the eight bytes of w is a quote, a
// backslash or a control character (below 0x20), the bytes a JSON string
// reader must look at: the classic tests for a zero byte, on w with each of
// them taken away (a byte below 0x20 is one that subtracting 0x20 makes
// borrow).
func plainWord(w uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	q, s := w^(ones*'"'), w^(ones*'\\')
	return ((q-ones)&^q|(s-ones)&^s|(w-ones*0x20)&^w)&high == 0
}

// jsonStringEnd checks the JSON string whose opening quote is at b[at]
// without decoding it: it returns the offset just past its closing quote
// and whether it holds escapes. ok is false as for unquoteJSON.
func jsonStringEnd(b []byte, at int) (end int, escaped, ok bool) {
	if at >= len(b) || b[at] != '"' {
		return 0, false, false
	}
	for i := at + 1; i < len(b); {
		// Eight bytes at a time while none of them needs a look: an
		// image output is hundreds of kilobytes of plain base64.
		for i+8 <= len(b) && plainWord(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c < 0x20:
			return 0, false, false // JSON forbids raw control characters
		case c != '\\':
			i++
			continue
		}
		escaped = true
		if i+1 >= len(b) {
			return 0, false, false
		}
		switch b[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if _, ok := hex4(b, i+2); !ok {
				return 0, false, false
			}
			i += 6
		default:
			return 0, false, false
		}
	}
	return 0, false, false
}

// hex4 reads four hex digits at b[at:].
func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
