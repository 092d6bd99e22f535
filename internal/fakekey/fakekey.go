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
	// b32 and lb32 are RFC 4648 base32 (AWS key ids, Azure DevOps tokens);
	// bech32u is bech32's alphabet in upper case (age secret keys).
	"b32":     "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	"lb32":    "abcdefghijklmnopqrstuvwxyz234567",
	"bech32u": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
	// django is the alphabet of Django's get_random_secret_key.
	"django": "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)",
	// wpsalt is the alphabet of WordPress's secret-key service, without
	// the quotes and backslash a PHP string literal would need escaped.
	"wpsalt": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|",
	// bech32 is the Bech32 data alphabet (BIP 173) in upper case, as age
	// writes its secret keys.
	"bech32": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
	// bech32l is the same alphabet in lower case (Nostr's nsec keys).
	"bech32l": "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
}

// tokenRE matches "{{alphabet N}}", "{{lit TEXT}}", "{{base64 N}}" and the
// argument-less "{{uuid}}", "{{UUID}}" and "{{jwt}}". Only those three names
// may go without an argument, so text such as a Jinja "{{ name }}" is never
// mistaken for a token.
var tokenRE = regexp.MustCompile(`\{\{\s*([a-z0-9]+)\s+([^}]*?)\s*\}\}|\{\{\s*(uuid|UUID|jwt)\s*\}\}`)

// Expand replaces every "{{alphabet N}}" token with N characters drawn from
// that alphabet, "{{b62crc N}}" with N random base62 characters followed by
// their 6-character CRC-32 checksum (GitHub and npm tokens),
// "{{base64 N}}" with N random bytes in padded base64, "{{uuid}}" (or
// "{{UUID}}") with a random version 4 UUID, "{{jwt}}" with a JWT of random
// claims and signature, and
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
		switch {
		case m[3] != "":
			v := bare(rng, m[3])
			tokens = append(tokens, v)
			return v
		case kind == "lit":
			return arg
		case kind == "base64":
			// N random bytes in padded standard base64, as keys that are
			// encoded bytes (Laravel's APP_KEY, Azure storage keys) look.
			n, err := strconv.Atoi(arg)
			if err != nil || n <= 0 || n > 1<<20 {
				panic(fmt.Sprintf("fakekey: bad length %q in template", arg))
			}
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			v := base64.StdEncoding.EncodeToString(b)
			tokens = append(tokens, v)
			return v
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

// bare expands the argument-less tokens.
func bare(rng *rand.Rand, kind string) string {
	switch kind {
	case "uuid", "UUID":
		// A version 4 UUID (RFC 9562): version nibble 4, variant 10xx.
		h := draw(rng, alphabets["hex"], 32)
		u := h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[rng.IntN(4)]) + h[17:20] + "-" + h[20:]
		if kind == "UUID" {
			u = strings.ToUpper(u)
		}
		return u
	default: // jwt
		// A JWT as RFC 7519 lays it out: base64url JSON header and claims,
		// then a 256-bit signature.
		enc := base64.RawURLEncoding
		header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
		claims := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%s","iat":%d,"role":"service"}`,
			draw(rng, alphabets["lalnum"], 20), 1600000000+rng.IntN(200000000))))
		sig := make([]byte, 32)
		for i := range sig {
			sig[i] = byte(rng.IntN(256))
		}
		return header + "." + claims + "." + enc.EncodeToString(sig)
	}
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
