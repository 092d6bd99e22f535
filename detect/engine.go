// Package detect finds API keys and other secrets in text: bytes in,
// findings out. It runs no git, reads no files and prints nothing, so it can
// be fuzzed and benchmarked alone.
//
// A scan runs one Aho-Corasick automaton holding every rule's keywords over
// the text (lowercased a chunk at a time), and runs a rule's regex only on
// the lines where one of its keywords occurs; there, a byte test rejects
// most lines before any regex runs, and a regex whose matches start at its
// keyword (after a \b or a one-byte boundary) or at one of a few lead
// prefixes is tried only there, after a test of the bytes every match
// starts with (see analyze.go). Matches then pass the inline allow
// comments, an entropy floor and a placeholder filter. Secrets are
// redacted whenever they are printed or serialised (see Secret).
//
// Start-up costs almost nothing: the built-in catalogue is a generated Go
// literal (catalogue_gen.go, from rules/*.yaml), and the automaton (two of
// them, see prefilterFor) and each rule's regex are built on first use.
package detect

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// multiLineWindow is how many lines, starting at a keyword's line, a rule
// whose regex can match a newline searches. It bounds the cost of such rules
// and is ample for a private key block (a 4096-bit RSA key is 51 lines).
const multiLineWindow = 200

// maxSecret bounds one finding's secret; the largest real ones, private key
// blocks, are about 12 KB.
const maxSecret = 64 << 10

// maxRunTest is the longest region a rule tried only at its keyword hits
// tests for its required run first.
const maxRunTest = 1 << 10

// maxGenericLine is the longest line generic rules look at: longer lines are
// minified or generated code, where "key = value" shapes are noise.
const maxGenericLine = 1000

// Options configures an Engine beyond the built-in catalogue.
type Options struct {
	Extra    []RuleSpec // user rules, appended after the built-ins
	Disabled []string   // ids of rules to skip; an unknown id is an error
	// AllowSecrets are regexes (RE2); a secret matching any is not a finding.
	AllowSecrets []string
	// StopWords are literals; a secret containing any (case-insensitively)
	// is not a finding.
	StopWords []string
}

// Engine scans text with a fixed set of rules. It is immutable after New
// and safe for concurrent use.
type Engine struct {
	rules     []*Rule          // enabled rules, catalogue order
	allow     []*regexp.Regexp // Options.AllowSecrets, compiled
	stopWords []string         // Options.StopWords, lowercased
	// The keyword automata, built on first use (see prefilterFor).
	quickOnce, fullOnce sync.Once
	quick               *prefilter
	full                atomic.Pointer[prefilter]
	scanned             atomic.Int64 // bytes scanned, until full is asked for
	// builtinOnly: the rules are the built-in catalogue's, none disabled
	// or added, so the shared built-in prefilter serves.
	builtinOnly bool
	always      []int     // rules without keywords: they search all text
	scratch     sync.Pool // *scratch, per-scan buffers
}

// Finding is one secret found in the scanned text.
type Finding struct {
	Rule *Rule
	// Line is the 1-based line of the secret's first character.
	Line int
	// Column is the 1-based column of the secret's first character, counted
	// in runes (UTF-8) from the start of Line.
	Column int
	// EndColumn is the 1-based rune column just after the secret's last
	// character on Line. For a secret that continues onto later lines (a
	// private key block) it is the column just after the end of Line.
	EndColumn   int
	Secret      Secret
	Fingerprint string // Fingerprint(secret)
}

// New returns an Engine with the embedded catalogue plus opts.Extra, minus
// opts.Disabled. Every rule is validated (unique ids, non-empty regex, sane
// group and entropy). User rules compile here, so a bad pattern is an error
// naming the rule; built-in rules compile on first use, so start-up does not
// pay for rules the input never triggers.
func New(opts Options) (*Engine, error) {
	return newEngine(builtinRules, opts)
}

// newEngine is New with the built-in rules given, for tests.
func newEngine(builtin []RuleSpec, opts Options) (*Engine, error) {
	disabled := make(map[string]bool, len(opts.Disabled))
	for _, id := range opts.Disabled {
		disabled[id] = true
	}
	seen := make(map[string]bool, len(builtin)+len(opts.Extra))
	e := &Engine{rules: make([]*Rule, 0, len(builtin)+len(opts.Extra))}
	// One allocation for all rules; the array never grows, so pointers into
	// it stay valid.
	store := make([]Rule, len(builtin)+len(opts.Extra))
	// The generated analyses follow the built-in catalogue's order.
	generated := len(builtin) > 0 && &builtin[0] == &builtinRules[0]
	add := func(s *RuleSpec, n int, user bool) error {
		name := s.ID
		if name == "" {
			name = fmt.Sprintf("#%d", n+1)
		}
		if err := validateSpec(s); err != nil {
			return fmt.Errorf("detect: rule %q: %w", name, err)
		}
		if seen[s.ID] {
			return fmt.Errorf("detect: rule %q: duplicate id", s.ID)
		}
		seen[s.ID] = true
		if disabled[s.ID] {
			return nil
		}
		r := &store[len(e.rules)]
		initRule(r, s, len(e.rules), !user)
		if !user && generated && n < len(builtinAnalysis) {
			r.pre = &builtinAnalysis[n] // used only if it fits (see analysis)
		}
		if user {
			if err := r.compile(); err != nil {
				return fmt.Errorf("detect: rule %q: %w", s.ID, err)
			}
		}
		e.rules = append(e.rules, r)
		return nil
	}
	for i := range builtin {
		if err := add(&builtin[i], i, false); err != nil {
			return nil, err
		}
	}
	extra := slices.Clone(opts.Extra) // the caller's slice is left as it was
	for i := range extra {
		if extra[i].family == "" {
			extra[i].family = "user"
		}
		if err := add(&extra[i], i, true); err != nil {
			return nil, err
		}
	}
	// Generic rules go last, after user rules too, so that on equal spans
	// any provider rule wins over a generic "name = value" match.
	slices.SortStableFunc(e.rules, func(a, b *Rule) int {
		return cmp.Compare(boolInt(a.generic), boolInt(b.generic))
	})
	for i, r := range e.rules {
		r.index = i
	}
	for _, id := range opts.Disabled {
		if !seen[id] {
			return nil, fmt.Errorf("detect: cannot disable rule %q: no such rule", id)
		}
	}
	for _, pat := range opts.AllowSecrets {
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("detect: allowed secret pattern %q: %w", pat, err)
		}
		e.allow = append(e.allow, re)
	}
	for _, w := range opts.StopWords {
		if w == "" {
			return nil, fmt.Errorf("detect: empty stop word")
		}
		e.stopWords = append(e.stopWords, strings.ToLower(w))
	}
	e.builtinOnly = len(opts.Extra) == 0 && len(opts.Disabled) == 0 &&
		len(builtin) == len(builtinRules) && len(builtin) > 0 && &builtin[0] == &builtinRules[0]
	rules := len(e.rules)
	e.scratch.New = func() any { return &scratch{hits: make([][]int, rules), isNamed: make([]bool, rules)} }
	for ri, r := range e.rules {
		if len(r.keywords) == 0 {
			e.always = append(e.always, ri)
		}
	}
	return e, nil
}

