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

// A prefilter holds the leading bytes, the stems, of the keywords; a stem
// hit is checked against its full keywords with a byte comparison, so the
// keyword hits are the same whatever the stems' length. Two kinds find the
// stems. A stem set (stemSet) looks up each position's next bytes in a
// table: it is built in well under a millisecond, where an automaton of
// the 848 four-byte stems of the 1,301 built-in keywords took a new
// process 7 ms of building and about as much again in page faults and
// garbage collection, most of a typical commit's scan. The automaton of
// 8-byte stems (coregx/ahocorasick) is a little faster: on 16 MB of a
// generated commit's diff it runs at 390 MB/s and finds 79,000 stems,
// where the stem set runs at 300 MB/s and finds 712,000 ("cont" is in
// every "context"), each then checked against its keywords; but building
// it costs 20 to 30 ms of CPU, which pays for itself only after about
// 30 MB. So an engine starts with the stem set of stems of up to
// quickStemLen bytes, enough for nearly every commit, and builds the
// automaton of fullStemLen-byte stems in the background once it has
// scanned fullAfter bytes (a history, a vendored tree).
const (
	quickStemLen = 4
	fullStemLen  = 8
	fullAfter    = 32 << 20
)

// prefilter finds the rules' keywords in text. It is built on first use
// (see prefilterFor), so that an Engine that scans nothing, or is built
// only to validate a configuration, does not pay for it.
// A built prefilter is never modified, so engines with the same rules in
// the same order (the built-in catalogue alone, the common case) share one.
type prefilter struct {
	keywords   []string // distinct keywords, lower case
	byKeyword  [][]int  // keyword id -> indexes into rules
	maxKeyword int      // longest keyword, in bytes
	stems      []string // distinct keyword stems; stem id (match pattern id) -> stem
	byStem     [][]int  // stem id -> ids of the keywords it begins

	// One of these finds the stems; both are nil when no rule has a
	// keyword.
	ac  *ahocorasick.Automaton // stems of fullStemLen bytes
	set *stemSet               // stems of at most quickStemLen bytes
}

// empty reports whether no rule has a keyword.
func (pf *prefilter) empty() bool { return pf.ac == nil && pf.set == nil }

// find appends to buf every occurrence of a stem in lower, overlapping
// ones included, and returns it.
func (pf *prefilter) find(lower []byte, buf []ahocorasick.Match) []ahocorasick.Match {
	if pf.set != nil {
		return pf.set.find(lower, buf)
	}
	if pf.ac != nil {
		return append(buf, pf.ac.FindAllOverlapping(lower)...)
	}
	return buf
}

// stemSet finds stems of one to four bytes by looking up, at each position
// of the text, the byte there and the next two, three and four bytes. Most
// stems have four bytes: a bit per hash of four bytes (quad) tells at one
// load whether a position can begin one, so the table of stems (slots) is
// only probed at about one position in twenty of code.
type stemSet struct {
	single [256]int32 // per byte: id+1 of the one-byte stem it is, 0 for none
	hasOne bool       // some stem is one byte long
	// short tells, per leading byte pair, which lengths of stems of two
	// or three bytes begin with it: bit n-2 for n bytes.
	short [1 << 16]uint8
	// quad has the bit quadBit of each four-byte stem set.
	quad *[1 << quadBits / 64]uint64
	// slots is an open-addressing hash table of the stems of 2 to 4
	// bytes: their stemKey and id, at stemSlot of the key or after it.
	slots []stemSlotEntry
	shift uint // 64 - log2(len(slots))
}

// quadBits is log2 of the bits in stemSet.quad: 2^18 bits (32 KiB, which
// stays in cache) for the 813 four-byte built-in stems keep false hits
// rare.
const quadBits = 18

// quadBit is the bit of stemSet.quad for four bytes, w little endian.
func quadBit(w uint32) uint32 {
	return (w * 0x9e3779b1) >> (32 - quadBits)
}

type stemSlotEntry struct {
	key uint64 // stemKey; 0 for an empty slot (a key holds its length)
	id  int32
}

// slot is where the search for key starts.
func (s *stemSet) slot(key uint64) int {
	return int((key * 0x9e3779b97f4a7c15) >> s.shift)
}

// lookup returns the id of the stem with key.
func (s *stemSet) lookup(key uint64) (int32, bool) {
	mask := len(s.slots) - 1
	for i := s.slot(key); ; i = (i + 1) & mask {
		switch e := s.slots[i]; e.key {
		case key:
			return e.id, true
		case 0:
			return 0, false
		}
	}
}

// stemKey packs up to four bytes and their count into a map key.
func stemKey(b []byte) uint64 {
	k := uint64(len(b)) << 32
	for i, c := range b {
		k |= uint64(c) << (8 * i)
	}
	return k
}

