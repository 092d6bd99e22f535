package scan

import (
	"bytes"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/reader"
)

// decodeDepth is how many layers of encoding are undone: a Kubernetes
// Secret holding a base64 Docker config whose auth is base64 again is two.
const decodeDepth = 2

// hit is a finding in a scanned text, and how its secret was stored there.
type hit struct {
	detect.Finding
	encoding string // "" when found as stored
}

// scanText scans text as stored, then the values reader.Decode finds
// encoded in it; a decoded value's finding is placed at the encoded span.
// Where a finding as stored and a decoded one overlap, the decoded one
// stands only when it names a provider and the stored one is generic.
func scanText(engine *detect.Engine, name string, text []byte) []hit {
	return new(decoding).scanText(engine, name, text)
}

// decoding is one scanner's memory for the values it decodes, reused from
// one text to the next: a decoder and a joined text for each layer.
type decoding struct {
	layers [decodeDepth]struct {
		dec           reader.Decoder
		joined        []byte
		starts, lines []int
	}
}

// scanText is the package's scanText, in dc's memory.
func (dc *decoding) scanText(engine *detect.Engine, name string, text []byte) []hit {
	budget := reader.BudgetFor(len(text))
	defer dc.shrink()
	return dc.scanDecoded(engine, name, text, decodeDepth, &budget)
}

// maxKept bounds the memory a decoding keeps per layer between texts: a
// text with many encoded values (a large fixture in a history) grows it to
// megabytes, which the small texts after it do not need.
const maxKept = 256 << 10

// shrink lets go of what a layer holds beyond maxKept.
func (dc *decoding) shrink() {
	for i := range dc.layers {
		l := &dc.layers[i]
		l.dec.Shrink(maxKept)
		if cap(l.joined)+8*(cap(l.starts)+cap(l.lines)) > maxKept {
			l.joined, l.starts, l.lines = nil, nil, nil
		}
	}
}

func (dc *decoding) scanDecoded(engine *detect.Engine, name string, text []byte, depth int, budget *reader.Budget) []hit {
	var hits []hit
	for _, f := range engine.ScanFile(name, text) {
		hits = append(hits, hit{Finding: f})
	}
	if depth == 0 {
		return hits
	}
	stored := len(hits)
	dropped := make([]bool, stored)
	layer := &dc.layers[depth-1]
	decoded := layer.dec.Decode(text, detect.IsGenerated(name), budget)
	if len(decoded) == 0 {
		return hits
	}
	// The decoded lines are scanned as one text, each on lines of its own:
	// one engine call rather than one per value (each costs a pass over
	// the rules), and the next layer of encoding is looked for in all of
	// them at once.
	size := 0
	for _, d := range decoded {
		size += len(d.Text) + 1
	}
	joined, starts := slices.Grow(layer.joined[:0], size), layer.starts[:0]
	for _, d := range decoded {
		starts = append(starts, len(joined))
		joined = append(append(joined, d.Text...), '\n')
	}
	lines := lineStarts(layer.lines[:0], joined)
	layer.joined, layer.starts, layer.lines = joined, starts, lines
	for _, h := range dc.scanDecoded(engine, name, joined, depth-1, budget) {
		at := offsetIn(joined, lines, h.Line, h.Column)
		i := sort.SearchInts(starts, at+1) - 1
		d := decoded[i]
		at -= starts[i]
		if at < d.Lo || at >= d.Hi {
			continue // outside the value: the line as stored has it
		}
		keep := true
		for k := range stored {
			s := &hits[k]
			if s.Line != d.Line || s.EndColumn <= d.Col || s.Column >= d.EndCol {
				continue
			}
			if s.Rule.Generic() && !h.Rule.Generic() {
				dropped[k] = true
			} else {
				keep = false
			}
		}
		if !keep {
			continue
		}
		col, end := d.Column(at-d.Lo), d.EndCol
		if e := offsetIn(joined, lines, h.Line, h.EndColumn) - starts[i]; e <= d.Hi {
			end = d.Column(e - d.Lo)
		}
		if end <= col {
			end = d.EndCol // base64 or a key block: the whole encoded span is the place
		}
		for _, o := range hits[stored:] {
			// The same secret found through two readings of one value (a
			// HAR header's base64, decoded as is and as a name/value pair)
			// is one finding.
			if o.Line == d.Line && (o.Column == d.Col || o.Column == col) && o.Fingerprint == h.Fingerprint {
				keep = false
			}
		}
		if !keep {
			continue
		}
		enc := d.Kind
		if h.encoding != "" {
			enc = h.encoding + " in " + d.Kind
		}
		h.Line, h.Column, h.EndColumn, h.encoding = d.Line, col, max(end, col+1), enc
		hits = append(hits, h)
	}
	out := hits[:0]
	for i, h := range hits {
		if i < stored && dropped[i] {
			continue
		}
		out = append(out, h)
	}
	return out
}

// lineStarts appends the offset of each line of text to starts.
func lineStarts(starts []int, text []byte) []int {
	starts = append(starts, 0)
	for at := 0; ; {
		i := bytes.IndexByte(text[at:], '\n')
		if i < 0 {
			return starts
		}
		at += i + 1
		starts = append(starts, at)
	}
}

// offsetIn returns the byte offset in text of a 1-based line and rune
// column, given the text's line starts.
func offsetIn(text []byte, starts []int, line, col int) int {
	if line < 1 || line > len(starts) {
		return len(text)
	}
	at := starts[line-1]
	for ; col > 1 && at < len(text); col-- {
		_, size := utf8.DecodeRune(text[at:])
		at += size
	}
	return at
}
