package detect

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"math"
	"regexp"
	"slices"
	"strings"
)

// allowMarkers silence every finding on the line that holds them. The
// gitleaks and detect-secrets spellings are honoured so existing
// annotations keep working when a project switches to keyguard.
var allowMarkers = [][]byte{
	[]byte("keyguard:allow"),
	[]byte("gitleaks:allow"),
	[]byte("pragma: allowlist secret"),
}

// hasAllowMarker reports whether line carries an inline allow comment.
func hasAllowMarker(line []byte) bool {
	for _, m := range allowMarkers {
		if bytes.Contains(line, m) {
			return true
		}
	}
	return false
}

// shannonEntropy returns the Shannon entropy of s in bits per byte. Real keys
// are random (4-6 bits/char); hand-typed stand-ins like "aaaa1111" are not.
func shannonEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// placeholderWords mark documentation and template values. They are matched
// in lower, UPPER and Title case only: a random key rarely holds a whole word
// in one consistent case, so real keys are seldom dropped by accident.
var placeholderWords = []string{
	"your", "example", "placeholder", "dummy", "redacted", "changeme",
}

// placeholderForms are placeholderWords as they are written: in lower
// case, in upper case and capitalized ("your", "YOUR", "Your").
var placeholderForms = func() []string {
	var forms []string
	for _, w := range placeholderWords {
		forms = append(forms, w, strings.ToUpper(w), strings.ToUpper(w[:1])+w[1:])
	}
	return forms
}()

// placeholderMarks are fragments no real key contains but elisions and
// masked values do: ellipses and masks. Templates are hasTemplate's.
var placeholderMarks = []string{
	"xxxx", "XXXX", "...", "***",
	"000000000000", // a masked middle: "GOCSPX-2k8gsR0000000000000000VNahJj"
}

// templateOpeners open an interpolation (shell, Jinja and Go templates,
// ERB, Ruby, Python %-format) that hasTemplate looks for whole, each with
// what must close it and whether what stands between must read as a name
// or a command rather than random characters.
var templateOpeners = []struct {
	open, close string
	nameOnly    bool
}{
	{"${", "}", true}, {"$(", ")", true}, {"#{", "}", false},
	{"{{", "}}", false}, {"{%", "%}", false}, {"<%", "%>", false},
}

// pyFormat is Python's %-format slot, "%(name)s".
var pyFormat = regexp.MustCompile(`%\([A-Za-z0-9_]+\)[sdifr]`)

// hasTemplate reports an interpolation in a value: an opener, then its
// closer ("${DB_PASSWORD}", "$(cat /run/secrets/db)", "{{ .Values.key }}",
// "<%= ENV['KEY'] %>", "%(password)s"), or an opener and a name up to the
// value's end, where a space cut the template. Its opener alone is not enough:
// keys drawn from punctuation-rich alphabets hold "$(", "%(" or "<%" by
// chance (a Django key one time in 25, a WordPress salt one in 14), and a
// random key seldom closes what it opened with a name between.
func hasTemplate(s string) bool {
	for _, t := range templateOpeners {
		for from := 0; ; {
			i := strings.Index(s[from:], t.open)
			if i < 0 {
				break
			}
			start := from + i + len(t.open)
			j := strings.Index(s[start:], t.close)
			if j < 0 {
				// Cut short where the value ends ("{{ .Values.key" at a
				// space): a name up to the end is the template too.
				if isTemplateName(strings.TrimSpace(s[start:])) {
					return true
				}
				break
			}
			if inner := s[start : start+j]; !t.nameOnly || isTemplateName(inner) {
				return true
			}
			from = start
		}
	}
	return strings.Contains(s, "%(") && pyFormat.MatchString(s)
}

// isTemplateName reports what a shell interpolation holds: a variable
// name with an optional default ("DB_PASSWORD", "KEY:-dev") or a command
// ("cat /run/secrets/db"), not random punctuation.
func isTemplateName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("_.:-/ '\"=", rune(c)) {
			return false
		}
	}
	return true
}

// keyboardRuns are hand-typed filler ("qwerty123456"); matched in any case.
var keyboardRuns = []string{"qwerty", "asdfgh", "zxcvbn"}

// keyboardRows are the runs a hand on a keyboard types: its rows and the
// alphabet and digits in order (isKeyboardMash).
var keyboardRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "abcdefghijklmnopqrstuvwxyz"}

// isKeyboardMash reports whether a lower-case value is typed from runs of
// three or more neighbouring keys, all but two characters of it
// ("asdfqwer1234asdf", "qwer1234"): a stand-in, where a random value of
// eight or more characters is nearly never covered so.
func isKeyboardMash(lower string) bool {
	if len(lower) < 8 {
		return false
	}
	loose := 0
	for i := 0; i < len(lower); {
		n := 0
		for _, row := range keyboardRows {
			for k := len(lower) - i; k >= 3 && k > n; k-- {
				if strings.Contains(row, lower[i:i+k]) {
					n = k
					break
				}
			}
		}
		if n == 0 {
			loose++
			i++
			continue
		}
		i += n
	}
	return loose <= 2
}

// digestPrefixes introduce content hashes, never credentials: Subresource
// Integrity in package-lock.json and yarn.lock ("sha512-..."), go.sum and
// go.work.sum ("h1:...="), and OCI image or checksum digests ("sha256:...").
var digestPrefixes = []string{
	"sha1-", "sha256-", "sha384-", "sha512-", "h1:", "sha1:", "sha256:", "sha384:", "sha512:", "md5:",
}

// documentedExamples are the Fingerprints of values published in provider
// documentation or known by heart (Stripe's documented test keys, jwt.io's
// sample token, the MD5 and SHA-256 of the empty string). They are stored as
// fingerprints so that this file holds nothing key-shaped.
var documentedExamples = map[string]bool{
	"2cafc0970149": true, // Stripe docs: secret test key
	"b1471f544cee": true, // Stripe docs: publishable test key
	"f2d6ca165150": true, // Stripe docs (older pages): secret test key
	"7f75367e7881": true, // jwt.io: the HS256 sample token
	"8d4ef6536dc8": true, // RFC 7519 section 3.1 and RFC 7515 appendix A.1: the example HS256 JWS
	"f215faf9d88b": true, // MD5 of the empty string
	"cd372fb85148": true, // SHA-256 of the empty string
	"60a09e435786": true, // Hardhat / Anvil development account #0 private key
	"095101cf732c": true, // Hardhat / Anvil development account #1 private key
	"bb4978fbe763": true, // Hardhat / Anvil development account #2 private key
	"2598f7d6adc1": true, // Flask docs: the SECRET_KEY shown in app.config.update and the deploy tutorial
	"9cb335cb7b5f": true, // Flask docs: the FLASK_SECRET_KEY shown in the configuration chapter
	"6a1293689ed9": true, // ECPay developer docs: a stage merchant's HashKey
	"9aa60642b9bf": true, // ECPay developer docs: that merchant's HashIV
	"44cbabec1601": true, // ECPay developer docs: another stage merchant's HashKey
	"09b3167f9cff": true, // ECPay developer docs: that merchant's HashIV
	"570dad43de1a": true, // FastAPI docs: the SECRET_KEY of the OAuth2 with JWT tutorial
	"8664e8d63d0b": true, // Rails guides: db:encryption:init output, primary_key
	"777cc47e9909": true, // Rails guides: db:encryption:init output, deterministic_key
	"0011cc25eb43": true, // Azurite, the Azure Storage emulator: its well-known account key
	"39aa7f953648": true, // the same key in base64, as Kubernetes manifests for Azurite hold it
	"6c96130f130a": true, // RFC 6749 and RFC 7662: the example access token
	"00cf4c781dc3": true, // RFC 6749: the example refresh token
	"ca7459e2b267": true, // RFC 6749: the example client credentials (s6BhdRkqt3) in Basic
	"53f5da0aaa93": true, // RFC 6749: the same client's password, as the basic-auth rule reads it decoded
	"c97b628dec75": true, // RFC 7662: the example bearer token of the introspection request
	"1bbb9293c38a": true, // MinIO docs: the access key of the public play.min.io server
	"df452eef23e8": true, // MinIO docs: the secret key of the public play.min.io server
	"c4e91d73cd54": true, // MinIO docs: the MINIO_KMS_SECRET_KEY of every KMS example ("my-minio-key:...")
	"5026e25d2f10": true, // MinIO docs and scripts: the "minio-default-key:..." KMS example
	"c2c97b1913d8": true, // Rails guides: db:encryption:init output, key_derivation_salt
	"e90837d3b18a": true, // Rails guides: key rotation example, key_derivation_salt
	"a6d45a313ecb": true, // Rails guides, command line: db:encryption:init primary_key
	"bb182200f092": true, // Rails guides, command line: db:encryption:init deterministic_key
	"8a747b65af12": true, // Rails guides, command line: db:encryption:init key_derivation_salt
}

