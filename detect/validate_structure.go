package detect

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// validJWTCredential is validJWT narrowed to tokens that grant something and
// are not public by design: an unsigned token ("alg": "none") authenticates
// nothing, a Supabase anon key ships in every client bundle, and the demo
// keys of a local `supabase start` (issuer "supabase-demo") are the same
// published values on every machine.
func validJWTCredential(secret string) bool {
	if !validJWT(secret) {
		return false
	}
	parts := strings.Split(secret, ".")
	var header struct {
		Alg string `json:"alg"`
	}
	if !decodeJSONSegment(parts[0], &header) || strings.EqualFold(header.Alg, "none") {
		return false
	}
	if len(parts) != 3 {
		return true // a JWE's payload is encrypted
	}
	var claims struct {
		Iss  any `json:"iss"`
		Role any `json:"role"`
	}
	if !decodeJSONSegment(parts[1], &claims) {
		return true
	}
	iss, _ := claims.Iss.(string)
	role, _ := claims.Role.(string)
	return iss != "supabase-demo" && !(iss == "supabase" && role == "anon")
}

// validBase64Key checks a symmetric key written as standard base64,
// optionally after a "base64:" marker (Laravel's APP_KEY): it must decode
// strictly to 16, 32 or 64 bytes, as the framework's key generator writes
// it. A hand-typed value of the right length fails the strict decoding
// (nonzero padding bits) or the length most of the time.
func validBase64Key(secret string) bool {
	raw, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(secret, "base64:"))
	if err != nil {
		return false
	}
	switch len(raw) {
	case 16, 32, 64:
		return true
	}
	return false
}

// minURLPassword is the shortest password in a connection URL that is
// reported: shorter ones ("pw", "abc", "test") are local defaults and
// examples far more often than credentials anyone would rotate.
const minURLPassword = 6

// urlStandInWords mark a password slot that asks to be filled in
// ("REPLACE_WITH_PASSWORD", "change-me", "insert_password_here") or a
// password written to be seen ("password12345").
var urlStandInWords = []string{
	"replace", "changeme", "change_me", "change-me", "insert", "enter_", "enter-",
	"todo", "fixme", "tbd", "here", "goes", "fill", "set_me", "setme", "your",
	"password", "passwd", "pass_word", "pass.word", "secret",
	"test", "pass", "sesame", // "testpass123", "customPass", RFC 7617's "open sesame"
	"token", "apikey", // "Mailjet:authtoken@": the slot's name
}

// maxWordPassword is the longest single lower-case word read as a stand-in
// password ("mypass", "foobar", "letmein"); longer runs of lower-case
// letters are kept, as a generator's lower-case alphabet writes them.
const maxWordPassword = 8

// validURLPassword checks the password of a connection URL or DSN: long
// enough to be a real one, and not a stand-in. The password is read
// percent-decoded, as the client sends it. A stand-in is a fill-in word,
// CONSTANT_CASE, a name made of words ("apiKey",
// "authToken", "MagicWord": how tests and READMEs spell a credential's
// slot), one short lower-case word ("mypass") or letters too few and
// repeated for a random value ("aaaabbbbbbcccccc").
func validURLPassword(v string) bool {
	if len(v) < minURLPassword || strings.ContainsAny(v[:1], "<[") || strings.ContainsAny(v[len(v)-1:], ">]") {
		return false // too short, or a bracketed slot ("<password>", "[PASSWORD]")
	}
	if strings.Contains(v, "%") {
		if d, err := url.PathUnescape(v); err == nil {
			v = d
		}
		if len(v) < minURLPassword {
			return false
		}
	}
	lower := strings.ToLower(v)
	for _, w := range urlStandInWords {
		if strings.Contains(lower, w) {
			return false
		}
	}
	if leetReader.Replace(lower) == "password" {
		return false // "p4ssw0rd", "pa$$word"; "P@ssw0rd$1" has more to it
	}
	if isWordList(v) || isKeyboardMash(lower) {
		return false // "pass pass", "bar%bar", "one+two?"; "asdfqwer1234asdf"
	}
	letters, upper := true, true
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'a' <= c && c <= 'z':
			upper = false
		case 'A' <= c && c <= 'Z', c == '_', c == '-', c == '.', c == ':', c == '=':
		default:
			letters = false
		}
	}
	switch {
	case !letters:
		return true
	case upper:
		return false // API_KEY:API_SECRET
	case len(v) <= maxWordPassword && strings.Trim(v, "abcdefghijklmnopqrstuvwxyz") == "" && !isHex(v):
		return !pronounceable(v) // "deadbeef" is hex, as Sidekiq's license credentials are
	}
	name := pairSeparators.Replace(v)
	return !(isIdentifierLike(name) && wordCount(name) >= 2) && shannonEntropy(v) >= entropyFloor(v)
}

// isWordList reports a value made of two or more short lower-case words
// and the punctuation between them ("pass pass", "bar%bar", "one+two?"):
// what a test or a doc writes in a password's place. A generated password
// has capitals or digits; a single word is judged by the length rule of
// validURLPassword.
func isWordList(v string) bool {
	words := 0
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) > maxWordPassword || !pronounceable(w) {
			return false
		}
		words++
	}
	return words >= 2 && !strings.ContainsFunc(v, func(r rune) bool {
		return 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	})
}

// leetReader reads the digits and symbols people write for letters as
// those letters: "p4$$w0rd" is "password". Never changed after init.
var leetReader = strings.NewReplacer("4", "a", "@", "a", "3", "e", "0", "o", "$", "s", "5", "s", "1", "i")

// pairSeparators turn "API_KEY:API_SECRET" or "bar=bar" into one name.
var pairSeparators = strings.NewReplacer(":", "_", "=", "_")

// wordCount is the number of words in a name: parts split at separators,
// and camel-case humps within each.
func wordCount(name string) int {
	var buf [16]string
	n := 0
	for _, part := range strings.FieldsFunc(name, isPartSeparator) {
		words, _ := camelWords(buf[:0], part)
		n += len(words)
	}
	return n
}

// validAuthHeader checks the credential of an Authorization or API-key
// header on a command line: a UUID (many APIs issue those) or a value that
// passes the generic checks (not a name, reference or stand-in).
func validAuthHeader(v string) bool {
	return isUUID(v) || validGenericSecret(v)
}

// validKeyBlock accepts a private key block that reaches its END line, or
// that shows at least three lines of body: a block of one or two body lines
// and no END is the head of a key shown cut short ("MIIEvQIBADAN...", then
// "..." where the rest would be), which no program can load.
func validKeyBlock(secret string) bool {
	if strings.Contains(secret, "END ") {
		return true
	}
	lines := strings.Count(secret, "\n") + strings.Count(secret, "\\n") + strings.Count(secret, "\r") - strings.Count(secret, "\r\n")
	return lines >= 3
}
