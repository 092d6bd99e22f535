package detect

import (
	"bytes"
	"cmp"
	"math"
	mathbits "math/bits"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file derives, from a rule's regex, cheap tests that let a scan
// skip most regex runs without changing what the regex finds (the third,
// required bytes, is described at requiredByte):
//
//   - a required run: every match holds n consecutive bytes from one byte
//     set (a 40-character key body, say), so a region without such a run
//     cannot match and a table lookup per byte rejects it;
//   - literal starts: every match begins with a literal that starts with one
//     of the rule's keywords, so the regex need only be tried, anchored, at
//     the keyword hits instead of at every byte of the line.

// byteSet is a set of bytes, one bit each.
type byteSet [4]uint64

func (s *byteSet) add(b byte)       { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool  { return s[b>>6]&(1<<(b&63)) != 0 }
func (s *byteSet) union(o *byteSet) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *byteSet) addRange(lo, hi byte) {
	for b := int(lo); b <= int(hi); {
		w, from := b>>6, b&63
		to := min(int(hi)-w<<6, 63) // last bit of the range in this word
		s[w] |= ^uint64(0) >> (63 - to + from) << from
		b = w<<6 + to + 1
	}
}

// addRune adds the bytes that can encode r: r itself if ASCII, otherwise
// every non-ASCII byte, since any byte of a multi-byte UTF-8 sequence is.
func (s *byteSet) addRune(r rune) {
	if r < utf8.RuneSelf {
		s.add(byte(r))
	} else {
		s.addRange(0x80, 0xff)
	}
}

// addRuneRange adds the bytes of every rune in lo..hi.
func (s *byteSet) addRuneRange(lo, hi rune) {
	if lo < utf8.RuneSelf {
		s.addRange(byte(lo), byte(min(hi, utf8.RuneSelf-1)))
	}
	if hi >= utf8.RuneSelf {
		s.addRange(0x80, 0xff)
	}
}

// run says that every match holds n consecutive bytes from set. A run made
// only of literal text (lit) is useless as a test: the keyword that let the
// regex run is that text.
type run struct {
	set byteSet
	n   int
	lit bool
}

// codeByteFreq is a rough share of each byte in source code, used only to
// choose the most selective of several required runs.
var codeByteFreq = func() (f [256]float64) {
	for b := range 256 {
		switch {
		case b == ' ':
			f[b] = 0.15
		case b == '\t':
			f[b] = 0.02
		case 'a' <= b && b <= 'z':
			f[b] = 0.5 / 26
		case 'A' <= b && b <= 'Z':
			f[b] = 0.08 / 26
		case '0' <= b && b <= '9':
			f[b] = 0.04 / 10
		case b > ' ' && b < 0x7f:
			f[b] = 0.2 / 32
		case b >= 0x80:
			f[b] = 0.01 / 128
		}
	}
	return f
}()

// score estimates how strongly a run rejects lines of code: -log of the odds
// that n given bytes all fall in the set. Higher is better.
func (r run) score() float64 {
	p := 0.0
	for w, bits := range r.set {
		for ; bits != 0; bits &= bits - 1 {
			p += codeByteFreq[w<<6|mathbits.TrailingZeros64(bits)]
		}
	}
	if r.n == 0 || p >= 1 {
		return 0
	}
	if p == 0 {
		return math.Inf(1) // no byte can match: nothing passes
	}
	return -float64(r.n) * math.Log(p)
}

// in reports whether b holds n consecutive bytes from the set.
func (r *run) in(b []byte) bool {
	n := max(r.n, 1) // no run asked: any byte of the set
	set := &r.set
	has := func(c byte) bool { return set[c>>6]&(1<<(c&63)) != 0 }
	// Any run of n bytes covers the last byte of the window starting at i,
	// so a window whose last byte is outside the set is skipped whole: no
	// run holding that byte starts at or before it. Before i there is a
	// byte outside the set (or nothing), so a run found at p starts at i
	// at the earliest.
	for i := 0; i+n <= len(b); {
		p := i + n - 1
		if !has(b[p]) {
			i = p + 1
			continue
		}
		start := p
		for start > i && has(b[start-1]) {
			start--
		}
		end := p + 1
		for end-start < n && end < len(b) && has(b[end]) {
			end++
		}
		if end-start >= n {
			return true
		}
		i = end + 1 // b[end] is outside the set
	}
	return false
}

// whole describes re when every string it matches is made only of bytes
// from set and is at least n bytes long; ok is false when re can match a
// byte that is not tracked (or has no useful shape).
func whole(re *syntax.Regexp) (r run, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return run{}, true
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			r.set.addRune(c)
			if re.Flags&syntax.FoldCase != 0 {
				for f := simpleFold(c); f != c; f = simpleFold(f) {
					r.set.addRune(f)
				}
			}
		}
		r.n = len(re.Rune)
		r.lit = true
		return r, true
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return run{}, false // matches nothing
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			r.set.addRuneRange(re.Rune[i], re.Rune[i+1])
		}
		r.n = 1
		return r, true
	case syntax.OpAnyCharNotNL:
		r.set.addRange(0, 0xff)
		r.set[0] &^= 1 << '\n'
		r.n = 1
		return r, true
	case syntax.OpAnyChar:
		r.set.addRange(0, 0xff)
		r.n = 1
		return r, true
	case syntax.OpCapture:
		return whole(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		sub, ok := whole(re.Sub[0])
		if !ok {
			return run{}, false
		}
		switch re.Op {
		case syntax.OpStar, syntax.OpQuest:
			sub.n = 0
		case syntax.OpRepeat:
			sub.n *= re.Min
		}
		return sub, true
	case syntax.OpConcat, syntax.OpAlternate:
		r.lit = true
		if re.Op == syntax.OpAlternate {
			r.n = math.MaxInt
		}
		for _, s := range re.Sub {
			w, ok := whole(s)
			if !ok {
				return run{}, false
			}
			r.set.union(&w.set)
			r.lit = r.lit && (w.lit || w.n == 0)
			if re.Op == syntax.OpConcat {
				r.n += w.n
			} else {
				r.n = min(r.n, w.n)
			}
		}
		return r, true
	}
	return run{}, false
}