// Rules returns the enabled rules in catalogue order.
func (e *Engine) Rules() []*Rule {
	return slices.Clone(e.rules)
}

// span is a half-open byte range of the scanned text.
type span struct{ start, end int }

// candidate is a regex match that passed the filters, before deduplication.
type candidate struct {
	rule       int
	start, end int // the secret
}

// Scan returns the secrets in text, sorted by line, column and rule id.
// text holds one or more lines separated by "\n" (a trailing "\r" is
// ignored). A span reported by two rules is kept once, for the earlier rule
// in the catalogue, and a finding lying inside another's span is dropped (an
// id-shaped string inside a key block is part of that key).
func (e *Engine) Scan(text []byte) []Finding {
	return e.scan(text, true, "")
}

// ScanFile is Scan for the content of the named file (a repository path):
// in minified and generated files (lockfiles, *.min.js, go.sum, ...) only
// provider rules run, since generic "name = value" matches there are noise.
//
// A context rule whose keyword occurs in the file's base name takes the
// whole file as its context: every api_key in datadog.yaml is Datadog's.
func (e *Engine) ScanFile(name string, text []byte) []Finding {
	return e.scan(text, !IsGenerated(name), strings.ToLower(path.Base(name)))
}

// namedByFile stands for the keyword hits of a context rule whose keyword
// is in the file's name: inContext accepts every line for it. Never written.
var namedByFile = []int{-1}

func (e *Engine) scan(text []byte, generic bool, base string) []Finding {
	if len(text) == 0 {
		return nil
	}
	sc := e.getScratch()
	defer e.putScratch(sc)
	e.findKeywords(text, sc)
	if base != "" {
		e.namedBy(base, sc)
	}
	cands := sc.cands[:0]
	for _, ri := range e.always {
		// No keyword to wait for: such a (user) rule runs on everything.
		if r := e.rules[ri]; !r.generic || generic {
			r.mustPrepare()
			cands = e.searchRegion(r, ri, text, span{0, len(text)}, nil, cands)
		}
	}
	for _, ri := range sc.named {
		if r := e.rules[ri]; !r.generic || generic {
			r.mustPrepare()
			cands = e.searchLines(r, ri, text, span{0, len(text)}, namedByFile, cands)
		}
	}
	for _, ri := range sc.touched {
		if r := e.rules[ri]; (!r.generic || generic) && !sc.isNamed[ri] {
			cands = e.matchHits(r, ri, text, sc.hits[ri], cands)
		}
	}
	out := e.findings(text, dedupe(cands))
	sc.cands = cands[:0]
	return out
}

// matchHits searches the regions around a rule's keyword hits (byte
// offsets): each hit's line, or multiLineWindow lines from it for a rule
// whose regex can match a newline, merged where they touch.
func (e *Engine) matchHits(r *Rule, ri int, text []byte, hits []int, out []candidate) []candidate {
	r.mustPrepare()
	// Overlapping keyword matches come in end order, so starts can step back.
	slices.Sort(hits)
	hits = slices.Compact(hits)
	window := 1
	switch {
	case r.multiLine:
		window = multiLineWindow
	case r.context > 0: // the keyword's line and the lines it may enclose
		window = r.context + 1
	}
	for i := 0; i < len(hits); {
		start := lineStart(text, hits[i])
		end := linesEnd(text, start, window)
		j, last := i+1, start
		for ; j < len(hits); j++ {
			p := hits[j]
			if p < end && window == 1 {
				continue // on a line the region already holds
			}
			// end is a line start, so p's line starts after it exactly
			// when a newline lies between them.
			if p >= end && bytes.IndexByte(text[end:p], '\n') >= 0 {
				break
			}
			if window > 1 {
				if ls := lineStart(text, p); ls != last {
					end, last = max(end, linesEnd(text, ls, window)), ls
				}
			} else {
				end = linesEnd(text, end, 1) // p is on the line starting at end
			}
		}
		out = e.searchRegion(r, ri, text, span{start, end}, hits[i:j], out)
		i = j
	}
	return out
}