// newStemSet indexes stems, each one to four bytes long; the id of a stem
// is its index.
func newStemSet(stems []string) *stemSet {
	size, shift := 16, uint(60)
	for size < 4*len(stems) { // at most a quarter full: short probes
		size, shift = size*2, shift-1
	}
	s := &stemSet{slots: make([]stemSlotEntry, size), shift: shift, quad: new([1 << quadBits / 64]uint64)}
	for id, st := range stems {
		switch n := len(st); {
		case n == 1:
			s.single[st[0]] = int32(id) + 1
			s.hasOne = true
			continue
		case n < 4:
			s.short[uint16(st[0])|uint16(st[1])<<8] |= 1 << (n - 2)
		case n == 4:
			b := quadBit(binary.LittleEndian.Uint32([]byte(st)))
			s.quad[b/64] |= 1 << (b % 64)
		default:
			panic(fmt.Sprintf("detect: stem %q longer than %d bytes", st, quickStemLen))
		}
		key := stemKey([]byte(st))
		i := s.slot(key)
		for s.slots[i].key != 0 {
			i = (i + 1) & (size - 1)
		}
		s.slots[i] = stemSlotEntry{key: key, id: int32(id)}
	}
	return s
}

// find appends every occurrence of a stem in lower to buf, in order of
// their start, shorter first.
func (s *stemSet) find(lower []byte, buf []ahocorasick.Match) []ahocorasick.Match {
	n := len(lower)
	i := 0
	// Locals and fixed-size tables: no bounds checks, no reloads.
	quad, short, hasOne := s.quad, &s.short, s.hasOne
	for ; i+4 <= n; i++ {
		if hasOne {
			buf = s.findOne(lower, i, buf)
		}
		w := binary.LittleEndian.Uint32(lower[i : i+4])
		if m := short[uint16(w)]; m != 0 {
			buf = s.findShort(uint64(w), m, i, n, buf)
		}
		if b := quadBit(w); quad[b/64]&(1<<(b%64)) != 0 {
			if id, ok := s.lookup(uint64(w) | 4<<32); ok {
				buf = append(buf, ahocorasick.Match{PatternID: int(id), Start: i, End: i + 4})
			}
		}
	}
	for ; i < n; i++ { // the last three positions: no four-byte stem fits
		if s.hasOne {
			buf = s.findOne(lower, i, buf)
		}
		if i+1 < n {
			w := stemKey(lower[i:]) & 0xffffffff
			buf = s.findShort(w, s.short[uint16(w)], i, n, buf)
		}
	}
	return buf
}

// findOne appends the one-byte stem at lower[i], if it is one.
func (s *stemSet) findOne(lower []byte, i int, buf []ahocorasick.Match) []ahocorasick.Match {
	if id := s.single[lower[i]]; id != 0 {
		buf = append(buf, ahocorasick.Match{PatternID: int(id - 1), Start: i, End: i + 1})
	}
	return buf
}