// requiredRun returns the most selective run that every match of re holds;
// n is 0 when there is none.
func requiredRun(re *syntax.Regexp) run {
	best, bestScore := run{}, 0.0
	better := func(c run) {
		if c.n == 0 || c.lit {
			return
		}
		if sc := c.score(); sc > bestScore {
			best, bestScore = c, sc
		}
	}
	switch re.Op {
	case syntax.OpCapture:
		return requiredRun(re.Sub[0])
	case syntax.OpPlus:
		better(requiredRun(re.Sub[0]))
	case syntax.OpRepeat:
		if re.Min >= 1 {
			better(requiredRun(re.Sub[0]))
		}
	case syntax.OpConcat:
		// Each part's own run, and every stretch of consecutive parts whose
		// whole shape is known, merged into one run.
		shapes := make([]run, len(re.Sub))
		known := make([]bool, len(re.Sub))
		for i, s := range re.Sub {
			better(requiredRun(s))
			shapes[i], known[i] = whole(s)
		}
		for i := range re.Sub {
			var m run
			m.lit = true
			for j := i; j < len(re.Sub) && known[j]; j++ {
				m.set.union(&shapes[j].set)
				m.n += shapes[j].n
				m.lit = m.lit && (shapes[j].lit || shapes[j].n == 0)
				better(m)
			}
		}
	case syntax.OpAlternate:
		// Every branch needs its run: together they need the union of the
		// sets, at the shortest length.
		alt := run{n: math.MaxInt}
		for _, s := range re.Sub {
			b := requiredRun(s)
			if b.n == 0 {
				alt.n = 0
				break
			}
			alt.set.union(&b.set)
			alt.n = min(alt.n, b.n)
		}
		better(alt)
	}
	if w, ok := whole(re); ok {
		better(w)
	}
	return best
}

