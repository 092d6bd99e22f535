// Package named expands the compact table of named long-tail providers
// (detect/rules/70-named.yaml) into rules. Such keys have no prefix (32 hex,
// 40 alphanumerics, a UUID): the provider's name standing near a value of
// the right shape, under a key-like name, is the signal. One entry is one
// key kind of one provider; it becomes a context rule whose keywords are the
// provider's names and whose regex is the assignment of a value of that
// shape to a key-like name.
//
// detect's tests and detect/internal/gencatalogue both expand the table
// with this package, so the generated catalogue and the tested one agree.
package named

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Entry is one key kind of one provider, as the table spells it.
type Entry struct {
	ID       string   `yaml:"id"`       // rule id, kebab-case
	Provider string   `yaml:"provider"` // e.g. "Adzuna"
	Kind     string   `yaml:"kind"`     // e.g. "API key"; the description is "Provider kind"
	Keywords []string `yaml:"keywords"` // the provider's distinctive names, lower case
	Shape    string   `yaml:"shape"`    // "hex 32", "alnum 32-40", "uuid" (see classes)
	Value    string   `yaml:"value"`    // instead of shape: the value's regex (one line, no groups)
	Example  string   `yaml:"example"`  // with value: a fakekey template of a valid value
	Names    string   `yaml:"names"`    // regex the value's name ends with; "" = DefaultNames
	Entropy  float64  `yaml:"entropy"`  // bits/char floor; 0 = the shape's default
	Env      string   `yaml:"env"`      // conventional env var
	Revoke   string   `yaml:"revoke"`   // where to revoke or rotate it
	// Enclosed marks a provider whose same-line forms another rule reports
	// (its name in the assignment): this entry adds the values whose name
	// stands only on an enclosing line, and its examples show only those.
	Enclosed bool     `yaml:"enclosed"`
	Match    []string `yaml:"match"` // examples beyond the generated ones
	NoMatch  []string `yaml:"nomatch"`
}

// Rule is what an entry expands to: the fields of detect.RuleSpec.
type Rule struct {
	ID, Description, Provider string
	Keywords                  []string
	Regex                     string
	SecretGroup               int
	Entropy                   float64
	EnvVar, Revoke, Validate  string
	Generic                   bool
	Context                   int
	Match, NoMatch            []string
}

// Context is how many lines above a value its provider's name may stand,
// on a line that encloses it (a YAML parent key, a block header).
const Context = 6

// DefaultNames is what the value's name must end with: a key-like word
// with a qualifier. A bare "key" is not enough (sort, cache, partition and
// public keys are not secrets), nor is "id".
const DefaultNames = `(?:api|access|auth|app|application|secret|private|license|licence|account|master|admin|service|server|user|personal|integration|ingest|ingestion|management|rest|developer|partner|client|consumer|subscription|sdk|write|project|org|bearer)[ _.-]?key|apikey|secret|token|password`

// class is a character class of key shapes: its regex, the bytes that may
// not follow a value (so the length is exact), its fakekey template name,
// and the entropy floor a random value of it clears.
type class struct {
	re, guard, tmpl string
	entropy         float64
}

var classes = map[string]class{
	"hex":    {`[0-9a-fA-F]`, `[^A-Za-z0-9_\n-]`, "hex", 3.0},
	"uhex":   {`[0-9A-F]`, `[^A-Za-z0-9_\n-]`, "uhex", 3.0},
	"alnum":  {`[A-Za-z0-9]`, `[^A-Za-z0-9_\n-]`, "alnum", 3.5},
	"lalnum": {`[a-z0-9]`, `[^A-Za-z0-9_\n-]`, "lalnum", 3.3},
	"ualnum": {`[A-Z0-9]`, `[^A-Za-z0-9_\n-]`, "ualnum", 3.3},
	"word":   {`[A-Za-z0-9_]`, `[^A-Za-z0-9_\n-]`, "word", 3.5},
	"b64url": {`[A-Za-z0-9_-]`, `[^A-Za-z0-9_\n-]`, "b64url", 3.5},
	"b64":    {`[A-Za-z0-9+/]`, `[^A-Za-z0-9+/=_\n-]`, "b64", 3.5},
	"digit":  {`[0-9]`, `[^A-Za-z0-9_\n-]`, "digit", 2.5},
}

const uuidRe = `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`

var shapeRe = regexp.MustCompile(`^([a-z0-9]+) ([0-9]+)(?:-([0-9]+))?$`)

