package detect

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

// The built-in catalogue lives in rules/*.yaml, with examples the tests
// check; catalogue_gen.go holds the same rules without examples as a Go
// literal, so start-up decodes nothing; analysis_gen.go holds what each
// rule's regex tells the scan (see analysis), derived from the new catalogue.
//
//go:generate go run ./internal/gencatalogue
//go:generate go test . -count=1 -run ^TestAnalysisGenerated$ -update
//go:generate go test . -count=1 -run ^TestPrefilterGenerated$ -update

// RuleSpec is the YAML schema of one rule: the embedded catalogue and user
// rules in .keyguard.yaml both use it. It is raw data; New validates and
// compiles it into a Rule.
//
// Keywords are a prefilter: the regex runs only on lines where one of them
// occurs (a regex that can match a newline searches the 200 lines from
// there), so a keyword should be a literal part of what the regex matches.
// A rule without keywords runs on all text.
type RuleSpec struct {
	ID          string   `yaml:"id"`          // kebab-case, unique
	Description string   `yaml:"description"` // e.g. "OpenAI API key"
	Provider    string   `yaml:"provider"`    // e.g. "OpenAI"
	Keywords    []string `yaml:"keywords"`    // literals for the prefilter, matched ASCII-case-insensitively
	Regex       string   `yaml:"regex"`       // RE2 syntax (Go regexp)
	SecretGroup int      `yaml:"secretGroup"` // capture group holding the secret; 0 = whole match
	Entropy     float64  `yaml:"entropy"`     // minimum Shannon entropy (bits/char) of the secret; 0 = no check
	EnvVar      string   `yaml:"env"`         // conventional env var name, e.g. OPENAI_API_KEY ("" if none)
	Revoke      string   `yaml:"revoke"`      // URL where the user revokes or rotates the secret
	Validate    string   `yaml:"validate"`    // name of an offline structural check (see validate.go); "" = none
	Generic     bool     `yaml:"generic"`     // no provider prefix: skipped in minified or generated files and long lines
	// Context makes the keywords context rather than part of the match: a
	// match counts when one of them starts on the secret's line before the
	// secret, or on one of the Context lines above that encloses it (see
	// inContext). 0 = off; at most maxContext.
	Context  int      `yaml:"context"`
	Examples Examples `yaml:"examples"`

	family string // the catalogue file it came from; "user" for .keyguard.yaml rules
}