// maxShape bounds how many leading bytes a shape describes.
const maxShape = 48

// shape is what the first bytes of every match of a regex hold: byte i is
// in s[i]. A try of the regex at a place whose bytes do not fit costs a
// few table lookups instead of a regex run (most keyword hits of a short
// prefix such as "pat" are words like "path").
type shape []byteSet

// fits reports whether b starts with bytes that fit the shape.
func (s shape) fits(b []byte) bool {
	if len(b) < len(s) {
		return false
	}
	for i := range s {
		if !s[i].has(b[i]) {
			return false
		}
	}
	return true
}

// matchShape returns the shape of re's matches, as far as every match
// places the same byte sets at the same offsets: literal bytes, ASCII
// classes and fixed repeats of them; assertions take no byte. It ends at
// the first part of variable width (an alternation, an optional or open
// repeat), after the first byte of a class that holds non-ASCII runes.
// A case-insensitive literal's letters take both ASCII cases: the tries
// that test a shape run only where the Kelvin sign and long s are absent
// (see hasOddFold).
func matchShape(re *syntax.Regexp) shape {
	var s shape
	appendShape(re, &s)
	return s
}

// appendShape appends the byte sets re's matches start with to s and
// reports whether re has a fixed width that was appended whole, so that
// what follows re can be placed too.
func appendShape(re *syntax.Regexp, s *shape) bool {
	if len(*s) >= maxShape {
		return false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			if c >= utf8.RuneSelf || len(*s) >= maxShape {
				return false
			}
			var b byteSet
			b.add(byte(c))
			if re.Flags&syntax.FoldCase != 0 {
				b.add(lowerByte(byte(c)))
				b.add(upperByte(byte(c)))
			}
			*s = append(*s, b)
		}
		return true
	case syntax.OpCharClass:
		var b byteSet
		ascii := true
		for i := 0; i+1 < len(re.Rune); i += 2 {
			b.addRuneRange(re.Rune[i], re.Rune[i+1])
			ascii = ascii && re.Rune[i+1] < utf8.RuneSelf
		}
		*s = append(*s, b)
		return ascii
	case syntax.OpCapture:
		return appendShape(re.Sub[0], s)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !appendShape(sub, s) {
				return false
			}
		}
		return true
	case syntax.OpRepeat, syntax.OpPlus:
		least, most := re.Min, re.Max
		if re.Op == syntax.OpPlus {
			least, most = 1, -1
		}
		for range least {
			if !appendShape(re.Sub[0], s) {
				return false
			}
		}
		return least == most
	}
	return false
}

// maxStarts bounds how many literal starts the analysis tracks.
const maxStarts = 64

// literal is a string a match may start with; fold means any case.
type literal struct {
	s    string
	fold bool
}

// startLimits bound what prefixes enumerates.
type startLimits struct {
	class int // largest character class enumerated, in runes
	count int // most literals
	len   int // bytes kept of each literal; 0: all
}

// starts returns literals one of which begins every match of re, and
// whether each match is exactly one of them (so that what follows can
// extend them). It returns nil when re can start with anything else, or
// with an assertion whose context would lie before the match.
func starts(re *syntax.Regexp) (lits []literal, exact bool) {
	return prefixes(re, startLimits{class: 8, count: maxStarts})
}

