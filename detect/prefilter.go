package detect

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	// coregx/ahocorasick: compiles a flat DFA (fastest of the candidates we
	// measured: 566 MB/s vs 482 for BobuSumisu and 258 for petar-dambovaliev
	// on 4 MB of code with our keywords), reports overlapping matches with a
	// pattern id, has no dependencies and is actively released (v0.3.1, 2026).
	"github.com/coregx/ahocorasick"
)

// prefilterChunk is how much text is lowercased at a time for the keyword
// automaton: small enough to stay in cache and to need no copy of the
// whole text, large enough that per-chunk costs vanish.
const prefilterChunk = 32 << 10

// stemLen is how many leading bytes of each keyword the automaton holds;
// a stem hit is checked against its full keywords with a byte comparison,
// so the keyword hits are the same whatever it is. Short stems make a
// smaller automaton, quicker to build, but more hits to check: with the
// 1,296 built-in keywords, 5-byte stems make 2,614 states and 6.6 matches
// per KB of generated code ("conte" of contentful in every "context"),
// 8-byte stems 4,746 states and 1.8 per KB, whole keywords 6,677 states
// and 1.0 per KB. Finding the keywords in 40 MB took 189, 115 and 121 ms,
// the builds about 4, 5 and 10 ms; a hook builds it while git computes
// the diff (Warm).
const stemLen = 8

// prefilter finds the rules' keywords in text. It is built on first use
// (see automaton): building it costs more than everything else New does,
// and an Engine that scans nothing, or is built only to validate a
// configuration, should not pay for it.
type prefilter struct {
	keywords   []string // distinct keywords, lower case
	byKeyword  [][]int  // keyword id -> indexes into rules
	maxKeyword int      // longest keyword, in bytes
	stems      []string // distinct keyword stems; automaton pattern id -> stem
	byStem     [][]int  // stem id -> ids of the keywords it begins

	once sync.Once
	ac   *ahocorasick.Automaton // nil when no rule has a keyword
}

// scratch holds one scan's buffers; engines pool them across scans.
type scratch struct {
	lower   []byte      // a lowercased chunk of the text
	hits    [][]int     // per rule: offsets where one of its keywords starts
	touched []int       // the rules with hits, each once
	named   []int       // the context rules the file's name names (see Engine.ScanFile)
	isNamed []bool      // per rule: in named
	cands   []candidate // regex matches that passed the filters
}

// automaton returns the keyword automaton, building it and the keyword
// index on first use; nil when no rule has a keyword.
func (e *Engine) automaton() *ahocorasick.Automaton {
	e.once.Do(e.buildPrefilter)
	return e.ac
}

// Warm starts building the keyword automaton in the background, for a
// caller about to wait on something else (git computing the staged diff):
// the first scan then finds it built, or waits for less. Calling it more
// than once, or never, is fine.
func (e *Engine) Warm() {
	go e.automaton()
}

// buildPrefilter gives every distinct keyword an id, lists its rules, and
// puts the keywords' stems into one automaton.
func (e *Engine) buildPrefilter() {
	n := 0
	for _, r := range e.rules {
		n += len(r.keywords)
	}
	ids := make(map[string]int, n)
	stemIDs := make(map[string]int, n)
	for ri, r := range e.rules {
		for _, k := range r.keywords {
			id, ok := ids[k]
			if !ok {
				id = len(e.keywords)
				ids[k] = id
				e.keywords = append(e.keywords, k)
				e.byKeyword = append(e.byKeyword, nil)
				e.maxKeyword = max(e.maxKeyword, len(k))
				stem := k[:min(len(k), stemLen)]
				sid, ok := stemIDs[stem]
				if !ok {
					sid = len(e.stems)
					stemIDs[stem] = sid
					e.stems = append(e.stems, stem)
					e.byStem = append(e.byStem, nil)
				}
				e.byStem[sid] = append(e.byStem[sid], id)
			}
			if rs := e.byKeyword[id]; len(rs) == 0 || rs[len(rs)-1] != ri {
				e.byKeyword[id] = append(rs, ri)
			}
		}
	}
	if len(e.stems) == 0 {
		return
	}
	ac, err := ahocorasick.NewBuilder().AddStrings(e.stems).Build()
	if err != nil {
		// Keywords are validated non-empty in New, the only way Build fails.
		panic(fmt.Sprintf("detect: build keyword prefilter: %v", err))
	}
	e.ac = ac
}