// minSequence is the shortest ascending or descending run (e.g. "123456",
// "abcdef") taken as hand-typed; random keys hold one with probability
// around 1e-6 or less.
const minSequence = 6

// isPlaceholder reports whether secret looks like a stand-in rather than a
// real credential. Every check errs towards keeping findings: it must be
// near-impossible for a random key to trip it.
func isPlaceholder(secret string) bool {
	typed := len(secret) <= maxTyped
	for _, w := range placeholderForms {
		// Covers "your-key", "YOUR_API_KEY", "YourKey"; AWS's documented
		// example keys end in "EXAMPLE" / "EXAMPLEKEY".
		if typed && strings.Contains(secret, w) {
			return true
		}
	}
	for _, m := range placeholderMarks {
		if (typed || !isAlnumString(m)) && strings.Contains(secret, m) {
			return true
		}
	}
	if hasTemplate(secret) {
		return true
	}
	if hasAngleStandIn(secret) {
		return true
	}
	lower := strings.ToLower(secret)
	for _, k := range keyboardRuns {
		if typed && strings.Contains(lower, k) {
			return true
		}
	}
	for _, p := range digestPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return isOneCharRun(secret) || (typed && (hasSequence(secret, minSequence) || isDoubledSequence(secret))) ||
		isPeriodic(secret) || documentedExamples[Fingerprint(secret)] || isHelloBase32(secret)
}

// isDoubledSequence reports a run typed with every character twice, in
// order: "00112233445566778899aabbccddeeff", the stand-in key of many
// device configurations and test vectors.
func isDoubledSequence(s string) bool {
	if len(s) < 2*minSequence || len(s)%2 != 0 {
		return false
	}
	half := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		if s[i] != s[i+1] {
			return false
		}
		half = append(half, s[i])
	}
	return hasSequence(string(half), minSequence)
}

// isHelloBase32 reports a base32 value that decodes to "Hello": the TOTP
// secret of Google Authenticator's documentation ("Hello!" and 0xDEADBEEF)
// and its variants, which every TOTP test and tutorial copies.
func isHelloBase32(s string) bool {
	if len(s) < 16 || len(s) > 64 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=") != "" {
		return false
	}
	s = strings.TrimRight(s, "=")
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s[:len(s)/8*8]) // whole 5-byte groups
	return err == nil && len(raw) >= 5 && strings.EqualFold(string(raw[:5]), "hello")
}

// maxTyped bounds the secrets searched for stand-ins made of letters and
// digits (a word such as "your", "xxxx", "qwerty", "123456"): a stand-in
// is typed, and short. In a longer value, a private key's 1.6-3.2 KB of
// base64 or a runaway user regex's 64 KB, one of them turns up by chance
// (in 64 KB of random letters and digits about 2.5% of the time) and would
// drop a real key. Marks that random keys never hold ("...", "${",
// "<your-key>") are looked for at any length.
const maxTyped = 512

// isAlnumString reports whether s is letters and digits only.
func isAlnumString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// hasAngleStandIn reports an angle-bracket stand-in such as "<your-key>",
// "<token>" or "<API KEY>": a "<", then only name characters, then ">".
// Keys drawn from a punctuation-rich alphabet (WordPress salts hold "<" or
// ">" three times in four) are not taken for templates because of a bracket
// alone.
func hasAngleStandIn(s string) bool {
	lt, gt := strings.IndexByte(s, '<'), strings.LastIndexByte(s, '>')
	if lt < 0 || gt < lt {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		j := i + 1
		for j < len(s) && (class(s[j]) != 0 || strings.IndexByte("_-. :", s[j]) >= 0) {
			j++
		}
		// A stand-in names what belongs there (<key>, <your-token>); one
		// or two characters between the brackets ("<c>") turn up by chance
		// in salts drawn from punctuation (WordPress's, one in 100).
		if j < len(s) && s[j] == '>' && j-i-1 >= 3 && strings.ContainsFunc(s[i+1:j], isLetter) {
			return true
		}
	}
	return false
}

// minPeriodic and maxPeriod bound isPeriodic: 16 characters repeating a unit
// of at most 8 fix at least 8 characters, so a random key (even hex) trips
// it with odds below 1 in 10^9.
const (
	minPeriodic = 16
	maxPeriod   = 8
)

// isPeriodic reports whether the secret, or the part after its last
// separator (the body after a prefix such as "sk_live_"), repeats a short
// unit: "abababab...", or base64 of zero or repeated bytes ("AAAA...",
// "YWFhYWFh..."). Trailing base64 padding is ignored.
func isPeriodic(secret string) bool {
	s := strings.TrimRight(secret, "=")
	body := s
	if i := strings.LastIndexAny(s, "_-.:"); i >= 0 {
		body = s[i+1:]
	}
	return repeatsUnit(s) || repeatsUnit(body)
}

// repeatsUnit reports whether s is at least minPeriodic long and equal to
// itself shifted by some period of at most maxPeriod.
func repeatsUnit(s string) bool {
	if len(s) < minPeriodic {
		return false
	}
	for p := 1; p <= maxPeriod; p++ {
		i := p
		for i < len(s) && s[i] == s[i-p] {
			i++
		}
		if i == len(s) {
			return true
		}
	}
	return false
}

// isOneCharRun reports whether the longest alphanumeric run of s is a single
// repeated character ("sk_live_0000000000"): a filler, not a key. Only the
// longest run counts, since real keys (e.g. OpenSSH bodies) contain "AAAA".
func isOneCharRun(s string) bool {
	best, bestStart := 0, 0
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAlnum(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > best {
			best, bestStart = i-start, start
		}
		start = -1
	}
	if best < 4 {
		return false
	}
	run := s[bestStart : bestStart+best]
	return strings.Count(run, run[:1]) == len(run)
}

// hasSequence reports whether s holds n or more consecutive characters that
// step by +1 or -1 within digits, lower or upper letters ("123456", "fedcba").
func hasSequence(s string, n int) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		same := isAlnum(a) && isAlnum(b) && class(a) == class(b)
		if same && b == a+1 {
			up++
		} else {
			up = 1
		}
		if same && b+1 == a {
			down++
		} else {
			down = 1
		}
		if up >= n || down >= n {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool { return class(c) != 0 }

// class groups ASCII bytes into digits (1), lower (2) and upper (3) letters.
func class(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return 1
	case c >= 'a' && c <= 'z':
		return 2
	case c >= 'A' && c <= 'Z':
		return 3
	}
	return 0
}

// Length bounds of generic values: shorter keys are too weak to tell from
// words; longer values are blobs (certificates, images, sealed and
// encrypted secrets in standard base64), not typed secrets, except for
// URL-safe tokens up to maxGenericToken (OAuth access and refresh tokens
// run to several hundred characters: LinkedIn's, Azure AD's).
const (
	minGenericSecret   = 16
	minGenericPassword = 12
	maxGenericValue    = 256
	maxGenericToken    = 2048
)