// searchRegion runs the rule's regex over text[reg.start:reg.end] as if it
// were the whole text, and appends the matches that survive the filters.
// hits are the rule's keyword offsets inside reg, sorted. When every match
// of the regex starts with one of its keywords, the regex is tried only
// there, anchored; the matches are the same as a search of the whole region
// finds, since that search, too, takes the leftmost match after the previous.
func (e *Engine) searchRegion(r *Rule, ri int, text []byte, reg span, hits []int, out []candidate) []candidate {
	if r.context > 0 || r.generic && !r.multiLine {
		return e.searchLines(r, ri, text, reg, hits, out)
	}
	return e.searchSpan(r, ri, text, reg, hits, out)
}

// searchLines searches each line of reg apart, for rules whose regex keeps
// to one line and that take context or are generic: a generic rule skips
// the lines longer than maxGenericLine, whose matches accept drops, before
// running at all. Otherwise one long minified line holding many keywords
// would cost each of their rules a search of the whole line. A context
// rule's accept sees all of reg's hits (the lines above count); other rules
// see their line's, where an anchored rule tries its regex.
func (e *Engine) searchLines(r *Rule, ri int, text []byte, reg span, hits []int, out []candidate) []candidate {
	h := 0 // hits before h lie on earlier lines
	for s := reg.start; s < reg.end; {
		end := reg.end
		if i := bytes.IndexByte(text[s:reg.end], '\n'); i >= 0 {
			end = s + i
		}
		for h < len(hits) && hits[h] < s {
			h++
		}
		k := h
		for k < len(hits) && hits[k] <= end {
			k++
		}
		if !r.generic || end-s <= maxGenericLine {
			lineHits := hits[h:k]
			if r.context > 0 {
				lineHits = hits
			}
			out = e.searchSpan(r, ri, text, span{s, end}, lineHits, out)
		}
		s = end + 1
	}
	return out
}

// searchSpan is searchRegion for any rule, over the whole of reg.
func (e *Engine) searchSpan(r *Rule, ri int, text []byte, reg span, hits []int, out []candidate) []candidate {
	b := text[reg.start:reg.end]
	if !r.must.in(b) {
		return out // lacks every byte of which each match holds one
	}
	anchored := r.anchor.ok && hits != nil && (!r.anchor.fold || !hasOddFold(b))
	// The run test reads the whole region; tries at a few hits read a few
	// bytes each, so on a long region (a minified line) they go first.
	if r.need.n > 0 && (!anchored || len(b) <= maxRunTest) && !r.need.in(b) {
		return out // lacks the run of key characters every match holds
	}
	if anchored {
		next := reg.start // where a search of the whole region would resume
		for _, p := range hits {
			start := p // where the whole regex's match would start
			if r.anchor.boundary && p > reg.start && text[p-1] != '\n' {
				if !r.anchor.before.has(text[p-1]) {
					continue // neither a line start nor a boundary byte
				}
				start--
			}
			if start < next {
				continue
			}
			if r.anchor.wordStart && p > reg.start && isWordByte(text[p-1]) {
				continue // the leading \b fails between two word bytes
			}
			if !r.shape.fits(text[p:reg.end]) {
				continue
			}
			if m := r.triedAt(text, reg.start, p).FindSubmatchIndex(text[p:reg.end]); m != nil {
				n := len(out)
				out = e.accept(r, ri, text, p, m, hits, out)
				next = p + r.resumeAfter(m, text[p:reg.end], out, n, p)
			}
		}
		return out
	}
	if r.lead != nil && (!r.lead.fold || !hasOddFold(b)) {
		// The same, at the places where a lead prefix occurs.
		for p := reg.start; p < reg.end; p++ {
			if !r.lead.first.has(text[p]) {
				continue // the common case, without a call
			}
			if !r.lead.at(b, p-reg.start) || !r.shape.fits(text[p:reg.end]) {
				continue
			}
			if m := r.triedAt(text, reg.start, p).FindSubmatchIndex(text[p:reg.end]); m != nil {
				n := len(out)
				out = e.accept(r, ri, text, p, m, hits, out)
				p += max(r.resumeAfter(m, text[p:reg.end], out, n, p), 1) - 1
			}
		}
		return out
	}
	for off := 0; off <= len(b); {
		again := -1
		for _, m := range r.compiled().FindAllSubmatchIndex(b[off:], -1) {
			n := len(out)
			out = e.accept(r, ri, text, reg.start+off, m, hits, out)
			if p := r.resumeAfter(m, b[off:], out, n, reg.start+off); p < m[1] {
				again = off + p
				break
			}
		}
		if again < 0 {
			break
		}
		off = again
	}
	return out
}

// resume returns where, in b, a search resumes after the match m that the
// checks refused: after the match, or for a retry rule at its secret's
// start, so that a value the refused match swallowed is still tried. In
// .post("/oauth/token", "grant_type=…&client_secret=…") a generic rule
// takes "token" for the name and the whole form body for its value, which
// fails; the client_secret pair inside it is a match of its own. The
// secret must start after a non-word byte (as a search's start of text
// is), and after the match's start, so that the search moves on.
func (r *Rule) resume(m []int, b []byte) int {
	s := m[2*r.group]
	if !r.retry || s <= m[0] || s >= m[1] || isWordByte(b[s-1]) {
		return m[1]
	}
	return s
}

// resumeAfter returns where, in b (which starts at base in the text), a
// search resumes after the match m: out held n candidates before m was
// judged, so m was kept when it holds more (Rule.resumeKept, at the kept
// secret's end) and refused otherwise (Rule.resume).
func (r *Rule) resumeAfter(m []int, b []byte, out []candidate, n, base int) int {
	if len(out) == n {
		return r.resume(m, b)
	}
	return r.resumeKept(m, out[len(out)-1].end-base)
}

