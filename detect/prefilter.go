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

// An automaton holds the leading bytes, the stems, of the keywords; a stem
// hit is checked against its full keywords with a byte comparison, so the
// keyword hits are the same whatever the stems' length. Short stems make an
// automaton quick to build but more hits to check; long ones the reverse.
// With the 1,296 built-in keywords, a new process builds 3-byte stems in
// 4 ms, 4-byte ones in 7 ms, 5-byte ones in 9 ms and 8-byte ones in 20 ms;
// in 40 MB of generated code they match 4.6 million, 1.8 million, 770,000
// and 210,000 times, and the automaton alone takes 2.3 s, 0.28 s, 0.11 s
// and 0.10 s ("con" and "conte" match every "context"). So an engine
// starts with quickStemLen, enough for a commit's few files, and builds the
// fullStemLen automaton in the background once it has scanned fullAfter
// bytes (a large commit, a history).
const (
	quickStemLen = 4
	fullStemLen  = 8
	fullAfter    = 1 << 20
)

// prefilter finds the rules' keywords in text. It is built on first use
// (see prefilterFor): building it costs more than everything else New does,
// and an Engine that scans nothing, or is built only to validate a
// configuration, should not pay for it.
// A built prefilter is never modified, so engines with the same rules in
// the same order (the built-in catalogue alone, the common case) share one.
type prefilter struct {
	keywords   []string // distinct keywords, lower case
	byKeyword  [][]int  // keyword id -> indexes into rules
	maxKeyword int      // longest keyword, in bytes
	stems      []string // distinct keyword stems; automaton pattern id -> stem
	byStem     [][]int  // stem id -> ids of the keywords it begins

	ac *ahocorasick.Automaton // nil when no rule has a keyword
}

// sharedBuiltin holds the prefilters of the built-in catalogue alone,
// built once per process and shared by every engine without user or
// disabled rules.
var sharedBuiltin struct {
	quickOnce, fullOnce sync.Once
	quick, full         *prefilter
}

// builtinPrefilter returns the built-in catalogue's prefilter with stems
// of stemLen bytes (quickStemLen or fullStemLen), building it on first use.
func builtinPrefilter(stemLen int) *prefilter {
	once, pf := &sharedBuiltin.quickOnce, &sharedBuiltin.quick
	if stemLen != quickStemLen {
		once, pf = &sharedBuiltin.fullOnce, &sharedBuiltin.full
	}
	once.Do(func() {
		e, err := newEngine(builtinRules, Options{})
		if err != nil {
			panic(fmt.Sprintf("detect: built-in catalogue: %v", err)) // TestBuiltinRulesCompile
		}
		*pf = buildPrefilter(e.rules, stemLen)
	})
	return *pf
}

// WarmBuiltin starts building the built-in catalogue's keyword automaton in
// the background, before the configuration that says whether it will do
// is read: a hook starts it first thing, so that it is built while git
// starts. An engine with user or disabled rules builds its own.
func WarmBuiltin() {
	go builtinPrefilter(quickStemLen)
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
	return e.prefilterFor(0).ac
}

// prefilterFor returns the prefilter for a scan of n bytes: the quick one,
// built on first use, until the engine has scanned fullAfter bytes, then
// the full one, once its background build is done.
func (e *Engine) prefilterFor(n int) *prefilter {
	e.quickOnce.Do(func() {
		if e.builtinOnly {
			e.quick = builtinPrefilter(quickStemLen)
		} else {
			e.quick = buildPrefilter(e.rules, quickStemLen)
		}
	})
	if pf := e.full.Load(); pf != nil {
		return pf
	}
	if e.scanned.Add(int64(n)) > fullAfter {
		e.fullOnce.Do(func() {
			go func() {
				if e.builtinOnly {
					e.full.Store(builtinPrefilter(fullStemLen))
				} else {
					e.full.Store(buildPrefilter(e.rules, fullStemLen))
				}
			}()
		})
	}
	return e.quick
}