// isLongToken reports a value longer than maxGenericValue that is a
// token's URL-safe run (letters, digits, "-", "_" and "."; no "+" or "/",
// which a base64 blob such as a SealedSecret's ciphertext holds), within
// maxGenericToken.
func isLongToken(v string) bool {
	return len(v) > maxGenericValue && len(v) <= maxGenericToken &&
		allBytes(v, func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' })
}

// genericWords mark test fixtures and self-describing stand-ins. Generic
// rules only, and matched in any case: a random 16+ character value holds
// one of these 4+ letter words with odds around 1 in 10^4, but a provider
// prefix may legitimately contain one (e.g. a "test" key type).
var genericWords = []string{
	"test", "fake", "mock", "sample", "demo", "dummy", "example", "placeholder", "changeme",
	"secret", "passw", "token", "apikey", "api_key", "api-key", "redacted", "insert", "replace",
}

// deferredPrefixes start values that a provider rule judges better than a
// generic one: checksummed tokens (their rule judges a wrong checksum)
// and publishable keys, which are public by design.
var deferredPrefixes = []string{
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "npm_", "pk_live_", "pk_test_", "rk_test_",
	"phc_", "sb_publishable_", // PostHog project keys and Supabase publishable keys: public by design
	"pk.eyj",                           // Mapbox public tokens
	"appl_", "goog_", "amzn_", "strp_", // RevenueCat's public app-specific SDK keys (its secret keys are sk_)
}

// validGenericSecret accepts a value assigned to an api_key/secret/token
// name only if it is a plausible random literal.
//
// Hex is a decision: generic rules keep hex of every length, 32, 40 and 64
// included, and UUIDs, since that is how many secrets are minted (openssl
// rand -hex, Datadog, Twilio, Algolia keys, legacy 40-hex GitHub tokens;
// Heroku, Postmark, Snyk and Keycloak client secrets are UUIDs), and a
// digest or an id is seldom assigned to a name like api_key, secret or
// token: the name is what tells them apart (client_id, tenant_id and
// request ids are not key-like names), and digests under their own names
// (sha256:, integrity, go.sum h1:) are placeholders for every rule. An MD5
// stored as a password never passes the password rule, which needs three
// character classes.
func validGenericSecret(v string) bool {
	if len(v) < minGenericSecret || len(v) > maxGenericValue && !isLongToken(v) || !isLiteralValue(v) {
		return false
	}
	if strings.IndexByte(v, '?') >= 0 {
		// No key alphabet (hex, base32, base58, base62, base64 and its URL
		// form) holds "?": a value with one is a query string, a template
		// ("???") or a key with a character knocked out. Passwords, which
		// may hold any character, are judged by validGenericPassword.
		return false
	}
	switch {
	case charClasses(v, false) < 2: // one-case words ("abcdefghijklmnopq" or "LONGCONSTANT")
		return randomParts(v) // unless a prefix and a long random run of one case: "sk-" and 48 letters
	default:
		return randomEnough(v)
	}
}

// randomEnough reports a value whose entropy reaches the floor of its length
// and alphabet, either whole or part by part (randomParts).
func randomEnough(v string) bool {
	return shannonEntropy(v) >= entropyFloor(v) || randomParts(v) || prefixedHex(v) || prefixedUUID(v)
}

// prefixedUUID reports a UUID behind a short prefix of letters, as
// providers issue keys ("web-" and a UUID, Retool's "SSOP_" and one): one
// or two words of at most 8 letters, then a random UUID. The UUID's short
// groups keep randomParts from reading it.
func prefixedUUID(v string) bool {
	if len(v) < 38 {
		return false
	}
	u := v[len(v)-36:]
	sep := v[len(v)-37]
	if !isRandomUUID(u) || sep != '-' && sep != '_' {
		return false
	}
	words := strings.FieldsFunc(v[:len(v)-37], func(r rune) bool { return r == '-' || r == '_' })
	if len(words) == 0 || len(words) > 2 {
		return false
	}
	for _, w := range words {
		if len(w) > 8 || strings.TrimFunc(w, isLetter) != "" {
			return false
		}
	}
	return true
}

// prefixedHex reports a value of one to four letters glued to a run of 32
// or more hex digits that is random as hex ("A" and 32 hex, as Kaleyra's
// keys are, "PLAK" and 32 as Planet's): the letters lower the whole
// value's entropy under the floor of the classes it then holds, though the
// hex reaches its own.
func prefixedHex(v string) bool {
	for i := 1; i <= 4 && i < len(v) && isLetter(rune(v[i-1])); i++ {
		if body := v[i:]; len(body) >= 32 && isHex(body) && shannonEntropy(body) >= entropyFloor(body) {
			return true
		}
	}
	return false
}

// randomParts reports a key written as a short prefix of letters and one or
// more random parts, each drawn from an alphabet of its own ("fhb-" and 32
// hex, "t-" then 24 and 32 hex, 32 hex "." 16 alphanumerics): the whole
// value mixes alphabets, so its entropy falls under the floor of the union
// they make, though each part reaches its own. At most two prefix words of
// at most 8 letters ("key_", "secret-live-"), then parts of 8 or more
// characters (16 or more in all), each of two classes or hex and each
// reaching its own floor; a name of words ("my-app-name") has no such part.
// A number of 3 to 12 digits may come first (ManyChat's "page id:" and 32
// hex, Fiken's "id." and a random part).
func randomParts(v string) bool {
	parts := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("-_.:", r) })
	if len(parts) < 2 {
		return false
	}
	i := 0
	if n := len(parts[0]); n >= 3 && n <= 12 && strings.Trim(parts[0], "0123456789") == "" {
		i++ // an account's or a page's number first: "8601740:" and a random part
	}
	for i < len(parts) && i < 2 && len(parts[i]) <= 8 && strings.TrimFunc(parts[i], isLetter) == "" {
		i++
	}
	body := 0
	for _, p := range parts[i:] {
		if len(p) < 8 || !(charClasses(p, false) >= 2 || isHex(p) && len(p) >= 16 || oneCaseRun(p)) ||
			shannonEntropy(p) < entropyFloor(p) {
			return false
		}
		body += len(p)
	}
	return body >= 16
}

// oneCaseRun reports a part of 40 or more letters of one case that is
// random, not words: a prose or identifier run of that length repeats
// letters (entropy under 3.9 bits) or reads as words, and a run of the
// alphabet ("abcdefgh...") steps up one letter at a time; 40 random
// lower-case letters average 4.3 bits and fall under 3.9 once in 50.
func oneCaseRun(p string) bool {
	if len(p) < 40 || strings.TrimFunc(p, isLetter) != "" || charClasses(p, false) != 1 {
		return false
	}
	steps := 0
	for i := 1; i < len(p); i++ {
		if p[i] == p[i-1]+1 {
			steps++
		}
	}
	return steps < len(p)/4 && shannonEntropy(p) >= 3.9 && !readsAsName(p)
}

// validCodeKey accepts a value assigned to a lower-case or camel-case
// *_key name (generic-code-key) if it passes validGenericSecret and is not
// what such names hold in code besides keys: a UUID (an id), a format
// string ("%Y-%m-%d"), or a name of letters only that reads as words
// ("accountByUserIdPrefix", "SSL_CLIENT_S_DN_Email"); a random key of 16
// or more letters and digits holds a digit but for odds near one in 20.
func validCodeKey(v string) bool {
	if !validGenericSecret(v) || isDashedID(v) || strings.IndexByte(v, '%') >= 0 || isDNSName(v) {
		return false
	}
	if strings.HasPrefix(v, "/") && strings.Count(v, "/") >= 2 {
		return false // an absolute path: /var/run/docker/netns/3df878d8ed31
	}
	if strings.IndexByte(v, '/') > 0 && hasFileExtension(v) {
		return false // a stored file's path: <collection>/<record>/thumb_<name>.png
	}
	if isLowerPath(v) {
		return false // a secret store's path: prod/integrations/acme
	}
	if isDigestName(v) {
		return false // a cache key: Linux-node-<sha256 of the lockfile>
	}
	if scheme, _, ok := strings.Cut(v, ":"); ok && scheme != "" && strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz") == "" && !randomParts(v) {
		return false // a namespaced id, "openai:gpt-4o-mini"; "dal:" and a random part is a key
	}
	return !isWordName(v)
}

// isLowerPath reports a relative path of lower-case names, as secret
// stores address their entries (remoteRef key: prod/integrations/acme,
// secret/data/payments): a "/" between parts of lower-case letters,
// digits, "-", "_" and ".", each with a letter. Base64 keys, which hold
// "/" too, mix in upper case.
func isLowerPath(v string) bool {
	if strings.IndexByte(v, '/') <= 0 {
		return false
	}
	for _, part := range strings.Split(v, "/") {
		if part == "" || strings.IndexFunc(part, isLetter) < 0 ||
			strings.TrimFunc(part, func(r rune) bool {
				return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.'
			}) != "" {
			return false
		}
	}
	return true
}