// resumeKept returns where, in b, a search resumes after the match m whose
// secret was kept but cut short at end (relative to b): a retry rule's
// value that ended at the "&" of a query string's next pair
// ("apiKey=...&secretKey=...") resumes there, so that the next pair is a
// match of its own; any other, after the match.
func (r *Rule) resumeKept(m []int, end int) int {
	if !r.retry || end <= m[2*r.group] || end >= m[1] {
		return m[1]
	}
	return end
}

// accept appends the match m (submatch offsets relative to base) if it
// survives the context, allow comment, entropy, placeholder, validation and
// allowlist filters. hits are the rule's keyword offsets around the match,
// sorted, which a context rule needs.
func (e *Engine) accept(r *Rule, ri int, text []byte, base int, m []int, hits []int, out []candidate) []candidate {
	if r.context > 0 {
		if s := m[2*r.group]; s >= 0 && !inContext(text, hits, s+base, r.context) {
			return out
		}
	}
	return e.keep(r, ri, text, base, m, out)
}

// keep is accept without the context check.
func (e *Engine) keep(r *Rule, ri int, text []byte, base int, m []int, out []candidate) []candidate {
	start, end := m[2*r.group], m[2*r.group+1]
	if start < 0 || start == end {
		return out // the secret group did not take part
	}
	start, end = start+base, end+base
	// The line where the match starts decides, even for a multi-line
	// match, since that is where a comment can go.
	line := lineAt(text, m[0]+base)
	if hasAllowMarker(line) || (r.generic && len(line) > maxGenericLine) {
		return out
	}
	// A runaway match (a user regex such as "(.+)") is reported, not
	// dropped, but holds at most maxSecret bytes.
	end = min(end, start+maxSecret)
	if r.generic {
		if notSecretName(text, m[0]+base) || looseListName(text, m[0]+base, start) || ternaryName(text, m[0]+base) || testVectorLine(line) || proseQualifierRefused(text, m[0]+base) {
			return out
		}
		end = start + queryValueEnd(text[start:end])
		end = start + unopenedParenEnd(text[start:end])
		if start >= 2 && text[start-1] == '>' && text[start-2] != '=' && (end >= len(text) || text[end] != '<') {
			return out // after a tag's ">" only an element's text counts: <apiKey>value</apiKey>
		}
	}
	if inDataURI(text, start) {
		return out
	}
	secret := string(text[start:end])
	if r.entropy > 0 && shannonEntropy(secret) < r.entropy {
		return out
	}
	if r.generic && publicValue(secret) {
		return out
	}
	if isPlaceholder(secret) {
		return out
	}
	if r.validate != nil && !r.validate(secret) {
		return out
	}
	if e.allowed(secret) {
		return out
	}
	return append(out, candidate{rule: ri, start: start, end: end})
}

// nameStart is where the name a generic match starts in begins: at is the
// match's start, which may be the indent or the byte before the name (a
// quote), or a declaration's keyword ("static let tfl ="), and the name
// may begin before it ("PUBLISHABLE_KEY" matched from "KEY").
func nameStart(text []byte, at int) int {
	for at < len(text) && (text[at] == ' ' || text[at] == '\t') {
		at++ // a match that starts at the line's indent
	}
	for stepped := true; stepped; {
		stepped = false
		for _, kw := range declWords {
			if bytes.HasPrefix(text[at:], kw) {
				at, stepped = at+len(kw), true
			}
		}
	}
	if at < len(text) && !isNameByte(text[at]) {
		at++ // a match that starts with the byte before the name
	}
	for at > 0 && isNameByte(text[at-1]) {
		at--
	}
	return at
}

// looseListName reports a generic match of the `"name", "value"` form (a
// comma between the name and the value) whose name is not a whole quoted
// string: in ("users,creds", "db3a...") the "name" is the tail of another
// value, and the list is data, not a setting.
func looseListName(text []byte, at, value int) bool {
	at = nameStart(text, at)
	if value > len(text) || at >= value || bytes.IndexByte(text[at:value], ',') < 0 {
		return false
	}
	end := at + bytes.IndexFunc(text[at:value], func(r rune) bool { return r > 0x7f || !isNameByte(byte(r)) })
	if end < at {
		return true
	}
	name := text[at:end]
	for end < value && (text[end] == ' ' || text[end] == '\t' || text[end] == '"' || text[end] == '\'' || text[end] == '`') {
		end++
	}
	switch {
	case text[end] != ',':
		// Not the "name", "value" form: a call's arguments or a tuple
		// (NewAcmeSms("user", "..."), auth = ("api", "...")), a statement
		// (INSERT INTO t (a, api_key) VALUES ('x', '...')).
		return false
	case bytes.IndexByte(name, '_') > 0 && bytes.Equal(bytes.ToUpper(name), name):
		return false // an option constant and its value: curl_setopt($ch, CURLOPT_USERPWD, "...")
	case at > 0 && text[at-1] == '{':
		return false // a tuple's first element names its second: {api_key, "..."}
	case len(bytes.Trim(name, "0123456789")) == 0:
		return false // a row's numeric id before its cells: (5, 'gofile', ..., '...')
	}
	return at == 0 || !bytes.ContainsRune([]byte("\"'`"), rune(text[at-1]))
}