// Examples are fakekey templates (see internal/fakekey) that, once expanded,
// must and must not produce a finding of their rule. Tests check them, so a
// rule documents and proves its own shape.
type Examples struct {
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"nomatch"`
}

// Rule is a validated rule, ready to scan. Its regex compiles on first use
// for built-in rules and in New for user rules.
type Rule struct {
	ID          string // e.g. "openai-api-key"
	Description string // what was found, e.g. "OpenAI API key"
	Provider    string // who issued it, e.g. "OpenAI"
	EnvVar      string // where the value belongs instead, e.g. OPENAI_API_KEY; "" if none
	Revoke      string // URL where the user revokes or rotates it
	Family      string // catalogue family, e.g. "ai", "cloud"; "user" for user rules

	index    int // position in the catalogue; lower wins ties
	generic  bool
	validate validator // nil: no structural check
	keywords []string  // lowercased
	pattern  string
	group    int
	entropy  float64
	context  int // RuleSpec.Context

	// pre, for a built-in rule, is its analysis worked out by go generate.
	pre *analysis
	// Derived from the regex on first use (see analyze.go): allocated then,
	// so that an engine's 700-odd rules take a third of the memory until
	// their keywords wake them (the catalogue's rules are written afresh by
	// every process, and fresh memory costs a page fault per 4 KB).
	prepOnce sync.Once
	prepErr  error
	*derived
}

// derived is what prepare derives from a rule's regex, and the compiled
// regexes.
type derived struct {
	multiLine bool // the regex can match a newline, so a match may span lines
	// retry: a generic one-line rule whose regex has no line anchor, so
	// that a search may resume inside a match its checks refused (see
	// searchSpan).
	retry  bool
	need   run          // a run of bytes every match holds; n == 0: none
	must   requiredByte // bytes every match holds one of; none: empty
	anchor anchorInfo   // whether the regex need only be tried at keyword hits
	lead   *leadInfo    // otherwise, the prefixes its matches begin with; nil: none
	shape  shape        // the bytes a try at a hit or lead prefix must start with
	// The patterns tried at keyword hits (see anchorInfo): the regex after
	// its boundary ("" unless anchor.boundary), and its variant for a place
	// just after a word byte ("" for none). anchor and lead hold no trees.
	restPattern string
	awPattern   string

	once     sync.Once
	re       *regexp.Regexp
	err      error
	anchOnce sync.Once
	anchored *regexp.Regexp // "^(?:" + pattern + ")" (or its rest), for tries at keyword hits
	awOnce   sync.Once
	awRe     *regexp.Regexp // the same for tries just after a word byte; nil: anchored
}

// validateSpec checks what can be checked without compiling the regex.
func validateSpec(s *RuleSpec) error {
	switch {
	case s.ID == "":
		return errors.New("missing id")
	case s.Regex == "":
		return errors.New("empty regex")
	case s.SecretGroup < 0:
		return fmt.Errorf("secretGroup %d is negative", s.SecretGroup)
	case s.Entropy < 0 || s.Entropy > 8:
		return fmt.Errorf("entropy %v is outside 0..8 bits per character", s.Entropy)
	case s.Context < 0 || s.Context > maxContext:
		return fmt.Errorf("context %d is outside 0..%d lines", s.Context, maxContext)
	case s.Context > 0 && len(s.Keywords) == 0:
		return errors.New("context needs keywords: they are the context")
	}
	for _, k := range s.Keywords {
		if k == "" {
			return errors.New("empty keyword")
		}
	}
	if s.Validate != "" && validators[s.Validate] == nil {
		return fmt.Errorf("unknown validate %q (known: %s)", s.Validate, strings.Join(validatorNames(), ", "))
	}
	return nil
}

// initRule fills r from a validated spec; the regex is not compiled yet.
// The built-in catalogue's keywords (lower case, never modified) are shared
// rather than copied; a caller's are copied, since the caller may reuse them.
func initRule(r *Rule, s *RuleSpec, index int, builtin bool) {
	kws := s.Keywords
	if !builtin { // built-in keywords are lower case (TestCatalogueMetadata)
		kws = make([]string, len(s.Keywords))
		for i, k := range s.Keywords {
			kws[i] = string(lowerASCII([]byte(k)))
		}
	}
	*r = Rule{
		ID:          s.ID,
		Description: s.Description,
		Provider:    s.Provider,
		EnvVar:      s.EnvVar,
		Revoke:      s.Revoke,
		Family:      s.family,
		index:       index,
		generic:     s.Generic,
		validate:    validators[s.Validate],
		keywords:    kws,
		pattern:     s.Regex,
		group:       s.SecretGroup,
		entropy:     s.Entropy,
		context:     s.Context,
	}
}

// prepare parses the regex once and derives what scans use to skip it:
// whether it spans lines, the run of bytes it needs, and whether it starts
// with a keyword. Parsing costs a fraction of compiling, and a rule whose
// keyword occurs only on lines it cannot match is never compiled at all.
func (r *Rule) prepare() error {
	r.prepOnce.Do(func() {
		r.derived = &derived{}
		if r.pre != nil && r.pre.fits(r) {
			r.pre.apply(r)
			r.retry = r.generic && !r.multiLine && !hasLineAnchor(r.pattern)
			return
		}
		tree, err := syntax.Parse(r.pattern, syntax.Perl)
		if err != nil {
			r.prepErr = fmt.Errorf("compile regex: %w", err)
			return
		}
		r.multiLine = matchesNewline(tree)
		r.retry = r.generic && !r.multiLine && !hasLineAnchor(r.pattern)
		if r.context > 0 && r.multiLine {
			r.prepErr = errors.New("a context rule's regex must keep to one line")
			return
		}
		r.need = requiredRun(tree)
		r.must = requiredBytes(tree, r.keywords)
		if r.context == 0 { // a context rule's matches need not start at its keyword
			r.anchor = anchorable(tree, r.keywords)
		}
		if !r.anchor.ok || len(r.keywords) == 0 {
			r.lead = leads(tree)
		}
		switch {
		case r.anchor.boundary: // tried after the boundary
			r.shape = matchShape(&syntax.Regexp{Op: syntax.OpConcat, Flags: tree.Flags, Sub: tree.Sub[1:]})
		case r.anchor.ok || r.lead != nil:
			r.shape = matchShape(tree)
		}
		// The regexes tried at hits compile from patterns, as those of a
		// rule prepared from its generated analysis do.
		if r.anchor.boundary {
			r.restPattern = r.anchor.rest.String()
		}
		aw := r.anchor.afterWord
		if r.lead != nil {
			aw, r.lead.afterWord = r.lead.afterWord, nil
		}
		if aw != nil {
			r.awPattern = aw.String()
		}
		r.anchor.rest, r.anchor.afterWord = nil, nil
	})
	return r.prepErr
}

// hasLineAnchor reports whether pattern holds a "^" outside a character
// class: a search that starts inside a line would take that place for a
// line's start.
func hasLineAnchor(pattern string) bool {
	inClass := false
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(pattern) && pattern[i+1] == '^' {
				i++
			}
			if i+1 < len(pattern) && pattern[i+1] == ']' {
				i++ // a leading "]" is a member
			}
		case c == '^':
			return true
		}
	}
	return false
}

// mustPrepare is prepare for a rule that New has validated.
func (r *Rule) mustPrepare() {
	if err := r.prepare(); err != nil {
		panic(fmt.Sprintf("detect: built-in rule %q: %v", r.ID, err))
	}
}

// compile compiles the regex once; safe for concurrent use.
func (r *Rule) compile() error {
	if err := r.prepare(); err != nil {
		return err
	}
	r.once.Do(func() {
		r.re, r.err = compilePattern(r.pattern, r.group)
	})
	return r.err
}

// compiled returns the compiled regex. A built-in rule that fails to compile is
// a bug in rules.yaml that TestBuiltinRulesCompile catches, so it panics
// rather than silently scanning less.
func (r *Rule) compiled() *regexp.Regexp {
	if err := r.compile(); err != nil {
		panic(fmt.Sprintf("detect: built-in rule %q: %v", r.ID, err))
	}
	return r.re
}

// anchoredRegexp returns the regex anchored at the start of its input, for
// rules whose matches start at a keyword; for a rule whose regex opens with
// a boundary, the regex after it.
func (r *Rule) anchoredRegexp() *regexp.Regexp {
	r.anchOnce.Do(func() {
		pattern := r.pattern
		if r.anchor.boundary {
			pattern = r.restPattern
		}
		re, err := compilePattern("^(?:"+pattern+")", r.group)
		if err != nil {
			panic(fmt.Sprintf("detect: rule %q: anchored regex: %v", r.ID, err))
		}
		r.anchored = re
	})
	return r.anchored
}

// triedAt returns the regex to try, anchored, at text[p:] in a region that
// starts at start: the anchored regex, or its variant for a place just
// after a word byte (see afterWord) when the rule has one.
func (r *Rule) triedAt(text []byte, start, p int) *regexp.Regexp {
	if p > start && isWordByte(text[p-1]) {
		if re := r.afterWordRegexp(); re != nil {
			return re
		}
	}
	return r.anchoredRegexp()
}

// afterWordRegexp compiles the rule's after-word variant once; nil when it
// has none.
func (r *Rule) afterWordRegexp() *regexp.Regexp {
	r.awOnce.Do(func() {
		pattern := r.awPattern
		if pattern == "" {
			return
		}
		re, err := compilePattern("^(?:"+pattern+")", r.group)
		if err != nil {
			panic(fmt.Sprintf("detect: rule %q: after-word regex: %v", r.ID, err))
		}
		r.awRe = re
	})
	return r.awRe
}

// compilePattern compiles pattern and checks that group exists.
func compilePattern(pattern string, group int) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("compile regex: %w", err)
	}
	if group > re.NumSubexp() {
		return nil, fmt.Errorf("secretGroup %d out of range: regex has %d groups", group, re.NumSubexp())
	}
	return re, nil
}

// matchesNewline reports whether any part of re can consume '\n'. Such rules
// are searched over a window of lines; all others line by line.
func matchesNewline(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == '\n' {
				return true
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return true
			}
		}
	case syntax.OpAnyChar:
		return true
	}
	for _, sub := range re.Sub {
		if matchesNewline(sub) {
			return true
		}
	}
	return false
}

// Generic reports whether the rule needs no provider prefix (a
// "name = value" shape); a provider rule is more specific on the same span.
func (r *Rule) Generic() bool { return r.generic }