// shape parses "class n" or "class min-max" into the value regex, its
// guard, a template of a valid value, one of a wrong length, and the
// entropy floor; "uuid" is the 8-4-4-4-12 hex form.
func shape(s string) (re, guard, tmpl, wrong string, entropy float64, minLen int, err error) {
	if s == "uuid" {
		u := "{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}"
		return uuidRe, `[^A-Za-z0-9_\n-]`, u, "{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 16}}", 3.0, 36, nil
	}
	m := shapeRe.FindStringSubmatch(s)
	if m == nil {
		return "", "", "", "", 0, 0, fmt.Errorf("shape %q: want \"class n\", \"class min-max\" or \"uuid\"", s)
	}
	c, ok := classes[m[1]]
	if !ok {
		return "", "", "", "", 0, 0, fmt.Errorf("shape %q: unknown class %q", s, m[1])
	}
	lo, _ := strconv.Atoi(m[2])
	hi := lo
	if m[3] != "" {
		hi, _ = strconv.Atoi(m[3])
	}
	if lo < 8 || hi < lo || hi > 512 {
		return "", "", "", "", 0, 0, fmt.Errorf("shape %q: length out of 8..512", s)
	}
	rep := fmt.Sprintf("{%d}", lo)
	if hi > lo {
		rep = fmt.Sprintf("{%d,%d}", lo, hi)
	}
	re = c.re + rep
	if m[1] == "b64" {
		re += "={0,2}"
	}
	return re, c.guard, fmt.Sprintf("{{%s %d}}", c.tmpl, lo), fmt.Sprintf("{{%s %d}}", c.tmpl, hi+3), c.entropy, lo, nil
}