// vectorMembers name the fields of a cryptographic test vector (Wycheproof's
// {"tcId": 1, "key": "...", "msg": "...", "tag": "..."}, NIST's and
// RFCs' known-answer tests), quoted as JSON writes them.
var vectorMembers = [][]byte{
	[]byte(`"tcid"`), []byte(`"msg"`), []byte(`"tag"`), []byte(`"iv"`), []byte(`"aad"`), []byte(`"ct"`),
	[]byte(`"nonce"`), []byte(`"plaintext"`), []byte(`"ciphertext"`), []byte(`"mac"`), []byte(`"expected"`),
}

// testVectorLine reports a line holding two or more of a test vector's
// fields: its "key" is an input of a known-answer test, not a credential.
func testVectorLine(line []byte) bool {
	if len(line) < 24 || bytes.IndexByte(line, '"') < 0 {
		return false
	}
	lower := lowerASCII(line)
	n := 0
	for _, m := range vectorMembers {
		if bytes.Contains(lower, m) {
			if n++; n >= 2 {
				return true
			}
		}
	}
	return false
}

// proseQualifiers, before "token", "key" or "secret" in a sentence, say
// the value is public, an identifier or a digest, or not a working key:
// "public key ...", "device token ...", "commit key ...", "page token
// ...", "invalid token ...". Not "signing", "push", "registration" or
// "hash": a signing secret, a push token (Gemfury's), a runner's
// registration token and a gateway's HashKey are credentials (a signing
// key's fingerprint, 40 hex digits, is refused by validProseKey).
var proseQualifiers = map[string]bool{
	"public": true, "publishable": true, "site": true, "sort": true, "cache": true, "primary": true,
	"foreign": true, "partition": true, "composite": true, "unique": true,
	"gpg": true, "pgp": true, "ssh": true, "host": true, "commit": true,
	"idempotency": true, "request": true, "correlation": true, "trace": true, "device": true,
	"fcm": true, "apns": true, "csrf": true, "xsrf": true,
	"page": true, "next": true, "continuation": true, "pagination": true, "cursor": true,
	"sync": true, "lock": true, "lease": true, "translation": true, "lookup": true, "range": true,
	"object": true, "bucket": true, "row": true, "item": true, "event": true, "state": true,
	"message": true, "query": true, "field": true, "label": true, "annotation": true,
	"anon": true, "anonymous": true, "dedup": true, "shortcut": true, "hot": true, "sealed": true,
	"wrapped": true, "encrypted": true, "example": true, "sample": true, "dummy": true,
	"fake": true, "invalid": true, "expired": true, "revoked": true, "wrong": true, "bogus": true,
	"mock": true, "placeholder": true, "recaptcha": true, "captcha": true,
}

// proseQualifierRefused reports a match that opens with a word of
// proseQualifiers followed by "token", "key" or "secret": a sentence
// naming a key that is not a credential.
func proseQualifierRefused(text []byte, at int) bool {
	for at < len(text) && !isLetter(rune(text[at])) {
		if text[at] == '\n' {
			return false
		}
		at++
	}
	end := at
	for end < len(text) && end-at < 16 && (isLetter(rune(text[end])) || text[end] >= '0' && text[end] <= '9') {
		end++
	}
	var lb [16]byte
	if end == at || !proseQualifiers[string(lowerInto(lb[:0], text[at:end]))] {
		return false
	}
	rest := end
	for rest < len(text) && (text[rest] == ' ' || text[rest] == '\t') {
		rest++
	}
	if rest == end {
		return false
	}
	for _, w := range proseKeyWords {
		if len(text)-rest >= len(w) && bytes.EqualFold(text[rest:rest+len(w)], w) {
			return true
		}
	}
	return false
}

// proseKeyWords are the words proseQualifierRefused looks for after a
// qualifier.
var proseKeyWords = [][]byte{[]byte("token"), []byte("key"), []byte("secret")}

// ternaryName reports a name that is the branch of a conditional
// expression, "cond ? pass : direct": code, not an assignment.
func ternaryName(text []byte, at int) bool {
	at = nameStart(text, at)
	if at == 0 || (text[at-1] != ' ' && text[at-1] != '\t') {
		return false // "?token=" opens a query string
	}
	before := bytes.TrimRight(text[:at], " \t")
	return len(before) > 0 && before[len(before)-1] == '?'
}

// declWords open a declaration before the name it declares; nameStart
// steps over as many as stand there ("static let", "const val").
var declWords = [][]byte{[]byte("static "), []byte("let "), []byte("var "), []byte("val "), []byte("const ")}