// prefixes is starts within limits. With a length limit the literals are
// cut to that many bytes (and are then no longer exact); repeats are left
// in, which only costs a little room.
func prefixes(re *syntax.Regexp, lim startLimits) (lits []literal, exact bool) {
	cut := func(l literal) (literal, bool) {
		if lim.len > 0 && len(l.s) > lim.len {
			l.s = l.s[:lim.len]
			return l, false
		}
		return l, true
	}
	switch re.Op {
	case syntax.OpLiteral:
		l, whole := cut(literal{string(re.Rune), re.Flags&syntax.FoldCase != 0})
		return []literal{l}, whole
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > lim.class {
				return nil, false
			}
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
				lits = append(lits, literal{s: string(c)})
			}
		}
		return lits, len(lits) > 0
	case syntax.OpCapture:
		return prefixes(re.Sub[0], lim)
	case syntax.OpPlus:
		lits, _ = prefixes(re.Sub[0], lim)
		return lits, false
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		lits, exact = prefixes(re.Sub[0], lim)
		return lits, exact && re.Min == 1 && re.Max == 1
	case syntax.OpAlternate:
		exact = true
		for _, s := range re.Sub {
			l, e := prefixes(s, lim)
			if l == nil || len(lits)+len(l) > lim.count {
				return nil, false
			}
			lits = append(lits, l...)
			exact = exact && e
		}
		return lits, exact
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return nil, false
		}
		if re.Sub[0].Op == syntax.OpWordBoundary && len(re.Sub) > 1 {
			// A \b before literals that start with a word byte: the
			// literals start the match; whether the \b holds depends on the
			// byte before, which a try at that place tests (see afterWord).
			rest := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: re.Sub[1:]}
			lits, exact = prefixes(rest, lim)
			for _, l := range lits {
				if l.s == "" || !isWordByte(l.s[0]) {
					return nil, false
				}
			}
			return lits, exact
		}
		lits, exact = prefixes(re.Sub[0], lim)
		for _, s := range re.Sub[1:] {
			if lits == nil || !exact {
				break
			}
			next, e := prefixes(s, lim)
			if next == nil || len(lits)*len(next) > lim.count {
				return lits, false
			}
			joined := make([]literal, 0, len(lits)*len(next))
			for _, a := range lits {
				for _, b := range next {
					j, whole := cut(literal{a.s + b.s, a.fold || b.fold})
					e = e && whole
					joined = append(joined, j)
				}
			}
			lits, exact = joined, e
		}
		return lits, exact
	}
	return nil, false
}

// anchorInfo says whether a rule's regex can be tried only at keyword hits.
type anchorInfo struct {
	ok bool
	// wordStart: the regex opens with \b and every literal start begins with
	// a word byte, so a hit preceded by a word byte cannot start a match.
	wordStart bool
	// fold: some literal start matches in any case; the Kelvin sign and the
	// long s fold to k and s but are not ASCII, so regions holding one take
	// the unanchored search (see hasOddFold).
	fold bool
	// boundary: the regex opens with "(?:(?m:^)|[class])", a line start or
	// one byte of before, as prefixed keys are written to reject a prefix
	// glued to other text; rest is the regex after it. The boundary is then
	// tested on the byte before a hit and rest tried, anchored, at the hit.
	boundary bool
	before   byteSet
	rest     *syntax.Regexp
	// afterWord is the regex tried (anchored) at a hit just after a word
	// byte, when a \b inside it starts a match (see afterWord); nil when
	// the regex itself is tried everywhere. A prepared rule keeps both as
	// patterns (Rule.restPattern, Rule.awPattern), as go generate writes them.
	afterWord *syntax.Regexp
}

