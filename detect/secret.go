package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Secret is a detected secret value. Every way of printing or serialising it
// (String, GoString, all fmt verbs, JSON, text) yields the Redact form, so a
// finding can be logged or rendered without leaking the key; only Reveal
// returns the value. One gap is inherent to a string type: encoding/json
// writes string-kinded map keys verbatim, so never key a map by Secret.
type Secret string

// Reveal returns the secret value itself. Call it only where the raw value is
// needed (e.g. to compare), never to print it.
func (s Secret) Reveal() string { return string(s) }

// String returns the redacted form.
func (s Secret) String() string { return Redact(string(s)) }

// GoString returns the redacted form as a Go expression, for %#v.
func (s Secret) GoString() string {
	return "detect.Secret(" + strconv.Quote(Redact(string(s))) + ")"
}

// Format applies any fmt verb and flags to the redacted form, so %x, %q or
// %-20s cannot reach the value either.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), Redact(string(s)))
}

// MarshalJSON encodes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Redact(string(s))) }

// MarshalText returns the redacted form (used by encoding/xml, yaml and
// map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redact(string(s))), nil }

// Redact returns a display form of s that identifies it without revealing
// it: min(4, n/4) leading characters, where n is its length in characters,
// then the length, e.g. "sk-p…(164 chars)". A short secret thus shows at most
// a quarter of itself, and never all of it. (For secrets of a few characters
// the length digits may coincide with the value; no rule matches those.)
func Redact(s string) string {
	n := utf8.RuneCountInString(s)
	show := min(4, n/4)
	end := 0
	for i := 0; i < show; i++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return s[:end] + "…(" + strconv.Itoa(n) + " chars)"
}

// Fingerprint returns the first 12 hex characters of the SHA-256 of s: stable
// across runs, so a finding can be allowlisted or tracked without storing the
// secret.
func Fingerprint(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}