// notSecretNames are names whose values are not credentials: CSRF tokens
// (Rails' authenticity_token, Django's csrfmiddlewaretoken) live for a
// session and are printed in every form, pagination tokens (page_token,
// NextToken) are cursors, and some keys are public or not keys to anything.
// Lower case, separators left out.
var notSecretNames = [][]byte{
	[]byte("authenticitytoken"), []byte("csrftoken"), []byte("xsrftoken"), []byte("csrfmiddlewaretoken"),
	[]byte("pagetoken"), []byte("nexttoken"), []byte("continuationtoken"),
	[]byte("requesttoken"), // a request's id (OAuth 1's lives for one authorization)
	// Keys that are public or not credentials at all, for the rules that
	// take a bare *_KEY name.
	[]byte("publickey"), []byte("publishablekey"), []byte("publishable"), []byte("sitekey"), []byte("sortkey"),
	[]byte("partitionkey"), []byte("cachekey"), []byte("primarykey"), []byte("foreignkey"),
	[]byte("idempotencykey"), []byte("translationkey"), []byte("hotkey"), []byte("shortcutkey"),
	[]byte("lookupkey"), []byte("rangekey"), []byte("objectkey"), []byte("bucketkey"),
	[]byte("anonkey"),                           // Supabase's anon key ships in every browser bundle
	[]byte("publictoken"),                       // Mapbox's pk. tokens and the like
	[]byte("pusherkey"), []byte("pusherappkey"), // Pusher's key is the public half of key and secret
	[]byte("shopifyapikey"), // Shopify's app "API key" is its client id, which App Bridge puts in the page
	// Keys their providers document as safe in a browser or an app: Algolia's
	// search-only key, an SDK's public key.
	[]byte("searchonlykey"), []byte("searchonlyapikey"), []byte("publicsdkkey"),
	// Analytics SDKs' project keys, which their docs put in the page or the
	// app: Mixpanel's project token, Amplitude's API key (its secret key is
	// another), Shopify's Storefront API token.
	[]byte("mixpaneltoken"), []byte("mixpanelprojecttoken"), []byte("amplitudeapikey"), []byte("amplitudekey"),
	[]byte("storefronttoken"), []byte("storefrontaccesstoken"), []byte("storefrontapitoken"),
	// Mobile SDKs' app keys, documented as shipped in the app: AppMetrica's
	// API key, Qonversion's project key (its secret key is another).
	[]byte("appmetricaapikey"), []byte("appmetricakey"), []byte("qonversionprojectkey"), []byte("qonversionkey"),
	// A device's push address, which APNs and FCM hand to the app: an
	// identifier, not a credential.
	[]byte("apnstoken"), []byte("devicetoken"), []byte("fcmtoken"),
	// Names code gives to keys that address data, not credentials.
	[]byte("spreadsheetkey"), []byte("dedupkey"), []byte("dedupekey"),
	[]byte("i18nkey"), []byte("messagekey"), []byte("querykey"), []byte("storagekeyname"),
	[]byte("eventkey"), []byte("statekey"), []byte("itemkey"), []byte("rowkey"),
	[]byte("labelkey"), []byte("annotationkey"), []byte("fieldkey"),
	[]byte("oauthconsumerkey"),                                        // OAuth 1's oauth_consumer_key parameter: the client's public id, sent in every request
	[]byte("websocketkey"),                                            // Sec-WebSocket-Key: a handshake nonce
	[]byte("sealedkey"), []byte("wrappedkey"), []byte("encryptedkey"), // ciphertext of a key, useless without the key that seals it
	[]byte("encryptionsalt"), // Pulumi's stack file: a salt and a check value of the passphrase, public by design
	// Digests: buildSha = '<git SHA-1>' among an app's keys.
	[]byte("sha"), []byte("sha1"), []byte("sha256"), []byte("sha512"), []byte("md5"), []byte("checksum"), []byte("digest"),
}

// publicPrefixes open the names of variables frameworks expose to the
// browser or the app bundle.
var publicPrefixes = [][]byte{[]byte("nextpublic"), []byte("nuxtpublic"), []byte("expopublic"), []byte("public")}

// fixtureNameWords, inside a name, say its value is a test's stand-in and
// not a key anyone uses: invalidToken, wrong_secret, fake_api_key,
// nonMatchingToken, expiredToken. ("test" is not one: TEST_API_KEY often
// holds a provider's real test-mode key.)
var fixtureNameWords = [][]byte{
	[]byte("invalid"), []byte("wrong"), []byte("nonmatching"), []byte("notmatching"),
	[]byte("mismatch"), []byte("fake"), []byte("dummy"), []byte("mock"), []byte("bogus"),
	[]byte("malformed"), []byte("expired"), []byte("revoked"),
}

// notSecretName reports whether the name a generic match starts in (the
// identifier around offset at) is one of notSecretNames.
func notSecretName(text []byte, at int) bool {
	start := nameStart(text, at)
	end := start
	for end < len(text) && isNameByte(text[end]) {
		end++
	}
	// A name written as words ("cache key:", "API Key ="): read it whole.
	for end+1 < len(text) && text[end] == ' ' && isLetter(rune(text[end+1])) {
		for end++; end < len(text) && isNameByte(text[end]); end++ {
		}
	}
	var b [64]byte
	var word [64]bool // word[i]: name[i] begins a word (after a separator, or upper after lower)
	name := b[:0]
	prev := byte(0)
	for _, c := range text[start:end] {
		if isAlnum(c) && len(name) < len(b) {
			word[len(name)] = len(name) == 0 || !isAlnum(prev) || c >= 'A' && c <= 'Z' && prev >= 'a' && prev <= 'z'
			lower := c
			if c >= 'A' && c <= 'Z' {
				lower += 'a' - 'A'
			}
			name = append(name, lower)
		}
		prev = c
	}
	for _, n := range notSecretNames {
		// A whole word or words at the end: field_key and fieldKey, not
		// twinfield_key (a provider's key whose name happens to end so).
		if bytes.HasSuffix(name, n) && word[len(name)-len(n)] {
			return true
		}
	}
	// A variable its framework puts in the page (Next.js's NEXT_PUBLIC_,
	// Nuxt's NUXT_PUBLIC_, Expo's EXPO_PUBLIC_, SvelteKit's PUBLIC_): public
	// by declaration. (PUBLIC elsewhere in a name says less: Segment's
	// "Public API" token is a secret.)
	for _, p := range publicPrefixes {
		if bytes.HasPrefix(name, p) && len(name) > len(p) && word[len(p)] {
			return true
		}
	}
	for _, w := range fixtureNameWords {
		if bytes.Contains(name, w) {
			return true // invalidToken, fake_api_key, nonMatchingToken: a test's stand-in
		}
	}
	// The name, or its wider token: "checksum/secret" (a Helm annotation
	// holding a digest of the Secret) or ":secret:" inside an AWS ARN
	// ("arn:aws:secretsmanager:...:secret:prod/api") names no value.
	wide := start
	for wide > 0 && wide > start-128 && !isSpaceOrQuote(text[wide-1]) {
		wide--
	}
	var tb [128]byte
	token := lowerInto(tb[:0], text[wide:start])
	for i, t := range [][]byte{name, token} {
		if i == 0 && (bytes.HasSuffix(t, []byte("checksumkey")) || end < len(text) && text[end] == '(') {
			// The key a payment gateway's checksums are computed with
			// (AXIS_CHECKSUM_KEY), or a call (HMAC.hexdigest(...)) whose
			// argument the name does not describe.
			continue
		}
		if bytes.Contains(t, []byte("checksum")) || bytes.Contains(t, []byte("digest")) {
			return true // a digest of something, not a key: password_digest, checksum/secret
		}
	}
	return bytes.Contains(token, []byte("arn:"))
}