// anchorable reports whether every match of re begins, after an optional
// leading \b or boundary (see anchorInfo), with a literal that starts
// with one of keywords (lowercase): then the keyword prefilter sees every
// place a match can start.
func anchorable(re *syntax.Regexp, keywords []string) anchorInfo {
	var a anchorInfo
	if re.Op == syntax.OpConcat && len(re.Sub) > 1 && re.Sub[0].Op == syntax.OpWordBoundary {
		a.wordStart = true
		re = &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: re.Sub[1:]}
	} else if re.Op == syntax.OpConcat && len(re.Sub) > 1 {
		if set, ok := boundaryClass(re.Sub[0]); ok {
			rest := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: re.Sub[1:]}
			if captures(rest) != captures(re) {
				return anchorInfo{} // the groups would be renumbered
			}
			a.boundary, a.before, a.rest = true, set, rest
			re = rest
		}
	}
	lits, _ := starts(re)
	if len(lits) == 0 {
		return anchorInfo{}
	}
	for _, l := range lits {
		if l.s == "" || a.wordStart && !isWordByte(l.s[0]) || l.fold && !isASCII(l.s) {
			return anchorInfo{}
		}
		lower := string(lowerASCII([]byte(l.s)))
		found := false
		for _, k := range keywords {
			if strings.HasPrefix(lower, k) {
				found = true
				break
			}
		}
		if !found {
			return anchorInfo{}
		}
		a.fold = a.fold || l.fold
	}
	aw, changed, ok := afterWord(re)
	if !ok {
		return anchorInfo{}
	}
	if changed {
		a.afterWord = aw
	}
	a.ok = true
	return a
}

// afterWord returns re as it must be tried at a place just after a word
// byte: a \b where the match starts cannot hold there (prefixes lets one
// stand only before a word byte), so it becomes a no-match. A regex tried
// at the start of its input sees no byte before, so the \b would hold; the
// tries use this variant where the byte before is a word byte. changed is
// false when re has no such \b; ok is false when one is repeated (a later
// iteration does not start the match), which the variant cannot express.
func afterWord(re *syntax.Regexp) (out *syntax.Regexp, changed, ok bool) {
	switch re.Op {
	case syntax.OpWordBoundary:
		return &syntax.Regexp{Op: syntax.OpNoMatch}, true, true
	case syntax.OpCapture, syntax.OpAlternate, syntax.OpConcat:
		subs := re.Sub
		if re.Op == syntax.OpConcat && len(subs) > 0 {
			subs = subs[:1] // only the first part starts the match
		}
		c := *re
		c.Sub = slices.Clone(re.Sub)
		for i, sub := range subs {
			s, ch, ok := afterWord(sub)
			if !ok {
				return re, false, false
			}
			c.Sub[i] = s
			changed = changed || ch
		}
		if !changed {
			return re, false, true
		}
		return &c, true, true
	case syntax.OpPlus, syntax.OpRepeat, syntax.OpStar, syntax.OpQuest:
		if _, ch, _ := afterWord(re.Sub[0]); ch {
			return re, false, false
		}
	}
	return re, false, true
}

// boundaryClass recognises "(?:(?m:^)|[class])" (in either order) and
// returns the bytes of the class, when a byte test decides it exactly: the
// class holds no newline, and either every non-ASCII rune or none (the
// byte before an ASCII keyword is then a continuation byte exactly when the
// rune before it is not ASCII).
func boundaryClass(re *syntax.Regexp) (set byteSet, ok bool) {
	if re.Op != syntax.OpAlternate || len(re.Sub) != 2 {
		return set, false
	}
	class := re.Sub[1]
	switch {
	case re.Sub[0].Op == syntax.OpBeginLine && class.Op == syntax.OpCharClass:
	case re.Sub[1].Op == syntax.OpBeginLine && re.Sub[0].Op == syntax.OpCharClass:
		class = re.Sub[0]
	default:
		return set, false
	}
	nonASCII := 0 // how many non-ASCII runes the class holds
	for i := 0; i+1 < len(class.Rune); i += 2 {
		lo, hi := class.Rune[i], class.Rune[i+1]
		if lo <= '\n' && '\n' <= hi {
			return set, false
		}
		for c := lo; c <= hi && c < utf8.RuneSelf; c++ {
			set.add(byte(c))
		}
		if hi >= utf8.RuneSelf {
			nonASCII += int(hi - max(lo, utf8.RuneSelf) + 1)
		}
	}
	switch nonASCII {
	case 0:
	case unicode.MaxRune - utf8.RuneSelf + 1:
		set.addRange(0x80, 0xff)
	default:
		return set, false
	}
	return set, true
}