func (e *Engine) getScratch() *scratch { return e.scratch.Get().(*scratch) }

// putScratch empties sc for the next scan, dropping buffers a huge input
// grew so that the pool does not keep them alive.
func (e *Engine) putScratch(sc *scratch) {
	const keep = 1 << 16
	for _, i := range sc.touched {
		if h := sc.hits[i]; cap(h) > keep {
			sc.hits[i] = nil
		} else {
			sc.hits[i] = h[:0]
		}
	}
	sc.touched = sc.touched[:0]
	for _, i := range sc.named {
		sc.isNamed[i] = false
	}
	sc.named = sc.named[:0]
	if cap(sc.cands) > keep {
		sc.cands = nil
	}
	e.scratch.Put(sc)
}

// findKeywords records in sc.hits, per rule, the offsets where one of its
// keywords starts, matched ASCII-case-insensitively: the automaton finds the
// keywords' stems, and each stem hit is checked against the keywords that
// begin with it. The text is lowercased
// a chunk at a time; chunks overlap by the longest keyword less one byte,
// and a match belongs to the chunk it starts in, so each is seen once.
func (e *Engine) findKeywords(text []byte, sc *scratch) {
	ac := e.automaton()
	if ac == nil {
		return
	}
	for start := 0; start < len(text); start += prefilterChunk {
		end := min(start+prefilterChunk+e.maxKeyword-1, len(text))
		sc.lower = lowerInto(sc.lower, text[start:end])
		for _, m := range ac.FindAllOverlapping(sc.lower) {
			if m.Start >= prefilterChunk {
				continue // the next chunk reports it
			}
			off := start + m.Start
			rest := sc.lower[m.End:]
			for _, kid := range e.byStem[m.PatternID] {
				tail := e.keywords[kid][m.End-m.Start:]
				if len(tail) > len(rest) || string(rest[:len(tail)]) != tail {
					continue
				}
				for _, ri := range e.byKeyword[kid] {
					h := sc.hits[ri]
					if len(h) == 0 {
						sc.touched = append(sc.touched, ri)
					}
					if len(h) == 0 || h[len(h)-1] != off {
						sc.hits[ri] = append(h, off)
					}
				}
			}
		}
	}
}

// namedBy records in sc.named the context rules one of whose keywords
// occurs in base, a lowercased file name: every api_key in datadog.yaml is
// Datadog's (see Engine.ScanFile).
func (e *Engine) namedBy(base string, sc *scratch) {
	ac := e.automaton()
	if ac == nil {
		return
	}
	name := []byte(base)
	for _, m := range ac.FindAllOverlapping(name) {
		rest := name[m.End:]
		for _, kid := range e.byStem[m.PatternID] {
			tail := e.keywords[kid][m.End-m.Start:]
			if len(tail) > len(rest) || string(rest[:len(tail)]) != tail {
				continue
			}
			for _, ri := range e.byKeyword[kid] {
				if e.rules[ri].context > 0 && !sc.isNamed[ri] {
					sc.isNamed[ri] = true
					sc.named = append(sc.named, ri)
				}
			}
		}
	}
}

// lowerInto writes src with ASCII letters lowercased into dst's storage and
// returns it. Only ASCII folds, so offsets are unchanged. Eight bytes at a
// time: a byte is an upper-case letter when its top bit is clear and its low
// seven bits lie in 'A'..'Z', which two additions test for all eight at once.
func lowerInto(dst, src []byte) []byte {
	dst = slices.Grow(dst[:0], len(src))[:len(src)]
	const (
		high  = 0x8080808080808080
		fromA = 0x3f3f3f3f3f3f3f3f // 0x80 - 'A': sets the top bit from 'A' up
		pastZ = 0x2525252525252525 // 0x7f - 'Z': sets the top bit past 'Z'
	)
	i := 0
	for ; i+8 <= len(src); i += 8 {
		x := binary.LittleEndian.Uint64(src[i:])
		low := x &^ high
		upper := (low + fromA) &^ (low + pastZ) &^ x & high
		binary.LittleEndian.PutUint64(dst[i:], x|upper>>2)
	}
	for ; i < len(src); i++ {
		c := src[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
	return dst
}