// findShort appends the two- and three-byte stems at position i of a text
// of n bytes, whose next bytes are w (little endian) and whose leading
// pair has the short bits m.
func (s *stemSet) findShort(w uint64, m uint8, i, n int, buf []ahocorasick.Match) []ahocorasick.Match {
	for l := 2; m != 0 && i+l <= n; l++ {
		if m&1 != 0 {
			if id, ok := s.lookup(w&(1<<(8*l)-1) | uint64(l)<<32); ok {
				buf = append(buf, ahocorasick.Match{PatternID: int(id), Start: i, End: i + l})
			}
		}
		m >>= 1
	}
	return buf
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
// The quick one is generated into prefilter_gen.go, static data that costs
// a process nothing to set up: building it took 3 to 4 ms of CPU at every
// hook's start, mostly page faults on its fresh tables and maps (perf, on
// the two-CPU virtual machine of docs/performance.md). It is built as
// before when the catalogue's keywords are not those it was generated from.
func builtinPrefilter(stemLen int) *prefilter {
	once, pf := &sharedBuiltin.quickOnce, &sharedBuiltin.quick
	if stemLen != quickStemLen {
		once, pf = &sharedBuiltin.fullOnce, &sharedBuiltin.full
	}
	once.Do(func() {
		kws := builtinKeywords()
		if stemLen == quickStemLen && keywordsSum(kws) == generatedQuickSum {
			*pf = &generatedQuick
			return
		}
		*pf = buildPrefilter(kws, stemLen)
	})
	return *pf
}

// keywordsSum is a checksum (FNV-1a) of rules' keywords, in order: the
// generated stem set prefilter (prefilter_gen.go) stands for the built-in
// one only while the keywords it was built from are the catalogue's.
func keywordsSum(keywords [][]string) uint64 {
	// FNV-1a by hand: hash/fnv would copy each keyword into a []byte, and
	// this runs at every hook's start.
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	add := func(c byte) { h = (h ^ uint64(c)) * prime }
	for _, kws := range keywords {
		add(0xff)
		for _, k := range kws {
			for i := range len(k) {
				add(k[i])
			}
			add(0)
		}
	}
	return h
}

// builtinKeywords lists the keywords of the built-in rules in the order an
// engine of the built-in catalogue alone holds its rules (see newEngine):
// the generic rules last, each group in catalogue order. Reading them from
// the catalogue spares the prefilter an engine of its own.
func builtinKeywords() [][]string {
	out := make([][]string, 0, len(builtinRules))
	for _, generic := range []bool{false, true} {
		for i := range builtinRules {
			if builtinRules[i].Generic == generic {
				out = append(out, builtinRules[i].Keywords)
			}
		}
	}
	return out
}

// WarmBuiltin starts building the built-in catalogue's keyword prefilter
// (the stem set) in the background, before the configuration that says
// whether it will do is read: a hook starts it first thing, so that it is
// built while git starts. An engine with user or disabled rules builds its
// own.
func WarmBuiltin() {
	go builtinPrefilter(quickStemLen)
}

// scratch holds one scan's buffers; engines pool them across scans.
type scratch struct {
	lower   []byte              // a lowercased chunk of the text
	hits    [][]int             // per rule: offsets where one of its keywords starts
	touched []int               // the rules with hits, each once
	named   []int               // the context rules the file's name names (see Engine.ScanFile)
	isNamed []bool              // per rule: in named
	cands   []candidate         // regex matches that passed the filters
	matches []ahocorasick.Match // stem hits in a chunk
}

// hasKeywords builds the prefilter if need be and reports whether any
// rule has a keyword.
func (e *Engine) hasKeywords() bool {
	return !e.prefilterFor(0).empty()
}

// prefilterFor returns the prefilter for a scan of n bytes: the quick one,
// built on first use, until the engine has scanned fullAfter bytes, then
// the full one, once its background build is done.
func (e *Engine) prefilterFor(n int) *prefilter {
	e.quickOnce.Do(func() {
		if e.builtinOnly {
			e.quick = builtinPrefilter(quickStemLen)
		} else {
			e.quick = buildPrefilter(ruleKeywords(e.rules), quickStemLen)
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
					e.full.Store(buildPrefilter(ruleKeywords(e.rules), fullStemLen))
				}
			}()
		})
	}
	return e.quick
}

// Warm starts building the keyword prefilter in the background, for a
// caller about to wait on something else (git computing the staged diff):
// the first scan then finds it built. Calling it more than once, or never,
// is fine.
func (e *Engine) Warm() {
	go e.hasKeywords()
}

// ruleKeywords lists each rule's keywords, in the rules' order.
func ruleKeywords(rules []*Rule) [][]string {
	out := make([][]string, len(rules))
	for i, r := range rules {
		out[i] = r.keywords
	}
	return out
}

// buildPrefilter gives every distinct keyword an id, lists the rules it
// belongs to (keywords[i] are rule i's), and indexes the keywords' stems,
// of stemLen bytes: in a stem set for quickStemLen, else in an automaton.
func buildPrefilter(keywords [][]string, stemLen int) *prefilter {
	pf := &prefilter{}
	n := 0
	for _, kws := range keywords {
		n += len(kws)
	}
	ids := make(map[string]int, n)
	stemIDs := make(map[string]int, n)
	for ri, kws := range keywords {
		for _, k := range kws {
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
	switch {
	case len(pf.stems) == 0:
	case stemLen <= quickStemLen:
		pf.set = newStemSet(pf.stems)
	default:
		ac, err := ahocorasick.NewBuilder().AddStrings(pf.stems).Build()
		if err != nil {
			// Keywords are validated non-empty in New, the only way Build fails.
			panic(fmt.Sprintf("detect: build keyword prefilter: %v", err))
		}
		pf.ac = ac
	}
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
	if cap(sc.matches) > keep {
		sc.matches = nil
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
	if pf.empty() {
		return
	}
	for start := 0; start < len(text); start += prefilterChunk {
		end := min(start+prefilterChunk+pf.maxKeyword-1, len(text))
		sc.lower = lowerInto(sc.lower, text[start:end])
		sc.matches = pf.find(sc.lower, sc.matches[:0])
		for _, m := range sc.matches {
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
	if pf.empty() {
		return
	}
	name := []byte(base)
	sc.matches = pf.find(name, sc.matches[:0])
	for _, m := range sc.matches {
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