// captures counts the capture groups of re.
func captures(re *syntax.Regexp) int {
	n := 0
	if re.Op == syntax.OpCapture {
		n++
	}
	for _, s := range re.Sub {
		n += captures(s)
	}
	return n
}

// isWordByte matches Go's ASCII \b notion of a word character.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Lead prefixes: the fallback when keyword hits do not start a rule's
// matches (a generic rule's keyword is the end of a name, as "key =" in
// "api_key = ..."). Every match still begins with one of a few short
// prefixes ("api", "acc", "sec", ...), so the regex is tried, anchored, at
// the places in the region where one occurs, instead of being run from
// every byte of the region.
const (
	leadLen      = 3   // bytes of each prefix
	maxLeads     = 512 // most prefixes tracked before giving up
	maxLeadClass = 64  // largest character class enumerated
)

// leadInfo holds a rule's lead prefixes, lowercased, in tables that
// reject most places with one or two lookups. The tables take 16 KB, so a
// rule holds them only once a keyword hit made it prepare its regex, and
// only when it has lead prefixes.
type leadInfo struct {
	fold  bool    // some prefix matches in any case: regions without odd folds only
	first byteSet // the first bytes of all prefixes, in both cases: a byte outside starts none
	one   byteSet // prefixes of one byte
	two   pairSet // the first two bytes of longer prefixes
	pairs pairSet // prefixes of two bytes
	// three has a bit per hash of each prefix of three bytes (see
	// threeBit): one load rejects most places, and a false hit only costs
	// a regex try that fails.
	three     []uint64
	threeBits uint // log2 of the bits in three
	// afterWord is as anchorInfo's: the regex tried just after a word byte.
	afterWord *syntax.Regexp
	lits      []literal // the prefixes the tables hold, for go generate (see analysis)
}

// pairSet is a set of two-byte strings, one bit each.
type pairSet [1 << 16 / 64]uint64

func (s *pairSet) add(k uint16)      { s[k>>6] |= 1 << (k & 63) }
func (s *pairSet) has(k uint16) bool { return s[k>>6]&(1<<(k&63)) != 0 }

// at reports whether one of the prefixes starts at text[i], compared with
// ASCII letters folded (which can only add places to try).
func (l *leadInfo) at(text []byte, i int) bool {
	c := lowerByte(text[i])
	if l.one.has(c) {
		return true
	}
	if i+1 >= len(text) {
		return false
	}
	k := uint16(c)<<8 | uint16(lowerByte(text[i+1]))
	if !l.two.has(k) {
		return false
	}
	if l.pairs.has(k) {
		return true
	}
	if i+2 >= len(text) {
		return false
	}
	b := l.threeBit(uint32(k)<<8 | uint32(lowerByte(text[i+2])))
	return l.three[b>>6]&(1<<(b&63)) != 0
}

// threeBit is the bit of three for a three-byte prefix, packed big-endian.
func (l *leadInfo) threeBit(p uint32) uint32 {
	return (p * 0x9e3779b1) >> (32 - l.threeBits)
}

