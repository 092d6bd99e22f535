package reader

import (
	"unicode/utf16"
	"unicode/utf8"
)

// unquoteJSON decodes the JSON string whose opening quote is at b[at]. It
// returns the decoded text, the offset just past the closing quote, and for
// each line of the decoded text the offset in b where its raw text starts.
// ok is false for a string that is not valid JSON or not closed.
func unquoteJSON(b []byte, at int) (text []byte, end int, starts []int, ok bool) {
	if at >= len(b) || b[at] != '"' {
		return nil, 0, nil, false
	}
	i := at + 1
	starts = []int{i}
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return text, i + 1, starts, true
		case c < 0x20:
			return nil, 0, nil, false // JSON forbids raw control characters
		case c != '\\':
			text = append(text, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return nil, 0, nil, false
		}
		switch b[i+1] {
		case '"', '\\', '/':
			text = append(text, b[i+1])
		case 'b':
			text = append(text, '\b')
		case 'f':
			text = append(text, '\f')
		case 'n':
			text = append(text, '\n')
			i += 2
			starts = append(starts, i)
			continue
		case 'r':
			text = append(text, '\r')
		case 't':
			text = append(text, '\t')
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok {
				return nil, 0, nil, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if lo, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			text = utf8.AppendRune(text, r)
			continue
		default:
			return nil, 0, nil, false
		}
		i += 2
	}
	return nil, 0, nil, false
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