// isSpaceOrQuote reports the bytes that end a token backwards.
func isSpaceOrQuote(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == '`'
}

// inDataURI reports whether offset start lies in the payload of a base64
// data URI ("data:font/woff2;base64,d09GMgAB..."): a font or image inlined
// in CSS or SVG, where any prefix ("EAA", "AKIA") turns up by chance at a
// "+" or "/" that a regex reads as a word boundary. The reader decodes
// base64 that holds text; the raw payload is no place for a key.
func inDataURI(text []byte, start int) bool {
	i := start
	for i > 0 && isBase64Byte(text[i-1]) {
		i--
	}
	return bytes.HasSuffix(text[:i], []byte(";base64,"))
}

// isBase64Byte reports a byte of the standard base64 alphabet.
func isBase64Byte(c byte) bool { return isAlnum(c) || c == '+' || c == '/' }

func isNameByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }

// queryValueEnd is where a value ends when it is a parameter of a query
// string or form body: at the "&" before the next name= ("abc&sessionid=1"
// is "abc"). The whole value when there is none.
func queryValueEnd(v []byte) int {
	for i := 0; i < len(v); i++ {
		if v[i] != '&' {
			continue
		}
		j := i + 1
		for j < len(v) && (isAlnum(v[j]) || v[j] == '_' || v[j] == '.' || v[j] == '-' || v[j] == '[' || v[j] == ']') {
			j++
		}
		if j > i+1 && j < len(v) && v[j] == '=' && class(v[i+1]) >= 2 {
			return i
		}
	}
	return len(v)
}

// unopenedParenEnd is where an unquoted value ends when it closes a
// parenthesis it never opened: the ")" belongs to what wraps the
// assignment, as Ruby's %(ACME_KEY=value) or a call's last argument
// f(ACME_KEY=value). The whole value when it has no such tail.
func unopenedParenEnd(v []byte) int {
	n := len(v)
	for n > 0 && v[n-1] == ')' {
		n--
	}
	if n == len(v) || bytes.IndexByte(v[:n], '(') >= 0 {
		return len(v)
	}
	return n
}

// maxContext bounds RuleSpec.Context: how far above a value its provider's
// name may stand. Named rules look a few lines up (a provider's name
// further away is not evidence about the value); the collection rules look
// further, since a map's header ("providerKeys = {") encloses every member
// however long the map is, and only an enclosing line counts.
const maxContext = 48

// inContext reports whether one of a context rule's keyword hits (sorted
// offsets) stands where it names the value at offset secret: on the same
// line before it, or on one of the n lines above that encloses that line,
// that is, indented less than it and less than every non-blank line in
// between (a YAML or JSON parent key, a Terraform or code block header).
// This is how `mistral:` names the `api_key:` nested under it, and
// `provider "cloudflare" {` the `api_token =` inside.
func inContext(text []byte, hits []int, secret, n int) bool {
	if len(hits) > 0 && hits[0] < 0 {
		return true // the file's name names the provider (namedByFile)
	}
	ls := lineStart(text, secret)
	// The hits before the secret, nearest first.
	i, _ := slices.BinarySearch(hits, secret)
	if i > 0 && hits[i-1] >= ls {
		return true
	}
	own := indent(text[ls:])
	limit := own // a line encloses when indented less than this
	siblings := maxSiblings
	header := true // no INI or TOML section header met yet
	for ; n > 0 && ls > 0 && i > 0 && (limit > 0 || siblings > 0 || header); n-- {
		end := ls - 1 // the "\n" ending the line above
		ls = lineStart(text, end)
		line := text[ls:end]
		ind := indent(line)
		for i > 0 && hits[i-1] >= end {
			i--
		}
		if ind == len(bytes.TrimRight(line, "\r")) {
			continue // blank
		}
		if isOpenerLine(line[ind:]) {
			continue // an Allman-style "{" on its own line: the line above it opens the block
		}
		hit := i > 0 && hits[i-1] >= ls
		if header && ind <= own && isSectionHeader(line[ind:]) {
			// An INI or TOML section header ("[bitfinex]", "[tool.acme]")
			// encloses every line under it up to the next header, however
			// they are indented.
			if hit {
				return true
			}
			header = false
		}
		if limit == 0 && siblings == 0 {
			continue // only a section header can still name the value
		}
		switch {
		case ind == own && limit == own && siblings > 0:
			// A sibling in the secret's own block, above any line that
			// encloses it, when the provider is in its value: "host:
			// smtp.postmarkapp.com" or "provider: heroku" over "password:".
			// A sibling with the provider in its name ("DATADOG_API_KEY:")
			// is another key, not a description of the block.
			siblings--
			if hit && inValue(line, hits[i-1]-ls) {
				return true
			}
			continue
		case ind >= limit:
			siblings = 0
			continue // not enclosing
		}
		limit, siblings = ind, 0
		if hit {
			return true
		}
	}
	return false
}