func upperByte(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// leads derives the lead prefixes of re; nil when some match can begin
// otherwise (an optional or empty-width start, a non-ASCII byte, or too
// many possibilities).
func leads(re *syntax.Regexp) *leadInfo {
	lits, _ := prefixes(re, startLimits{class: maxLeadClass, count: maxLeads, len: leadLen})
	if len(lits) == 0 {
		return nil
	}
	for _, lit := range lits {
		if lit.s == "" || !isASCII(lit.s) {
			return nil
		}
	}
	aw, changed, ok := afterWord(re)
	if !ok {
		return nil
	}
	// Alternatives share prefixes ("api" of api_key and apikey): each
	// counts once in the tables' size.
	slices.SortFunc(lits, func(a, b literal) int {
		return cmp.Or(strings.Compare(a.s, b.s), cmp.Compare(boolInt(a.fold), boolInt(b.fold)))
	})
	lits = slices.Compact(lits)
	l := newLeadInfo(lits)
	if changed {
		l.afterWord = aw
	}
	return l
}

// newLeadInfo fills the tables of lead prefixes lits (ASCII, not empty),
// and keeps lits.
func newLeadInfo(lits []literal) *leadInfo {
	// At least 32 bits a prefix keeps false hits near 3%.
	l := &leadInfo{threeBits: 10, lits: lits}
	for 1<<l.threeBits < 32*len(lits) {
		l.threeBits++
	}
	l.three = make([]uint64, 1<<l.threeBits/64)
	for _, lit := range lits {
		s := lowerASCII([]byte(lit.s))
		l.first.add(s[0])
		l.first.add(upperByte(s[0]))
		switch len(s) {
		case 1:
			l.one.add(s[0])
		case 2:
			l.two.add(uint16(s[0])<<8 | uint16(s[1]))
			l.pairs.add(uint16(s[0])<<8 | uint16(s[1]))
		default:
			l.two.add(uint16(s[0])<<8 | uint16(s[1]))
			b := l.threeBit(uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2]))
			l.three[b>>6] |= 1 << (b & 63)
		}
		l.fold = l.fold || lit.fold
	}
	return l
}

// requiredByte is a third test: every match holds at least one of a few
// bytes (the '@' of a URL's credentials, the '=' of an assignment), so a
// region holding none of them cannot match, which bytes.IndexByte tells
// faster than any regex starts. bytes is empty when there is no such set
// of at most maxRequiredBytes bytes.
type requiredByte struct {
	bytes string
}

// maxRequiredBytes bounds the set: a test for more bytes is slower and
// rejects less.
const maxRequiredBytes = 2

// in reports whether b holds one of the required bytes (always, when there
// are none).
func (q requiredByte) in(b []byte) bool {
	if q.bytes == "" {
		return true
	}
	for i := 0; i < len(q.bytes); i++ {
		if bytes.IndexByte(b, q.bytes[i]) >= 0 {
			return true
		}
	}
	return false
}

// requiredBytes returns the rarest set of at most maxRequiredBytes bytes
// that every match of re holds one of: one byte that every match holds
// (certain), or a choice among a few (mustHold), whichever is rarer.
//
// A byte that every keyword of the rule holds is of no use: the keyword
// hit that brought the region to the test puts it there.
func requiredBytes(re *syntax.Regexp, keywords []string) requiredByte {
	var given byteSet // bytes every keyword holds, in either case
	for i, k := range keywords {
		var ks byteSet
		for j := 0; j < len(k); j++ {
			ks.add(k[j])
			if c := k[j]; 'a' <= c && c <= 'z' {
				ks.add(c - 'a' + 'A')
			}
		}
		if i == 0 {
			given = ks
			continue
		}
		for w := range given {
			given[w] &= ks[w]
		}
	}
	set, ok := mustHold(re)
	for c := range 256 {
		if ok && set.has(byte(c)) && given.has(byte(c)) {
			ok = false // one of the choices is always there
		}
	}
	all := certain(re)
	best, bestFreq := byteSet{}, math.Inf(1)
	for c := range 256 {
		if all.has(byte(c)) && !given.has(byte(c)) && codeByteFreq[c] < bestFreq {
			best, bestFreq = byteSet{}, codeByteFreq[c]
			best.add(byte(c))
		}
	}
	if bestFreq < math.Inf(1) && (!ok || bestFreq <= setFreq(&set)) {
		set, ok = best, true
	}
	if !ok {
		return requiredByte{}
	}
	var b []byte
	for c := range 256 {
		if set.has(byte(c)) {
			b = append(b, byte(c))
		}
	}
	return requiredByte{bytes: string(b)}
}

