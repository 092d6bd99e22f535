// Package fakekey expands key templates into fake secrets at test time.
//
// keyguard's own repository must never look like a leak, so every key-shaped
// value in rule examples, fixtures and test scripts is stored as a template
// such as "sk-proj-{{alnum 48}}" and only becomes key-shaped in memory, while
// a test runs. Expansion is deterministic: the same template always yields
// the same value, so failures reproduce.
package fakekey

import (
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Alphabets that a template token can draw from.
var alphabets = map[string]string{
	"alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	// alnum62 is alnum in base62 digit order, for checksummed tokens.
	"alnum62": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"alpha":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"lower":   "abcdefghijklmnopqrstuvwxyz",
	"upper":   "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"ualnum":  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
	"lalnum":  "abcdefghijklmnopqrstuvwxyz0123456789",
	"digit":   "0123456789",
	"hex":     "0123456789abcdef",
	"uhex":    "0123456789ABCDEF",
	"b64":     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"b64url":  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"word":    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
}

// tokenRE matches "{{alphabet N}}" and "{{lit TEXT}}".
var tokenRE = regexp.MustCompile(`\{\{\s*([a-z0-9]+)\s+([^}]*?)\s*\}\}`)

// Expand replaces every "{{alphabet N}}" token with N characters drawn from
// that alphabet, "{{b62crc N}}" with N random base62 characters followed by
// their 6-character CRC-32 checksum (GitHub and npm tokens), and
// "{{lit TEXT}}" with TEXT (useful to split a well-known marker so the
// template itself does not contain it), and "{{enc base64}}…{{enc end}}"
// with the base64 of what lies between, expanded ("base64url" and "url"
// too), for values stored encoded. Randomness is seeded
// from the template, so Expand is deterministic. Unknown tokens panic: a
// malformed template is a bug in a test, not input.
func Expand(template string) string {
	out, _ := ExpandTokens(template)
	return out
}

// ExpandSeed is Expand with an explicit seed, for tests that need several
// distinct values from one template.
func ExpandSeed(template string, seed uint64) string {
	out, _ := expand(template, seed)
	return out
}

// ExpandTokens is Expand that also returns each generated random run, so a
// test can check that none of them ever reaches output unredacted.
func ExpandTokens(template string) (string, []string) {
	h := fnv.New64a()
	h.Write([]byte(template))
	return expand(template, h.Sum64())
}

func expand(template string, seed uint64) (string, []string) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var tokens []string
	out := tokenRE.ReplaceAllStringFunc(template, func(tok string) string {
		m := tokenRE.FindStringSubmatch(tok)
		kind, arg := m[1], m[2]
		if kind == "lit" {
			return arg
		}
		if kind == "enc" {
			if arg == "end" {
				return encEnd
			}
			if _, ok := encoders[arg]; !ok {
				panic(fmt.Sprintf("fakekey: unknown encoding %q in template", arg))
			}
			return encStart + arg + "\x01"
		}
		if kind == "b62crc" {
			// N random base62 characters and their CRC-32 in 6 base62
			// digits: the checksummed shape of GitHub and npm tokens.
			n, err := strconv.Atoi(arg)
			if err != nil || n <= 0 || n > 1<<20 {
				panic(fmt.Sprintf("fakekey: bad length %q in template", arg))
			}
			random := draw(rng, alphabets["alnum62"], n)
			tokens = append(tokens, random)
			return random + base62CRC32(random)
		}
		alpha, ok := alphabets[kind]
		if !ok {
			panic(fmt.Sprintf("fakekey: unknown alphabet %q in template", kind))
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 || n > 1<<20 {
			panic(fmt.Sprintf("fakekey: bad length %q in template", arg))
		}
		run := draw(rng, alpha, n)
		tokens = append(tokens, run)
		return run
	})
	return encode(out), tokens
}

func draw(rng *rand.Rand, alpha string, n int) string {
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < n; i++ {
		b.WriteByte(alpha[rng.IntN(len(alpha))])
	}
	return b.String()
}

// base62CRC32 writes the CRC-32 (IEEE) of s as 6 digits of the base62
// alphabet GitHub and npm use (0-9, A-Z, a-z).
func base62CRC32(s string) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	n := crc32.ChecksumIEEE([]byte(s))
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = digits[n%62]
		n /= 62
	}
	return string(b[:])
}

// IsTemplate reports whether s contains at least one template token.
func IsTemplate(s string) bool { return tokenRE.MatchString(s) }

// Markers that "{{enc NAME}}" and "{{enc end}}" leave for encode.
const (
	encStart = "\x00enc:"
	encEnd   = "\x00end\x00"
)

// encoders are the encodings "{{enc NAME}}…{{enc end}}" applies to the
// expanded text between them, for tests of values stored encoded.
var encoders = map[string]func(string) string{
	"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"url":       func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") },
}

// encode applies the encodings marked in an expanded template, innermost
// first, so that an encoded value may hold another.
func encode(s string) string {
	for {
		end := strings.Index(s, encEnd)
		if end < 0 {
			return s
		}
		start := strings.LastIndex(s[:end], encStart)
		if start < 0 {
			panic("fakekey: {{enc end}} without {{enc NAME}}")
		}
		rest := s[start+len(encStart) : end]
		name, text, ok := strings.Cut(rest, "\x01")
		if !ok {
			panic("fakekey: malformed {{enc}} in template")
		}
		s = s[:start] + encoders[name](text) + s[end+len(encEnd):]
	}
}