// Rule expands the entry. The regex is a key-like name (Names), an
// assignment in the usual shapes (= := : => and "name", "value") and the
// value; the keywords are its context (see detect.RuleSpec.Context).
func (e *Entry) Rule() (Rule, error) {
	switch {
	case e.ID == "" || e.Provider == "" || e.Kind == "":
		return Rule{}, fmt.Errorf("entry %q: needs id, provider and kind", e.ID)
	case len(e.Keywords) == 0:
		return Rule{}, fmt.Errorf("entry %s: needs keywords", e.ID)
	}
	for _, k := range e.Keywords {
		if len(k) < 4 {
			return Rule{}, fmt.Errorf("entry %s: keyword %q is shorter than 4 bytes: not distinctive", e.ID, k)
		}
	}
	var (
		val, guard, tmpl, wrong string
		entropy                 float64
		minLen                  int
		err                     error
	)
	switch {
	case e.Value != "" && e.Shape == "" && e.Example != "":
		// A structured value (a separator, a fixed part) pins itself: the
		// guard only stops it inside a longer token.
		val, guard, tmpl, entropy = e.Value, `[^A-Za-z0-9_\n-]`, e.Example, 3.0
		if _, err := regexp.Compile(val); err != nil {
			return Rule{}, fmt.Errorf("entry %s: value: %w", e.ID, err)
		}
	case e.Value == "" && e.Example == "":
		val, guard, tmpl, wrong, entropy, minLen, err = shape(e.Shape)
		if err != nil {
			return Rule{}, fmt.Errorf("entry %s: %w", e.ID, err)
		}
	default:
		return Rule{}, fmt.Errorf("entry %s: give a shape, or a value with an example", e.ID)
	}
	if minLen > 0 {
		// Short random values have less room for entropy: 14 hex average
		// 3.3 bits/char, so the floor follows log2 of the length.
		entropy = min(entropy, math.Log2(float64(minLen))-1.1)
	}
	if e.Entropy != 0 {
		entropy = e.Entropy
	}
	names := e.Names
	if names == "" {
		names = DefaultNames
	}
	ends, err := regexp.Compile(`(?i:` + names + `)$`)
	if err != nil {
		return Rule{}, fmt.Errorf("entry %s: names: %w", e.ID, err)
	}
	// The provider's own name qualifies a key as well as "api" does:
	// DEEPGRAM_KEY, deepgramKey, and the provider as the name itself
	// (deepgram: in a map of keys) name the provider's key. Not for a
	// secret that pairs with a key: there PUSHER_KEY is the public half.
	own := !strings.Contains(strings.ToLower(e.Kind), "secret")
	if own {
		names += "|" + ownNames(e.Keywords)
		if e.Names == "" {
			// A bare "key" (adzuna:, then id: and key: below it) is the
			// provider's key once its name is in context; "sort_key" and
			// "cache_key" still are not.
			names += `|\bkey`
		}
	}
	r := Rule{
		ID:          e.ID,
		Description: e.Provider + " " + e.Kind,
		Provider:    e.Provider,
		Keywords:    e.Keywords,
		Regex: `(?i:` + names + `)["'\]]{0,2}(?:[ \t]*:?[ \t]*(?:str|[Ss]tring))?[ \t]*(?::{1,3}=|\?=|\.=|=>|=|:|,|>|[Vv]alue[ \t]*=)[ \t]*["'` + "`" + `]?(` + val + `)(?:` +
			guard + `|(?m:$))`,
		SecretGroup: 1,
		Entropy:     entropy,
		EnvVar:      e.Env,
		Revoke:      e.Revoke,
		Generic:     true,
		Context:     Context,
	}
	// The named-secret validator (a plausible random literal: not a word,
	// a fixture, a typed run) suits every shape of 16+ characters but a UUID or
	// digits alone.
	if e.Value == "" && e.Shape != "uuid" && minLen >= 16 && !strings.HasPrefix(e.Shape, "digit") {
		r.Validate = "named-secret"
		if e.Entropy == 0 {
			r.Entropy = 0 // the validator's floor fits the value's length and alphabet
		}
	}
	kw := e.Keywords[0]
	name := "api_key"
	if !ends.MatchString(name) {
		name = exampleName(names)
	}
	r.Match = []string{
		kw + ":\n  " + name + ": " + tmpl + "\n",
		fmt.Sprintf("provider \"%s\" {\n  region = \"eu-west-1\"\n  %s = \"%s\"\n}\n", kw, name, tmpl),
		// A sibling that names the provider in its value describes the block.
		fmt.Sprintf("service:\n  provider: %s\n  region: eu-west-1\n  %s: %s\n", kw, name, tmpl),
	}
	ownKey := fmt.Sprintf("%s_KEY=\"%s\"", strings.ToUpper(strings.ReplaceAll(kw, " ", "_")), tmpl)
	if !e.Enclosed {
		r.Match = append(r.Match, fmt.Sprintf("%s_%s = \"%s\"", strings.ReplaceAll(kw, " ", "_"), name, tmpl))
		if e.Env != "" && envNamesProvider(e.Env, e.Keywords) && ends.MatchString(e.Env) {
			r.Match = append(r.Match, e.Env+"="+tmpl)
		}
		if own {
			r.Match = append(r.Match, ownKey, fmt.Sprintf("api_keys:\n  %s: %s\n", kw, tmpl))
		}
		if own && e.Names == "" {
			r.Match = append(r.Match, fmt.Sprintf("%s:\n  id: 1234\n  key: %s\n", kw, tmpl))
		}
	}
	r.NoMatch = []string{
		name + ": " + tmpl,                     // no provider named
		kw + ":\n  " + name + "_id: " + tmpl,   // not a key-like name
		kw + ": 1\n" + name + ": " + tmpl,      // named on a sibling, not a parent
		kw + "_" + name + ` = os.environ["X"]`, // a reference
		kw + "_id: " + tmpl,                    // the provider's id, not its key
	}
	if wrong != "" {
		r.NoMatch = append(r.NoMatch, kw+":\n  "+name+": "+wrong) // wrong length
	}
	if own && e.Names == "" {
		r.NoMatch = append(r.NoMatch, fmt.Sprintf("%s:\n  sort_key: %s\n", kw, tmpl))
	}
	if !own && !ends.MatchString(kw+"_KEY") {
		r.NoMatch = append(r.NoMatch, ownKey) // the public half of a key and secret pair
	}
	r.Match = append(r.Match, e.Match...)
	r.NoMatch = append(r.NoMatch, e.NoMatch...)
	return r, nil
}

// ownNames is the names regex of the provider's own names: a keyword
// alone or followed by "key" (acme, acme_key, AcmeKey, "acme key").
func ownNames(keywords []string) string {
	quoted := make([]string, len(keywords))
	for i, k := range keywords {
		quoted[i] = regexp.QuoteMeta(k)
	}
	return `(?:` + strings.Join(quoted, "|") + `)(?:[ _.-]?key)?`
}

// exampleName turns the first alternative of a names regex into a name for
// the generated examples: "license[_.-]?key|..." gives "license_key".
func exampleName(names string) string {
	first, _, _ := strings.Cut(names, "|")
	first = strings.TrimPrefix(strings.TrimSuffix(first, ")"), "(?:")
	first = strings.NewReplacer("[_.-]?", "_", "[ _.-]?", "_", "?", "", "(", "", ")", "", "\\", "").Replace(first)
	return first
}

// envNamesProvider reports whether env holds one of the keywords, so that a
// line assigning it is in context on its own.
func envNamesProvider(env string, keywords []string) bool {
	lower := strings.ToLower(env)
	for _, k := range keywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}