// mustHold returns a set of at most maxRequiredBytes bytes such that every
// match of re holds at least one of them; ok is false when there is none
// (re can match the empty string, or only sets too large). Of several, the
// rarest in code is chosen.
func mustHold(re *syntax.Regexp) (set byteSet, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		best, bestFreq := byteSet{}, math.Inf(1)
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				continue
			}
			if fold && simpleFold(simpleFold(r)) != r {
				continue // folds to more than two (k, s): not worth it
			}
			var s byteSet
			s.add(byte(r))
			if fold {
				s.add(byte(simpleFold(r)))
			}
			if f := setFreq(&s); f < bestFreq {
				best, bestFreq, ok = s, f, true
			}
		}
		return best, ok
	case syntax.OpCharClass:
		var s byteSet
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf || hi-lo+1 > maxRequiredBytes {
				return byteSet{}, false
			}
			for r := lo; r <= hi; r++ {
				s.add(byte(r))
				n++
			}
		}
		return s, n > 0 && n <= maxRequiredBytes
	case syntax.OpCapture:
		return mustHold(re.Sub[0])
	case syntax.OpPlus:
		return mustHold(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return byteSet{}, false
		}
		return mustHold(re.Sub[0])
	case syntax.OpConcat:
		best, bestFreq := byteSet{}, math.Inf(1)
		for _, sub := range re.Sub {
			if s, subOK := mustHold(sub); subOK {
				if f := setFreq(&s); f < bestFreq {
					best, bestFreq, ok = s, f, true
				}
			}
		}
		return best, ok
	case syntax.OpAlternate:
		var u byteSet
		for _, sub := range re.Sub {
			s, subOK := mustHold(sub)
			if !subOK {
				return byteSet{}, false
			}
			u.union(&s)
		}
		return u, setSize(&u) <= maxRequiredBytes
	}
	return byteSet{}, false
}

// setFreq is the share of code bytes in s (see codeByteFreq).
func setFreq(s *byteSet) float64 {
	f := 0.0
	for w, bits := range s {
		for ; bits != 0; bits &= bits - 1 {
			f += codeByteFreq[w*64+mathbits.TrailingZeros64(bits)]
		}
	}
	return f
}

// simpleFold is unicode.SimpleFold with the ASCII cases answered at once
// (k and s fold on to the Kelvin sign and the long s, as there).
func simpleFold(r rune) rune {
	switch {
	case r == 'k':
		return '\u212a'
	case r == 's':
		return '\u017f'
	case 'a' <= r && r <= 'z':
		return r - 'a' + 'A'
	case 'A' <= r && r <= 'Z':
		return r - 'A' + 'a'
	case r < utf8.RuneSelf:
		return r
	}
	return unicode.SimpleFold(r)
}

// setSize counts the bytes in s.
func setSize(s *byteSet) int {
	return mathbits.OnesCount64(s[0]) + mathbits.OnesCount64(s[1]) + mathbits.OnesCount64(s[2]) + mathbits.OnesCount64(s[3])
}

// certain returns the bytes that every match of re holds, each of them:
// the bytes of its literals (letters only when matched exactly), through
// concatenations and repeats, and those common to every alternative.
func certain(re *syntax.Regexp) byteSet {
	var s byteSet
	switch re.Op {
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		for _, r := range re.Rune {
			if r < utf8.RuneSelf && (!fold || simpleFold(r) == r) {
				s.add(byte(r))
			}
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 2 && re.Rune[0] == re.Rune[1] && re.Rune[0] < utf8.RuneSelf {
			s.add(byte(re.Rune[0]))
		}
	case syntax.OpCapture, syntax.OpPlus:
		return certain(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return certain(re.Sub[0])
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			c := certain(sub)
			s.union(&c)
		}
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			c := certain(sub)
			if i == 0 {
				s = c
				continue
			}
			for k := range s {
				s[k] &= c[k]
			}
		}
	}
	return s
}