// isOpenerLine reports a line (without its indent) that only opens a
// block: "{", "[" or "(", as C# and Allman-style code put them.
func isOpenerLine(l []byte) bool {
	l = bytes.TrimRight(l, " \t\r")
	return len(l) == 1 && (l[0] == '{' || l[0] == '[' || l[0] == '(')
}

// isSectionHeader reports an INI or TOML section header: "[name]",
// "[tool.acme]", "[[servers]]", "[remote \"origin\"]" (git config), alone
// on its line. A JSON or YAML bracket line ("[", "[1, 2]") is not one.
func isSectionHeader(line []byte) bool {
	line = bytes.TrimRight(line, " \t\r")
	if len(line) < 3 || line[0] != '[' || line[len(line)-1] != ']' {
		return false
	}
	name := bytes.Trim(line, "[]")
	if len(name) == 0 || len(line)-len(name) > 4 {
		return false
	}
	for _, c := range name {
		if !(c == '_' || c == '-' || c == '.' || c == ' ' || c == '"' || isAlnum(c)) {
			return false
		}
	}
	return isAlnum(name[0]) || name[0] == '"'
}

// maxSiblings is how many lines of the secret's own block, above it, a
// context rule reads for the provider's name (see inContext).
const maxSiblings = 4

// inValue reports whether offset at of line lies after the line's first
// ":" or "=": in the value of a "name: value" line, not in its name.
func inValue(line []byte, at int) bool {
	i := bytes.IndexAny(line, ":=")
	return i >= 0 && at > i
}

// indent returns how many spaces and tabs line begins with.
func indent(line []byte) int {
	n := 0
	for n < len(line) && (line[n] == ' ' || line[n] == '\t') {
		n++
	}
	return n
}

// allowed reports whether the user's configuration allows this secret.
func (e *Engine) allowed(secret string) bool {
	for _, re := range e.allow {
		if re.MatchString(secret) {
			return true
		}
	}
	if len(e.stopWords) > 0 {
		lower := strings.ToLower(secret)
		for _, w := range e.stopWords {
			if strings.Contains(lower, w) {
				return true
			}
		}
	}
	return false
}

// dedupe drops a candidate whose span equals or lies inside a kept one; on
// equal spans the earlier rule wins.
func dedupe(cands []candidate) []candidate {
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end), cmp.Compare(a.rule, b.rule))
	})
	kept := cands[:0]
	maxEnd := -1
	for _, c := range cands {
		if c.end <= maxEnd {
			continue
		}
		kept = append(kept, c)
		maxEnd = c.end
	}
	return kept
}

// findings converts candidates, sorted by start, into positioned, sorted
// findings.
func (e *Engine) findings(text []byte, cands []candidate) []Finding {
	if len(cands) == 0 {
		return nil
	}
	out := make([]Finding, 0, len(cands))
	ln, counted := 0, 0 // ln is the 0-based line of offset counted
	for _, c := range cands {
		ln += bytes.Count(text[counted:c.start], []byte{'\n'})
		counted = c.start
		col := utf8.RuneCount(text[lineStart(text, c.start):c.start]) + 1
		firstEnd := c.end
		if i := bytes.IndexByte(text[c.start:c.end], '\n'); i >= 0 {
			firstEnd = c.start + i
			if firstEnd > c.start && text[firstEnd-1] == '\r' {
				firstEnd--
			}
		}
		secret := string(text[c.start:c.end])
		out = append(out, Finding{
			Rule:        e.rules[c.rule],
			Line:        ln + 1,
			Column:      col,
			EndColumn:   col + utf8.RuneCount(text[c.start:firstEnd]),
			Secret:      Secret(secret),
			Fingerprint: Fingerprint(secret),
		})
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule.ID, b.Rule.ID))
	})
	return out
}

// lineStart returns the offset where the line holding off begins.
func lineStart(text []byte, off int) int {
	return bytes.LastIndexByte(text[:off], '\n') + 1
}

// linesEnd returns the offset just after the n-th "\n" from start, or
// len(text): the end of n lines, their last newline included.
func linesEnd(text []byte, start, n int) int {
	for ; n > 0; n-- {
		i := bytes.IndexByte(text[start:], '\n')
		if i < 0 {
			return len(text)
		}
		start += i + 1
	}
	return start
}

// lineAt returns the line holding off, without its "\n".
func lineAt(text []byte, off int) []byte {
	end := len(text)
	if i := bytes.IndexByte(text[off:], '\n'); i >= 0 {
		end = off + i
	}
	return text[lineStart(text, off):end]
}

// lowerASCII returns a lowercased copy of b. Only ASCII letters fold, so
// offsets in the copy are offsets in b (unicode.ToLower can change lengths).
func lowerASCII(b []byte) []byte {
	return lowerInto(nil, b)
}

// The only non-ASCII runes that fold to ASCII letters, in UTF-8: the
// Kelvin sign (k) and the long s (s).
var kelvin, longS = []byte("\u212a"), []byte("\u017f")

// hasOddFold reports whether b holds a rune that a case-insensitive regex
// matches as an ASCII letter, but the keyword prefilter (which folds ASCII
// only) does not see as one: there, a case-insensitive literal may start a
// match where no keyword or lead prefix was found.
func hasOddFold(b []byte) bool {
	return bytes.Contains(b, kelvin) || bytes.Contains(b, longS)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