// Warm starts building the keyword automaton in the background, for a
// caller about to wait on something else (git computing the staged diff):
// the first scan then finds it built, or waits for less. Calling it more
// than once, or never, is fine.
func (e *Engine) Warm() {
	go e.automaton()
}

// buildPrefilter gives every distinct keyword of rules an id, lists its
// rules, and puts the keywords' stems, of stemLen bytes, into one automaton.
func buildPrefilter(rules []*Rule, stemLen int) *prefilter {
	pf := &prefilter{}
	n := 0
	for _, r := range rules {
		n += len(r.keywords)
	}
	ids := make(map[string]int, n)
	stemIDs := make(map[string]int, n)
	for ri, r := range rules {
		for _, k := range r.keywords {
			id, ok := ids[k]
			if !ok {
				id = len(pf.keywords)
				ids[k] = id
				pf.keywords = append(pf.keywords, k)
				pf.byKeyword = append(pf.byKeyword, nil)
				pf.maxKeyword = max(pf.maxKeyword, len(k))
				stem := k[:min(len(k), stemLen)]
				sid, ok := stemIDs[stem]
				if !ok {
					sid = len(pf.stems)
					stemIDs[stem] = sid
					pf.stems = append(pf.stems, stem)
					pf.byStem = append(pf.byStem, nil)
				}
				pf.byStem[sid] = append(pf.byStem[sid], id)
			}
			if rs := pf.byKeyword[id]; len(rs) == 0 || rs[len(rs)-1] != ri {
				pf.byKeyword[id] = append(rs, ri)
			}
		}
	}
	if len(pf.stems) == 0 {
		return pf
	}
	ac, err := ahocorasick.NewBuilder().AddStrings(pf.stems).Build()
	if err != nil {
		// Keywords are validated non-empty in New, the only way Build fails.
		panic(fmt.Sprintf("detect: build keyword prefilter: %v", err))
	}
	pf.ac = ac
	return pf
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
	pf := e.prefilterFor(len(text))
	ac := pf.ac
	if ac == nil {
		return
	}
	for start := 0; start < len(text); start += prefilterChunk {
		end := min(start+prefilterChunk+pf.maxKeyword-1, len(text))
		sc.lower = lowerInto(sc.lower, text[start:end])
		for _, m := range ac.FindAllOverlapping(sc.lower) {
			if m.Start >= prefilterChunk {
				continue // the next chunk reports it
			}
			off := start + m.Start
			pf.eachKeyword(sc.lower, m, func(kid int) {
				for _, ri := range pf.byKeyword[kid] {
					h := sc.hits[ri]
					if len(h) == 0 {
						sc.touched = append(sc.touched, ri)
					}
					if len(h) == 0 || h[len(h)-1] != off {
						sc.hits[ri] = append(h, off)
					}
				}
			})
		}
	}
}

// eachKeyword calls fn with the id of each keyword that the stem hit m in
// lower begins: those whose rest follows the stem there.
func (pf *prefilter) eachKeyword(lower []byte, m ahocorasick.Match, fn func(kid int)) {
	rest := lower[m.End:]
	for _, kid := range pf.byStem[m.PatternID] {
		tail := pf.keywords[kid][m.End-m.Start:]
		if len(tail) <= len(rest) && string(rest[:len(tail)]) == tail {
			fn(kid)
		}
	}
}

// namedBy records in sc.named the context rules one of whose keywords
// occurs in base, a lowercased file name: every api_key in datadog.yaml is
// Datadog's (see Engine.ScanFile).
func (e *Engine) namedBy(base string, sc *scratch) {
	pf := e.prefilterFor(0)
	if pf.ac == nil {
		return
	}
	name := []byte(base)
	for _, m := range pf.ac.FindAllOverlapping(name) {
		pf.eachKeyword(name, m, func(kid int) {
			for _, ri := range pf.byKeyword[kid] {
				if e.rules[ri].context > 0 && !sc.isNamed[ri] {
					sc.isNamed[ri] = true
					sc.named = append(sc.named, ri)
				}
			}
		})
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
