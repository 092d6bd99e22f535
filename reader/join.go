package reader

import "bytes"

// Operators that join two string literals on one line: `"sk_" + "…"` in
// most languages, `'sk_' . '…'` in PHP and Perl.
var (
	plusJoinDQ = []byte(`" + "`)
	plusJoinSQ = []byte(`' + '`)
	dotJoinSQ  = []byte(`' . '`)
	dotJoinDQ  = []byte(`" . "`)
)

// joinLiterals reads a key split over string literals joined on one line
// (`const apiKey = "sk_" + "…";`), as code does to keep a key from looking
// like one, as the literal it makes: `const apiKey = "sk_…";`. Only
// literals joined to each other are read, each run of them once; a
// variable between two ends the run.
func (d *decoder) joinLiterals(lineNo int, line []byte) {
	for i := 0; i < len(line) && d.left(); {
		q := line[i]
		if q != '"' && q != '\'' {
			i++
			continue
		}
		end, value, n := joinedRun(line, i)
		if n >= 2 && len(value) >= minDecoded*2 {
			d.take("concatenated", lineNo, line, i+1, end-1, value)
		}
		i = end
	}
}

// joinedRun reads the literals from the one opening at line[start] (a quote)
// for as long as each is joined to the next by "+" or "." with the same
// quote: it returns the offset just after the last closing quote, the
// literals' contents joined, and how many there were (0 when the literal
// at start does not close on the line, or holds a backslash).
func joinedRun(line []byte, start int) (end int, value []byte, n int) {
	q := line[start]
	end = start + 1
	for at := start; ; {
		close := bytes.IndexByte(line[at+1:], q)
		if close < 0 || bytes.IndexByte(line[at+1:at+1+close], '\\') >= 0 {
			if n == 0 {
				return start + 1, nil, 0
			}
			return end, value, n
		}
		value = append(value, line[at+1:at+1+close]...)
		n++
		end = at + 2 + close
		j := end
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j >= len(line) || line[j] != '+' && line[j] != '.' {
			return end, value, n
		}
		j++
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j >= len(line) || line[j] != q {
			return end, value, n
		}
		at = j
	}
}
