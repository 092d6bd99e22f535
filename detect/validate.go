package detect

import (
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"slices"
	"strings"
)

// validator checks a secret's own structure offline: a checksum, or an
// encoding that must decode. It returns false for a value that cannot be a
// real credential of that kind, which is then not a finding.
type validator func(secret string) bool

// validators are the checks a rule can name in its "validate" field. The
// map is built once and never changed.
var validators = map[string]validator{
	"checksummed-token": validChecksummedToken, // GitHub and npm tokens
	"key-block":         validKeyBlock,         // private key blocks (validate_structure.go)
	"jwt":               validJWT,              // JSON Web Tokens
	"jwt-credential":    validJWTCredential,    // JWTs that grant access (validate_structure.go)
	"azure-key":         validAzureKey,         // Azure storage and shared access keys (validate_cloud.go)
	"mixed-alnum":       validMixedAlnum,       // prefixed keys that must not be identifiers (validate_cloud.go)
	"list-item-key":     validListItemKey,      // strings listed alone under a keys-named list (validate_code.go)
	"literal-secret":    validLiteralSecret,    // values a command stores as secrets (validate_code.go)
	"mixed-code-key":    validMixedCodeKey,     // PascalCase *Key fields (validate_code.go)
	"discord-bot-token": validDiscordBotToken,  // Discord bot tokens (validate_code.go)
	"npm-auth-token":    validNPMAuthToken,     // .npmrc _authToken values (validate_code.go)
	"slack-token":       validSlackToken,       // Slack tokens (validate_code.go)
	"base64-credential": validBase64Credential, // .npmrc _auth and _password (validate_code.go)
	"basic-credential":  validBasicCredential,  // HTTP Basic user:password in base64 (validate_code.go)
	"base64-key":        validBase64Key,        // framework keys in base64 (validate_structure.go)
	"url-password":      validURLPassword,      // passwords in connection URLs (validate_structure.go)
	"auth-header":       validAuthHeader,       // credentials in request headers (validate_structure.go)
	"generic-secret":    validGenericSecret,    // generic rules (filter.go)
	"code-key":          validCodeKey,          // *_key and *Key names in code (filter.go)
	"auth-scheme-token": validAuthSchemeToken,  // after an Authorization scheme (validate_code.go)
	"prose-key":         validProseKey,         // a credential a sentence prints (validate_code.go)
	"auth-literal":      validAuthLiteral,      // a bare Authorization value (validate_code.go)
	"generic-password":  validGenericPassword,  // generic password rule (filter.go)
	"hex-password":      validHexPassword,      // generated hex passwords in environment files (filter.go)
	"prefixed-random":   validPrefixedRandom,   // live_/secret_ and a random part (filter.go)
	"named-secret":      validNamedSecret,      // named long-tail providers (filter.go)
	"netrc-password":    validNetrcPassword,    // .netrc passwords, often tokens (filter.go)
	"short-secret":      validShortSecret,      // 10 to 15 random characters under an environment name (filter.go)
}

func validatorNames() []string {
	names := make([]string, 0, len(validators))
	for n := range validators {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// base62 is the alphabet GitHub and npm tokens encode their checksum in.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// validBase62CRC32 checks the checksum that GitHub (ghp_, gho_, ghu_, ghs_,
// ghr_) and npm (npm_) tokens carry: after the prefix's underscore come 30
// random base62 characters and then the CRC-32 (IEEE) of those 30, written
// as 6 base62 digits. A random 36-character string passes with odds of
// about 1 in 4 billion, so typos and made-up tokens are not findings.
func validBase62CRC32(secret string) bool {
	i := strings.LastIndexByte(secret, '_')
	body := secret[i+1:]
	if len(body) != 36 {
		return false
	}
	random, check := body[:30], body[30:]
	var got uint64
	for j := 0; j < len(check); j++ {
		d := strings.IndexByte(base62, check[j])
		if d < 0 {
			return false
		}
		got = got*62 + uint64(d)
	}
	return got == uint64(crc32.ChecksumIEEE([]byte(random)))
}

// validChecksummedToken accepts a GitHub or npm token whose CRC-32 checks
// (validBase62CRC32), or whose body, when it does not, still reads as a
// random value (validNamedSecret: no fixture word, no keyboard run, the
// entropy of random characters). A wrong checksum once meant "not a
// finding"; but redacted and re-typed copies, and the examples of
// providers and scanners, carry a random body with a wrong checksum, every
// peer reports them, and on 1.45 GB of real code not one such value
// appeared. Placeholders (ghp_xxxx..., ghp_1234...) still fail.
func validChecksummedToken(secret string) bool {
	return validBase62CRC32(secret) || validNamedSecret(secret[strings.IndexByte(secret, '_')+1:])
}

// validJWT checks that a JSON Web Token's header decodes to a JSON object
// with at least one member, and its payload to a JSON object; a string
// that merely looks like three base64 segments is not a token. RFC 7515
// makes "alg" required, but a header that names only its key (kid, jwk,
// x5u) or its type still signs the token for whoever holds the key, and
// libraries that fill "alg" in from the key issue such headers.
func validJWT(secret string) bool {
	parts := strings.Split(secret, ".")
	if len(parts) != 3 && len(parts) != 5 { // JWS, or JWE
		return false
	}
	var header map[string]any
	if !decodeJSONSegment(parts[0], &header) || len(header) == 0 {
		return false
	}
	if len(parts) == 5 { // a JWE's payload is encrypted
		return true
	}
	var payload map[string]any
	return decodeJSONSegment(parts[1], &payload)
}

func decodeJSONSegment(seg string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}