// isDigestName reports a name that ends in a content digest: words and
// then the hex of a SHA-1 or SHA-256, as CI caches and build artifacts are
// named ("Linux-node-<sha256>", "deps_cache.<sha1>"). A key's prefix words
// (key-, live_, secret-) before hex still make a key.
func isDigestName(v string) bool {
	i := strings.LastIndexAny(v, "-_.")
	if i <= 0 {
		return false
	}
	if d := v[i+1:]; len(d) != 40 && len(d) != 64 || !isHex(d) || strings.ToLower(d) != d {
		return false
	}
	for _, w := range strings.FieldsFunc(v[:i], isPartSeparator) {
		if strings.TrimFunc(w, isLetter) != "" || slices.Contains(prefixWords, strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// isWordName reports a value of letters only whose camel-case and
// separated words all read as words: "accountByUserIdPrefix",
// "SSL_CLIENT_S_DN_Email", "GetMachineHealthChecksForCluster". A random
// key of 16 or more letters and digits holds a digit but for odds near one
// in 20 (one in 300 at 32 characters), and rarely reads as words besides.
func isWordName(v string) bool {
	if strings.ContainsAny(v, "0123456789") {
		return false
	}
	for _, part := range strings.FieldsFunc(v, isPartSeparator) {
		words, ok := camelWords(nil, part)
		if !ok {
			return false
		}
		for _, w := range words {
			if len(w) > 1 && !pronounceable(w) {
				return false // a lone letter is a word too: X-Algolia-Application-Id
			}
		}
	}
	return true
}

// isNumeronym reports a short name part with a digit or two inside
// letters ("i18n", "k8s", "oauth2", "v1"), as field names have; a key's
// random segment holds more digits or is longer.
func isNumeronym(part string) bool {
	digits := 0
	for i := 0; i < len(part); i++ {
		switch class(part[i]) {
		case 1:
			digits++
		case 2, 3:
		default:
			return false
		}
	}
	return len(part) <= 8 && class(part[0]) != 1 && digits <= 2
}

// isDNSName reports a lower-case dotted name, optionally with a path after
// a slash: Kubernetes label and annotation keys ("io.x-k8s.kind.cluster",
// "cluster.x-k8s.io/paused"), Java properties ("hibernate.cache.region").
// No key alphabet is lower-case letters, digits, dots and dashes alone.
func isDNSName(v string) bool {
	host, path, _ := strings.Cut(v, "/")
	if !strings.Contains(host, ".") {
		return false
	}
	for _, part := range strings.Split(host, ".") {
		if part == "" || strings.Trim(part, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return strings.Trim(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == ""
}

// validNamedSecret accepts a value that a named-provider rule found (the
// provider's name nearby, a key-like name, the documented length) if it is
// a plausible random literal: two character classes, the entropy a random
// value of its length and alphabet shows, and no fixture word or hand-typed
// run. Unlike validGenericSecret it does not reject values that read as
// names, since the context already says what the value is, and about one
// random mixed-case key in a thousand reads as a name. A value of 20 or
// more letters, three quarters of them in words that read as English, is
// a name all the same
// ("GetMachineHealthChecksForCluster" after "machineHealthChecks :=").
func validNamedSecret(v string) bool {
	lower := strings.ToLower(v)
	for _, w := range genericWords {
		if strings.Contains(lower, w) {
			return false
		}
	}
	return charClasses(v, false) >= 2 && !isInterleavedWalk(v) && !isRepetition(v) &&
		randomEnough(v) && !(len(v) >= 20 && readsAsName(v))
}

// readsAsName reports a value of letters that is a name of English words:
// isWordName, and three quarters of its letters in words that read as
// English (longWords).
func readsAsName(v string) bool {
	return 4*longWords(v) >= 3*len(v) && isWordName(v)
}

// longWords counts the letters of v that stand in camel-case words of four
// or more letters that read as English does ("Machine", "Checks",
// "Cluster": a vowel, and no more than three consonants in a row). Names
// are mostly such words; a random mixed-case value is cut by its capitals
// into short pieces that seldom read so.
func longWords(v string) int {
	n := 0
	for _, part := range strings.FieldsFunc(v, isPartSeparator) {
		words, _ := camelWords(nil, part)
		for _, w := range words {
			if wordLike(w) {
				n += len(w)
			}
		}
	}
	return n
}

// wordLike reports a word of four or more letters, capitalised at most at
// its start, that reads as English does (longWords).
func wordLike(w string) bool {
	if len(w) < 4 || hasUpper(w[1:]) {
		return false
	}
	vowels, run := vowelsAndRun(w)
	return vowels > 0 && run <= 3
}

// validGenericPassword accepts a value assigned to a password name only if
// it looks typed or generated: 12+ characters, at least three of lower,
// upper, digit and symbol, and not a stored hash or a reference.
func validGenericPassword(v string) bool {
	if len(v) < minGenericPassword || len(v) > maxGenericValue || !isLiteralValue(v) {
		return false
	}
	if isDashedHex(v) {
		return false // a UUID is a token or an id, judged by the rules for those
	}
	if read := leetReader.Replace(strings.ToLower(v)); strings.Contains(read, "pass") ||
		strings.Contains(read, "secur") || strings.Contains(v, "xxx") || strings.Contains(v, "XXX") {
		// "P@ssw0rd123!", "vErY-s3cur3-p@ss!", "pass1xxxABCD": a password
		// that says what it is. A run of x in mixed case ("RxXxf") is
		// chance in a generated one, not a stand-in.
		return false
	}
	if readsAsName(strings.TrimRight(v, "!?.#*$@")) {
		return false // "iWishIWereCoolEnoughForRoot!": a sentence typed as a stand-in
	}
	if charClasses(v, true) < 3 && !generatedTwoClass(v) {
		// Typed passwords mix three classes. A generated one may hold two:
		// generatedTwoClass.
		return false
	}
	return shannonEntropy(v) >= entropyFloor(v)
}

// validShortSecret judges a value of 10 to 15 characters that an
// environment-style name calls a secret, key, token, salt or password
// (IPAY88_MERCHANT_KEY = "V7JlImTILW"): too short for validGenericSecret's
// checks, so it must look generated: letters of both cases and digits, in
// runs that read neither as words nor as a keyboard walk, and no hex.
func validShortSecret(v string) bool {
	if len(v) < 10 || len(v) > 15 || !isLiteralValue(v) || isHex(v) {
		return false
	}
	if !hasLower(v) || !hasUpper(v) || strings.IndexAny(v, "0123456789") < 0 {
		return false
	}
	if readsAsName(v) || isKeyboardMash(strings.ToLower(v)) || longWords(v) > 0 {
		return false
	}
	if read := leetReader.Replace(strings.ToLower(v)); strings.Contains(read, "pass") ||
		strings.Contains(read, "secret") || strings.Contains(read, "test") || strings.Contains(read, "demo") {
		return false
	}
	return shannonEntropy(v) >= 3.0
}

// generatedTwoClass reports a password of two classes that a generator
// made rather than a person typed: 14 or more letters of both cases (a
// 16-letter one drawn from 62 characters holds no digit once in 16), or 16
// or more lower-case letters and digits with at least three of each, as
// mail providers' app passwords are. Hex stays out (an MD5 stored as a
// password is a hash; generic-env-password-hex reads the hex passwords
// setup scripts generate into .env files), and so do words (the caller
// has refused names and sentences).
func generatedTwoClass(v string) bool {
	if charClasses(v, false) != 2 || isHex(v) || isKeyboardMash(strings.ToLower(v)) {
		return false
	}
	letters, digits := 0, 0
	for i := 0; i < len(v); i++ {
		switch class(v[i]) {
		case 1:
			digits++
		case 2, 3:
			letters++
		default:
			return false
		}
	}
	switch {
	case digits == 0:
		return len(v) >= 14 && hasLower(v) && hasUpper(v)
	case hasUpper(v):
		return false // upper case and digits: a code or an id
	default:
		return len(v) >= 16 && digits >= 3 && letters >= 6
	}
}

// validHexPassword accepts a hex password as "openssl rand -hex 16"
// writes them, for the environment variables setup scripts generate
// (Jitsi's gen-passwords.sh, compose stacks' .env): random as hex, and not
// the digest of a weak password, which fixtures store as one
// (isWeakDigest: "5f4dcc3b..." is md5("password")).
func validHexPassword(v string) bool {
	return isHex(v) && !isWeakDigest(v) && !isRepetition(v) && shannonEntropy(v) >= entropyFloor(v)
}

// validNetrcPassword accepts a .netrc password that looks typed or
// generated: a password as validGenericPassword judges one, or a token
// (random letters and digits, or a UUID such as Heroku's API keys), since
// tools write API tokens there as the password.
func validNetrcPassword(v string) bool {
	if isUUID(v) {
		return isRandomUUID(v)
	}
	return validGenericPassword(v) || validGenericSecret(v)
}

// prefixWords are the words a key's own prefix may hold (secret_live_,
// api_key_): the key names its kind, it is not a stand-in. A prefix with
// any other word of genericWords ("fake_", "example-", "test_": a test's
// value) is.
var prefixWords = []string{"secret", "token", "live", "prod", "api", "key", "sk", "rk", "private", "priv"}

// randomTail returns the part of v after a short prefix of words
// ("secret_", "cur_live_", "sk_live_") when that part is random: 20 or more
// letters and digits of two classes (hex too) that reach their entropy
// floor and do not read as words. It returns "" otherwise.
func randomTail(v string) string {
	i := strings.LastIndexAny(v, "_-")
	if i <= 0 || i > 24 {
		return ""
	}
	if !prefixWordsOnly(v[:i]) {
		return "" // a word that is not a key's prefix ("example", "fake"), or not a word
	}
	tail := v[i+1:]
	if len(tail) < 20 || strings.TrimFunc(tail, func(r rune) bool { return r < 0x80 && isAlnum(byte(r)) }) != "" ||
		charClasses(tail, false) < 2 || shannonEntropy(tail) < entropyFloor(tail) || readsAsName(tail) || isWordName(tail) {
		return ""
	}
	return tail
}

// isPrefixWord reports a lower-case word that may stand in a key's prefix:
// one of prefixWords, or a short abbreviation ("cur", "sa") that is no
// stand-in word of genericWords ("fake", "demo", "test").
func isPrefixWord(w string) bool {
	if strings.TrimFunc(w, isLetter) != "" {
		return false
	}
	if slices.Contains(prefixWords, w) {
		return true
	}
	return len(w) <= 4 && !slices.ContainsFunc(genericWords, func(g string) bool { return strings.Contains(w, g) })
}

// publicValuePrefixes open values their providers document as public: Stripe's
// and others' publishable keys (pk_live_..., publishable_...), public SDK
// keys (public_live_...), Midtrans's client keys (Mid-client-...,
// SB-Mid-client-... in the sandbox), DevCycle's client and mobile SDK keys
// (dvc_client_..., dvc_mobile_...), public and client keys written live_pk_
// (Mono) and live_ck_ (Toss Payments), LaunchDarkly's mobile keys (mob-,
// which "do not need to be kept secret"), Plaid's Link tokens
// (link-production-..., link-sandbox-..., made for the browser and short
// lived). Not pk_ or pub_ alone: Courier's auth tokens start pk_prod_, and
// NewsData.io's API keys pub_.
var publicValuePrefixes = []string{"pk_live_", "pk_test_", "public_", "publishable_", "mid-client-", "sb-mid-client-", "dvc_client_", "dvc_mobile_", "live_pk_", "test_pk_", "live_ck_", "test_ck_", "mob-", "link-production-", "link-sandbox-", "link-development-"}

// publicValue reports a value a generic rule must not report: its prefix
// says it is public. A provider's own rule decides for its own prefixes.
func publicValue(v string) bool {
	for _, p := range publicValuePrefixes {
		if len(v) > len(p) && strings.EqualFold(v[:len(p)], p) {
			return true
		}
	}
	return publicShape(v)
}

// publicShape reports the client-side keys whose whole shape, not only a
// prefix, says what they are, as their providers document them for use in
// a browser or an app: Adyen's client key (live_ or test_ and 32 upper-case
// letters and digits), Paddle's client-side token (live_ or test_ and 27
// lower-case hex digits), Braintree's tokenization key
// (production_<8>_<16> or sandbox_...), GrowthBook's SDK client key (sdk-
// and 16 letters and digits; LaunchDarkly's secret SDK keys carry a UUID).
func publicShape(v string) bool {
	if rest, ok := cutAnyPrefix(v, "live_", "test_"); ok {
		return len(rest) == 32 && allBytes(rest, func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }) ||
			len(rest) == 27 && allBytes(rest, func(c byte) bool { return c >= 'a' && c <= 'f' || c >= '0' && c <= '9' })
	}
	if rest, ok := cutAnyPrefix(v, "production_", "sandbox_"); ok {
		a, b, ok := strings.Cut(rest, "_")
		lowerAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
		return ok && len(a) == 8 && len(b) == 16 && allBytes(a, lowerAlnum) && allBytes(b, lowerAlnum)
	}
	if rest, ok := strings.CutPrefix(v, "sdk-"); ok {
		return len(rest) == 16 && isAlnumString(rest)
	}
	return false
}

// cutAnyPrefix is strings.CutPrefix with the first of prefixes v has.
func cutAnyPrefix(v string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(v, p); ok {
			return rest, true
		}
	}
	return v, false
}

// allBytes reports whether every byte of s satisfies f.
func allBytes(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

// validPrefixedRandom accepts a value made of a key's prefix words and a
// random part (randomTail): "cur_live_" and 40 random characters.
func validPrefixedRandom(v string) bool {
	lower := strings.ToLower(v)
	if publicValue(lower) || publicShape(v) || strings.HasPrefix(lower, "pk_") || strings.HasPrefix(lower, "pub_") {
		// Public by design (pk_live_...); and a random tail after pk_ or
		// pub_ alone reads as a publishable key here, where no provider's
		// rule says otherwise.
		return false
	}
	if n := len(v) - 36; n > 1 && v[n-1] == '_' && isUUID(v[n:]) {
		return prefixWordsOnly(v[:n-1]) && isRandomUUID(v[n:]) // sk_live_<uuid>
	}
	return randomTail(v) != "" && !isPlaceholder(v)
}

// prefixWordsOnly reports a run of key-prefix words joined by "_" or "-"
// (isPrefixWord): "sk_live", "cur_live".
func prefixWordsOnly(p string) bool {
	words := strings.FieldsFunc(strings.ToLower(p), func(r rune) bool { return r == '_' || r == '-' })
	return len(words) > 0 && !slices.ContainsFunc(words, func(w string) bool { return !isPrefixWord(w) })
}

// isLiteralValue rejects what generic rules see most: references and code
// instead of a value (os.getenv(...), process.env.X, $VAR, %VAR%, ARNs),
// names (my_token_name, CONSTANT_CASE), paths, URLs, numbers and versions,
// and self-describing stand-ins ("test-api-key-12345").
func isLiteralValue(v string) bool {
	lower := strings.ToLower(v)
	check := lower
	if tail := randomTail(v); tail != "" {
		// "secret_" or "cur_live_" and then a random part: the words are
		// the key's own prefix, not a stand-in that says what it is.
		check = strings.ToLower(tail)
	}
	for _, w := range genericWords {
		if strings.Contains(check, w) {
			return false // fixture or stand-in
		}
	}
	if isInterleavedWalk(v) || isRepetition(v) {
		return false // "q8w7e6r5t4y3u2i1o0p9", "Hunter2Hunter2": typed by hand
	}
	for _, p := range deferredPrefixes {
		if strings.HasPrefix(lower, p) {
			return false
		}
	}
	switch {
	case isPasswordHash(v): // a stored hash is not the secret
	case strings.HasPrefix(v, "eyJ") && strings.Contains(v, ".") && !validJWT(v): // JWT-shaped docs text
	case strings.HasPrefix(v, "eyJ") && !strings.Contains(v, ".") && isJSONSegment(v): // a JWT's header alone
	case strings.HasSuffix(v, "("): // a call being opened: "direct).visitMethod("
	case strings.HasPrefix(v, "^"): // a regular expression: "^(abc123|xyz)$"
	case isScopedID(v): // "hydra.openid.id-token:private:<uuid>": a key's id, not the key
	case strings.Contains(v, "://"): // a URL; credentials in URLs have their own rule
	case strings.HasPrefix(v, "~/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../"): // a path to the key ("~/.ssh/id_ed25519.pub"), which no key alphabet starts
	case strings.Count(v, ")") > strings.Count(v, "("): // the tail of a call: f(name, serviceProbe)
	case strings.HasPrefix(lower, "arn:"): // a reference to AWS Secrets Manager or SSM
	case strings.HasPrefix(lower, "@microsoft.keyvault("): // an Azure App Service reference to a Key Vault secret
	case strings.Contains(v, "/aws4_request"): // a SigV4 credential scope: key id, date, region, service
	case len(v) == 35 && strings.HasPrefix(v, "pub") && isHex(v[3:]): // a Datadog client token: public, in every browser SDK
	case isPublicKeyDER(v): // base64 of a SubjectPublicKeyInfo: a public key
	case !strings.ContainsFunc(v, isLetter): // numbers, versions, dates, IPs
	case isCall(v): // get_key(...), os.environ.get( cut at a quote
	case decodesToStandIn(v): // base64 of "example-app-secret"
	case decodesToCounting(v): // base64 of 0xDEADBEEF, 00 01 02 03 ...: a test vector
	case isFileName(v): // "app_development.yml.enc": a path to the secret, not the secret
	case isCast(v): // (TlsChannelCredentials) provider.get(...): a Java or C cast
	case isAssignment(v): // "spring.rsocket.server.port=0": the next property, not a value
	case isVersioned(v): // "jjwt-jackson-0.11.2": an artifact and its version
	case isMemberPath(v): // "conf.dbmsPass", "globalServerCtxt.RootUser,": a field read
	case isIdentifierLike(v): // names, dotted paths, env reads, file paths
	default:
		return true
	}
	return false
}

// isJSONSegment reports a value that decodes (base64url) to a JSON object:
// without a dot after it, a JWT's header and no token.
func isJSONSegment(v string) bool {
	var m map[string]any
	return decodeJSONSegment(v, &m)
}

// isScopedID reports a dotted name, a colon and a UUID ("hydra.openid.
// id-token:private:<uuid>"): how key stores name a key, not the key.
func isScopedID(v string) bool {
	i := strings.LastIndexByte(v, ':')
	return i > 0 && isUUID(v[i+1:]) &&
		isIdentifierLike(strings.ReplaceAll(v[:i], ":", "."))
}

// minSubsequence is the run that isInterleavedWalk looks for among the
// letters or the digits of a value: 8, since the digits of a random 64-hex
// key hold a 6-run with odds near 1 in 1000 but an 8-run near 1 in 10^5.
const minSubsequence = 8

// isInterleavedWalk reports hand-typed values that hide a sequence or a
// keyboard row once letters and digits are read apart ("a1b2c3d4e5f6g7h8",
// "q8w7e6r5t4y3u2i1o0p9"). Generic rules only: a provider rule's own
// examples may be typed this way on purpose.
func isInterleavedWalk(v string) bool {
	var letters, digits []byte
	for i := 0; i < len(v); i++ {
		switch class(v[i]) {
		case 1:
			digits = append(digits, v[i])
		case 2, 3:
			letters = append(letters, v[i]|0x20) // lower case
		}
	}
	for _, k := range keyboardRuns {
		if strings.Contains(string(letters), k) {
			return true
		}
	}
	return hasSequence(string(letters), minSubsequence) || hasSequence(string(digits), minSubsequence)
}

// isRepetition reports whether v repeats a unit of up to half its length
// ("Hunter2Hunter2", "abc123abc123abc1"); no random value does.
func isRepetition(v string) bool {
	for p := 1; p <= len(v)/2; p++ {
		if v[p:] == v[:len(v)-p] {
			return true
		}
	}
	return false
}

func isLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// isCall reports code: a value starting with a (dotted) name and "(", or
// ending in "(" where a match stopped at the quote of an argument. A
// leading operator is code too: the "::" of `Token::getCredentials()` read
// as a name and a colon, the "+" or "." that joins a string literal to a
// call ("Credential="+r.Form.Get(, 'KEY='.base64_encode().
func isCall(v string) bool {
	if strings.HasSuffix(v, "(") || strings.HasSuffix(v, "=>") {
		return true
	}
	if t := strings.TrimLeft(v, ":.+"); len(t) < len(v) && t != "" {
		v = t
	}
	i := strings.IndexByte(v, '(')
	if i <= 0 {
		return false
	}
	// PHP's Arr::only( and $this->config(, C++'s std::move(: a scope or
	// member operator between names, not a lone colon or dash.
	callee := strings.NewReplacer("::", ".", "->", ".").Replace(v[:i])
	if strings.Contains(callee, ".") {
		callee = strings.TrimRight(callee, "!?") // Ruby's User.find_by!(
	}
	for j := 0; j < len(callee); j++ {
		c := callee[j]
		if !isAlnum(c) && c != '_' && c != '.' && c != '$' && c != '\\' {
			return false
		}
	}
	return class(v[0]) >= 2 || v[0] == '_' || v[0] == '$' || v[0] == '\\'
}

// isCast reports a value that starts with a type in parentheses, as a cast
// in Java, C or C# does: "(TlsChannelCredentials)", or with a name after
// an opening parenthesis that the value does not close, the start of a
// grouped expression: "(Get-UserFlag" in PowerShell, "(header.getValue".
func isCast(v string) bool {
	if len(v) < 3 || v[0] != '(' {
		return false
	}
	end := strings.IndexByte(v, ')')
	if end < 0 {
		end = len(v)
	}
	if end < 2 {
		return false
	}
	name := v[1:end]
	return isIdentifierLike(name) && class(name[0]) >= 2
}

// isAssignment reports a value that is itself a name=value pair whose
// name is a dotted identifier ("spring.rsocket.server.port=0"), as when a
// list of properties puts the next one where a value was expected. Base64
// pads with "=" only at the end, and a random value seldom reads as a name
// before its first "=".
func isAssignment(v string) bool {
	i := strings.IndexByte(v, '=')
	if i <= 0 || i == len(v)-1 || strings.Trim(v[i:], "=") == "" {
		return false
	}
	return isIdentifierLike(v[:i]) && class(v[0]) >= 2
}

// isMemberPath reports a dotted path of names made of letters alone, as
// code reads a field ("conf.dbmsPass", "this.apiKey", "settings.SECRET"):
// the abbreviations of real code ("dbms", "Ctxt") fail isIdentifierLike's
// test of pronounceable words, but a password of letters and dots alone,
// starting with a lower-case name, is rare.
func isMemberPath(v string) bool {
	v = strings.TrimRight(v, ",;)")
	if !strings.Contains(v, ".") || !(class(v[0]) == 2 || v[0] == '_') {
		return false
	}
	for _, part := range strings.Split(v, ".") {
		if part == "" || strings.Trim(part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") != "" && !isNumeronym(part) {
			return false
		}
	}
	return true
}

// isVersioned reports a package name and its version, as Maven and npm
// coordinates write them ("jjwt-jackson-0.11.2", "spring-core-6.1.3"): a
// lower-case name of several parts, a dash and dotted numbers. A random
// key ends in a dotted version seldom, and is seldom lower case alone.
func isVersioned(v string) bool {
	i := strings.LastIndexByte(v, '-')
	if i <= 0 || i == len(v)-1 {
		return false
	}
	version := v[i+1:]
	if strings.Count(version, ".") == 0 || strings.Trim(version, "0123456789.") != "" ||
		strings.Contains(version, "..") || version[0] == '.' || version[len(version)-1] == '.' {
		return false
	}
	name := v[:i]
	return class(name[0]) == 2 && strings.ContainsAny(name, "-.") &&
		strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") == ""
}

// fileExtensions end values that name a file, not a secret:
// "credentials": "app_development.yml.enc", token_file = "ci-token.txt".
var fileExtensions = []string{
	".yml", ".yaml", ".json", ".enc", ".txt", ".pem", ".key", ".crt", ".cer", ".p12", ".pfx",
	".jks", ".env", ".ini", ".cfg", ".conf", ".toml", ".xml", ".properties", ".gpg", ".asc",
	".js", ".ts", ".py", ".rb", ".go", ".php", ".java", ".sh", ".md", ".html", ".csv", ".log",
}

// isFileName reports a value that ends in a file extension: random keys
// hold a dot seldom (base64 and hex never), and a known extension after it
// by chance about once in 10^6.
func isFileName(v string) bool {
	lower := strings.ToLower(v)
	for _, ext := range fileExtensions {
		if strings.HasSuffix(lower, ext) && len(lower) > len(ext) {
			return true
		}
	}
	return false
}

// isIdentifierLike reports whether v, less sigils ($VAR, %VAR%, *alias,
// ./path), is made of words: parts split at . _ - / : @ #, each part in
// camel, Pascal, snake or CONSTANT case. Names have pronounceable words of
// 3+ letters on average and put digits at a word's end ("v2", "s3Bucket",
// "k8s"); random strings have short humps, consonant clusters and digits
// anywhere, so about 1 in 10^4 random 16-character values passes as a name.
func isIdentifierLike(v string) bool {
	v = strings.TrimRight(strings.Trim(v, "$%@*&!:~./#"), ",;")
	if v == "" {
		return true
	}
	digitRuns, singles, short, letters, letterWords := 0, 0, 0, 0, 0
	var buf [16]string // the words of one part, most often few
	for _, part := range strings.FieldsFunc(v, isPartSeparator) {
		words, ok := camelWords(buf[:0], part)
		if !ok {
			return false
		}
		mixed := hasLower(part) && hasUpper(part)
		acronyms := 0
		for i, w := range words {
			if class(w[0]) == 1 {
				digitRuns++
				if len(w) > 4 || !digitsEndWord(words, i) {
					return false
				}
				continue
			}
			letters += len(w)
			letterWords++
			switch {
			case len(w) == 1 && nextToDigits(words, i): // "v2", "k8s"
			case len(w) == 1:
				singles++
				short++
			case len(w) == 2:
				short++
			}
			if mixed && len(w) > 1 && !hasLower(w) {
				acronyms++ // "getAPIKeyFromURL" has two; random case has many
			}
			if acronyms > 2 || !pronounceable(w) {
				return false
			}
		}
	}
	return digitRuns <= 2 && singles <= 1 && short <= max(1, letterWords/4) && letters >= 3*letterWords
}

// isPartSeparator reports a byte that separates the parts of a name:
// "app.api_key", "vault:kv/prod#key", "formState?.opensslKey".
func isPartSeparator(r rune) bool { return strings.ContainsRune("._-/:@#?", r) }

// digitsEndWord reports whether the digit run words[i] sits where names put
// digits: at the end ("v2"), before a capital ("oauth2Token"), or inside a
// numeronym ("k8s", "i18n").
func digitsEndWord(words []string, i int) bool {
	switch {
	case i == len(words)-1:
		return true
	case i == 0:
		return false
	case len(words[i-1]) == 1:
		return true
	}
	prev := words[i-1]
	return class(words[i+1][0]) == 3 && class(prev[len(prev)-1]) == 2
}

// nextToDigits reports whether words[i] borders a digit run.
func nextToDigits(words []string, i int) bool {
	return i > 0 && class(words[i-1][0]) == 1 || i+1 < len(words) && class(words[i+1][0]) == 1
}

// pronounceable reports whether a letter word could be part of a name: up
// to three letters ("jwt", "cfg"), an acronym of up to five capitals
// ("HTTPS"), or a word with a vowel and no run of five consonants.
func pronounceable(w string) bool {
	if len(w) <= 3 || len(w) <= 5 && !hasLower(w) {
		return true
	}
	vowels, run := vowelsAndRun(w)
	return vowels > 0 && run < 5
}

// vowelsAndRun counts a word's vowels (y included) and measures its
// longest run of consonants.
func vowelsAndRun(w string) (vowels, longest int) {
	run := 0
	for i := 0; i < len(w); i++ {
		if strings.IndexByte("aeiouyAEIOUY", w[i]) >= 0 {
			vowels++
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return vowels, longest
}

// hasLower reports whether s holds an ASCII lower case letter: for the
// letters and digits of a name, whether upper-casing it would change it.
func hasLower(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return 'a' <= r && r <= 'z' })
}

// hasUpper reports whether s holds an ASCII upper case letter.
func hasUpper(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
}

// camelWords appends to words the words of an alphanumeric part:
// "getAPIKeyV2" gives get, API, Key, V, 2. It fails on any other byte.
func camelWords(words []string, s string) ([]string, bool) {
	start := 0
	for i := 0; i < len(s); i++ {
		c := class(s[i])
		if c == 0 {
			return nil, false
		}
		if i == start {
			continue
		}
		switch p := class(s[i-1]); {
		case p == 3 && c == 2: // "APIKey": the capital before a lower letter starts a word
			if i-1 > start {
				words = append(words, s[start:i-1])
				start = i - 1
			}
		case p != c: // letters to digits and back, lower to upper
			words = append(words, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words, len(words) > 0
}

// isUUID reports the 8-4-4-4-12 hex shape.
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if v[i] != '-' {
				return false
			}
		} else if !isHexDigit(v[i]) {
			return false
		}
	}
	return true
}

// isRandomUUID reports a UUID that can be a key: not a placeholder (all
// zeros, 12345678-...) nor a run of one pattern. Providers issue UUIDs as
// keys, tokens and passwords (Heroku, Scaleway, Postmark).
func isRandomUUID(v string) bool {
	return isUUID(v) && !isPlaceholder(v) && !isRepetition(strings.ReplaceAll(v, "-", ""))
}

// isHex reports a non-empty string of hex digits in one case.
func isHex(v string) bool {
	if v == "" {
		return false
	}
	upper, lower := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case '0' <= c && c <= '9':
		case 'a' <= c && c <= 'f':
			lower = true
		case 'A' <= c && c <= 'F':
			upper = true
		default:
			return false
		}
	}
	return !(upper && lower)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// passwordHashPrefixes start stored password hashes (crypt(3) schemes, the
// Django and Werkzeug formats): a hash is not the password.
var passwordHashPrefixes = []string{
	"$1$", "$2a$", "$2b$", "$2x$", "$2y$", "$5$", "$6$", "$7$", "$y$", "$gy$", "$argon2", "$scrypt$", "$pbkdf2",
	"pbkdf2_sha", "pbkdf2:sha", "bcrypt$", "bcrypt_sha256$", "argon2$", "scrypt:", "sha1$", "md5$", "{ssha}",
	"$p$", "$h$", // phpass, WordPress's and phpBB's portable hashes
}

func isPasswordHash(v string) bool {
	lower := strings.ToLower(v)
	// An htpasswd or shadow line: "user:" and then the hash.
	if i := strings.IndexByte(lower, ':'); i > 0 && i < len(lower)-1 && isIdentifierLike(lower[:i]) {
		if rest := lower[i+1:]; strings.HasPrefix(rest, "$") || strings.HasPrefix(rest, "{") {
			lower = rest
		}
	}
	for _, p := range passwordHashPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return isModularCrypt(lower)
}

// isModularCrypt reports the modular crypt format every password-hashing
// library writes, "$id$param$salt$hash" with an id of letters, digits and
// dashes ("$p-sha256$310000$salt$hash", "$sha512$..."): at least three
// fields after the id.
func isModularCrypt(v string) bool {
	if len(v) < 8 || v[0] != '$' {
		return false
	}
	fields := strings.Split(v[1:], "$")
	return len(fields) >= 4 && fields[0] != "" &&
		strings.Trim(fields[0], "abcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// isDashedHex reports hex written in groups joined by "-": a UUID,
// Mailgun's 32-8-8 keys.
func isDashedHex(v string) bool {
	s := strings.ReplaceAll(v, "-", "")
	return len(s) < len(v) && isHex(s)
}

// isDashedID reports hex in dash-separated groups of at most 12 digits: a
// UUID or GUID, which code keeps under *Key names as an id ("partitionKey",
// "idempotencyKey"). Groups of 16 or more are how some providers write
// keys (Mailgun's 32-8-8, two 36-hex halves).
func isDashedID(v string) bool {
	if !isDashedHex(v) {
		return false
	}
	for _, g := range strings.Split(v, "-") {
		if len(g) > 12 {
			return false
		}
	}
	return true
}

// decodesToStandIn reports a base64 value whose text is a self-describing
// stand-in ("ZXhhbXBsZS1hcHAtc2VjcmV0" is "example-app-secret"), as
// Kubernetes Secret examples and Helm chart READMEs hold. Only printable
// text is judged: the base64 of random bytes, or of a real password,
// decodes to something else.
func decodesToStandIn(v string) bool {
	var buf [maxGenericValue * 3 / 4]byte
	if len(v) < 12 || len(v)%4 != 0 || len(v) > maxGenericValue {
		return false
	}
	n, err := base64.StdEncoding.Decode(buf[:], []byte(v))
	if err != nil || n < 6 {
		return false
	}
	b := buf[:n]
	for _, c := range b {
		if c < 0x20 && c != '\n' || c > 0x7e {
			return false
		}
	}
	lower := bytes.ToLower(b)
	for _, w := range standInWords {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	// Words alone that call themselves a password or secret
	// ("cGFzc3dvcmQ=" is "password", "secure-password", "john:password"):
	// a base64-encoded URL or key=value pair has other bytes too.
	if user, pass, ok := bytes.Cut(b, []byte(":")); ok && len(user) > 0 &&
		(bytes.EqualFold(user, pass) || isKeyboardMash(string(lower[:len(user)])+string(lower[len(user)+1:]))) {
		return true // "Wagtail:Wagtail", "asdfgh:1234": typed as a stand-in
	}
	if bytes.Trim(b, "abcdefghijklmnopqrstuvwxyz -_") == nil && bytes.ContainsAny(b, " -_") {
		return true // lower-case words joined ("wrong_regexp_example"): a test's label, encoded
	}
	return bytes.Trim(lower, "abcdefghijklmnopqrstuvwxyz -_:") == nil &&
		(bytes.Contains(lower, []byte("passw")) || bytes.Contains(lower, []byte("secret")))
}

// decodesToCounting reports base64 whose bytes count up (00 01 02 03 ...)
// for eight steps or more, as the byte sequences of tests do; random key
// bytes almost never step up one at a time eight times in a row.
func decodesToCounting(v string) bool {
	if len(v) < 16 || len(v) > maxGenericValue {
		return false
	}
	var buf [maxGenericValue * 3 / 4]byte
	n, err := base64.RawStdEncoding.Decode(buf[:], []byte(strings.TrimRight(v, "=")))
	if err != nil {
		return false
	}
	run := 0
	for i := 1; i < n; i++ {
		if buf[i] == buf[i-1]+1 {
			if run++; run >= 8 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// isPublicKeyDER reports base64 that starts a DER SubjectPublicKeyInfo, the
// body of a "PUBLIC KEY" PEM block ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A..."
// for RSA, "MFkwEwYHKoZIzj0CAQYI..." for P-256): a SEQUENCE whose first
// element, the algorithm, is followed by a BIT STRING. A private key's
// PKCS#8 or PKCS#1 body starts with an INTEGER (its version) instead, so it
// is never taken for one. Webhook verifiers keep such public keys under
// names like SECRET.
func isPublicKeyDER(v string) bool {
	if len(v) < 60 || v[0] != 'M' { // 60: Ed25519's, the shortest
		return false
	}
	var buf [33]byte
	n, err := base64.StdEncoding.Decode(buf[:], []byte(v[:44]))
	if err != nil && n < 24 {
		return false
	}
	b := buf[:n]
	skipHeader := func(b []byte) ([]byte, int, bool) { // tag 0x30, then a DER length
		if len(b) < 2 || b[0] != 0x30 {
			return nil, 0, false
		}
		l, h := int(b[1]), 2
		switch b[1] {
		case 0x81:
			if len(b) < 3 {
				return nil, 0, false
			}
			l, h = int(b[2]), 3
		case 0x82:
			if len(b) < 4 {
				return nil, 0, false
			}
			l, h = int(b[2])<<8|int(b[3]), 4
		default:
			if b[1] > 0x80 {
				return nil, 0, false
			}
		}
		return b[h:], l, true
	}
	rest, _, ok := skipHeader(b)
	if !ok {
		return false
	}
	inner, algLen, ok := skipHeader(rest)
	if !ok || len(inner) <= algLen || inner[0] != 0x06 {
		return false // the algorithm identifier starts with its OID
	}
	return inner[algLen] == 0x03
}

// standInWords mark decoded text as a stand-in. Narrower than
// genericWords: a real credential stored in base64 often reads "token=…",
// "postgres://user:password@…" or "sk_test_…".
var standInWords = []string{"example", "sample", "dummy", "placeholder", "changeme", "fake", "mock", "redacted"}

// charClasses counts which of lower, upper and digit (and, with symbols,
// any other byte) occur in v.
func charClasses(v string, symbols bool) int {
	var seen [4]bool
	for i := 0; i < len(v); i++ {
		c := class(v[i])
		if c == 0 && !symbols {
			continue
		}
		seen[c] = true
	}
	n := 0
	for _, s := range seen {
		if s {
			n++
		}
	}
	return n
}

// entropyFloor is the least Shannon entropy a random value of v's length and
// alphabet shows, less a margin: a fixed floor would drop most random
// 16-character hex (median 3.2 bits/char) yet let 64-character words through.
// The margin shrinks with length like the spread does; about 1 random value
// in 10^4 falls below it.
func entropyFloor(v string) float64 {
	n := len(v)
	return expectedEntropy(n, alphabetSize(v)) - 0.8*math.Sqrt(16/float64(n))
}

// alphabetSize estimates the alphabet v was drawn from: hex (16), or the
// sum of the classes it uses (26 lower, 26 upper, 10 digits) plus each
// distinct other byte, so base64 counts 64 and a Django key (lower, digits
// and a few of !@#$%^&*(-_=+)) counts near 50, not all of printable ASCII.
func alphabetSize(v string) int {
	if isHex(v) {
		return 16
	}
	if isDashedHex(v) {
		return 17 // hex in dash-separated groups (Mailgun's 32-8-8 keys)
	}
	var seen [256]bool
	var classes [4]bool
	k := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch cl := class(c); {
		case cl != 0:
			classes[cl] = true
		case !seen[c]:
			seen[c] = true
			k++
		}
	}
	for cl, size := range [4]int{0, 10, 26, 26} {
		if classes[cl] {
			k += size
		}
	}
	return k
}

// expectedEntropy is the mean Shannon entropy (bits/char) of n characters
// drawn uniformly from k symbols: log2(n) - (k/n) E[X log2 X], X ~ B(n, 1/k).
// The binomial probabilities are stepped from P(X=0), each from the one
// before, and the sum stops once they are negligible past the mean: a few
// dozen terms for a value of any length.
func expectedEntropy(n, k int) float64 {
	p := 1 / float64(k)
	prob := math.Exp(float64(n) * math.Log1p(-p)) // P(X = 0)
	if prob == 0 {
		return expectedEntropyLgamma(n, k) // too long to step from there
	}
	ratio, mean := p/(1-p), float64(n)*p
	sum := 0.0
	for x := 1; x <= n; x++ {
		prob *= float64(n-x+1) / float64(x) * ratio // P(X = x)
		if x >= 2 {
			sum += prob * float64(x) * math.Log2(float64(x))
		}
		if float64(x) > mean && prob < 1e-18 {
			break
		}
	}
	return math.Log2(float64(n)) - float64(k)/float64(n)*sum
}

// expectedEntropyLgamma is expectedEntropy with each probability from the
// log-gamma function: slower, but it does not underflow.
func expectedEntropyLgamma(n, k int) float64 {
	p := 1 / float64(k)
	lp, lq := math.Log(p), math.Log1p(-p)
	lgn, _ := math.Lgamma(float64(n + 1))
	sum := 0.0
	for x := 2; x <= n; x++ { // x = 0 and x = 1 add nothing
		lgx, _ := math.Lgamma(float64(x + 1))
		lgr, _ := math.Lgamma(float64(n - x + 1))
		prob := math.Exp(lgn - lgx - lgr + float64(x)*lp + float64(n-x)*lq)
		sum += prob * float64(x) * math.Log2(float64(x))
	}
	return math.Log2(float64(n)) - float64(k)/float64(n)*sum
}

// hasFileExtension reports a value that ends in a dot and two to four
// lower-case letters or digits with a letter first (.png, .json, .mp4): the
// name of a file. A key's alphabet ends so only by chance, and a key with
// a "/" in it more rarely still.
func hasFileExtension(v string) bool {
	i := strings.LastIndexByte(v, '.')
	if i < 0 || len(v)-i-1 < 2 || len(v)-i-1 > 4 {
		return false
	}
	ext := v[i+1:]
	if ext[0] < 'a' || ext[0] > 'z' {
		return false
	}
	return strings.TrimFunc(ext, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }) == ""
}
