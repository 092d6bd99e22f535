package detect

import (
	"encoding/base64"
	"strings"
)

// Structural checks for the code-hosting and messaging families.

// validDiscordBotToken checks the head of a Discord bot token's first
// dot-separated segment, the bot's user id (a snowflake of decimal digits)
// in base64: base64 of a digit begins with M, N or O and then D, T, j or z.
// The rest of the segment is not decoded: hand-made and redacted examples
// keep that head and randomise the rest, and with the rule's keywords and
// its three segment lengths nothing else has the shape. A random string
// of the shape passes one time in 340.
func validDiscordBotToken(secret string) bool {
	return len(secret) >= 2 && strings.IndexByte("MNO", secret[0]) >= 0 && strings.IndexByte("DTjz", secret[1]) >= 0
}

// validNPMAuthToken accepts what an .npmrc _authToken (or a .yarnrc.yml
// npmAuthToken) holds when no checksummed rule claims it: a legacy npm
// token (a UUID) or another registry's token that passes the generic
// checks. npm_ and GitHub tokens are left to their own rules, which verify
// their checksum.
func validNPMAuthToken(secret string) bool {
	if strings.HasPrefix(secret, "npm_") ||
		len(secret) > 4 && secret[:2] == "gh" && strings.IndexByte("pousr", secret[2]) >= 0 && secret[3] == '_' {
		return false
	}
	return isUUID(secret) || validGenericSecret(secret)
}

// validBase64Credential checks an .npmrc _auth or _password value: base64
// (padding optional) of at least four printable ASCII characters, and for
// _auth a "user:password" pair. A base64 run that decodes to binary is not
// a credential.
func validBase64Credential(secret string) bool {
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(secret, "="))
	if err != nil || len(raw) < 4 {
		return false
	}
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// validBasicCredential accepts the base64 of an HTTP Basic "user:password"
// whose password reads as one, typed or generated (validGenericPassword,
// validGenericSecret): "client_id:client_secret" and "user:password" are
// the stand-ins of recorded requests, not credentials.
func validBasicCredential(secret string) bool {
	if !validBase64Credential(secret) {
		return false
	}
	raw, _ := base64.RawStdEncoding.DecodeString(strings.TrimRight(secret, "="))
	_, pass, ok := strings.Cut(string(raw), ":")
	return ok && !isPlaceholder(pass) && (validGenericPassword(pass) || validGenericSecret(pass))
}

// validSlackToken rejects a Slack-prefixed value whose random part (after
// its last dash) reads as words, such as the "...-YourAccessTokenHere"
// stand-ins of docs and templates (real tails are random characters), and
// one whose numeric ids (the workspace, user and token ids between the
// dashes) are one number typed again, as in "xoxp-1234-1234-1234-...".
func validSlackToken(secret string) bool {
	if isIdentifierLike(secret[strings.LastIndexByte(secret, '-')+1:]) {
		return false
	}
	var ids []string
	for _, part := range strings.Split(secret, "-")[1:] {
		if part != "" && strings.Trim(part, "0123456789") == "" {
			ids = append(ids, part)
		}
	}
	if len(ids) < 2 {
		return true
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			return true
		}
	}
	return false
}

// validListItemKey accepts a string that stands alone in a list named for
// keys or secrets when it reads as a key (validCodeKey) and holds a random
// run: between its separators (- _ . / :) a part of 16 or more characters
// with a digit and two classes of character. Such lists as often hold the
// names of settings ("mailer_smtp_oauth2_user") or of artifacts
// ("my-wf/my-node-1/out.tgz"), whose parts are short words. A UUID is
// a key there too (2GIS's, Yandex's, Prodigi's keys are UUIDs): the
// collection's name says what its members are, and members named for ids
// are left out by the rule.
func validListItemKey(v string) bool {
	if isUUID(v) {
		return isRandomUUID(v) && shannonEntropy(v) >= 3.0
	}
	if strings.HasPrefix(v, "-") || !validCodeKey(v) {
		return false
	}
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("-_./:", r) }) {
		if len(p) >= 16 && strings.ContainsAny(p, "0123456789") && charClasses(p, false) >= 2 {
			return true
		}
	}
	return false
}

// validLiteralSecret accepts a value a command stores as a secret (kubectl
// create secret --from-literal): a password (validGenericPassword), a key
// (validGenericSecret) or a UUID token, unless, read through its leet
// spelling, it says what it is ("S00perS3cretPa55word"): a docs example.
func validLiteralSecret(v string) bool {
	read := leetReader.Replace(strings.ToLower(v))
	for _, w := range []string{"pass", "secr", "secur", "example", "changeme"} {
		if strings.Contains(read, w) {
			return false
		}
	}
	return validGenericPassword(v) || validGenericSecret(v) || isRandomUUID(v)
}

// validMixedCodeKey accepts a value under a PascalCase *Key field when it
// reads as a key (validCodeKey: not an expression, a name or a path) and
// mixes digits with both cases: hex there is a test vector's expected
// digest (PartKey: "<sha256>"), and an unquoted identifier
// (s3Driver.AccessKey) is code.
func validMixedCodeKey(v string) bool {
	return validCodeKey(v) && validMixedAlnum(v)
}

// validAuthSchemeToken accepts the credential after an Authorization
// scheme that no rule names (KakaoAK, PortOne, SECRET_KEY): a random token
// as validGenericSecret judges one, and not the message of a handshake
// scheme, which is protocol data rather than a stored key: NTLM's base64
// "NTLMSSP" (TlRMTVNTUA), Negotiate's DER (YII, oY), or name=value
// parameters (Digest, Signature, AWS4-HMAC-SHA256 Credential=).
func validAuthSchemeToken(v string) bool {
	for _, p := range []string{"TlRMTVNTUA", "YII", "oY"} {
		if strings.HasPrefix(v, p) {
			return false
		}
	}
	if i := strings.IndexByte(v, '='); i >= 0 && strings.TrimRight(v[i:], "=") != "" {
		return false // name=value: a parameter, not a token
	}
	return validGenericSecret(v)
}

// validProseKey accepts the value a sentence gives a credential it has
// named ("publishing with token <value>", "server token <uuid>"): a random
// run as validListItemKey reads one (a UUID among them), or 32 hex digits
// or more that clear the hex entropy floor, except 40: a SHA-1, which
// prose calls a commit or a signing key's fingerprint.
func validProseKey(v string) bool {
	if isHex(v) {
		return len(v) >= 32 && len(v) != 40 && !isRepetition(v) && shannonEntropy(v) >= 3.0
	}
	return validListItemKey(v)
}

// validAuthLiteral accepts the bare value of an Authorization header or
// a bearer field: a key as validCodeKey reads one, or a UUID, which APIs
// take as the whole header (Mirakl's shop keys, Api2Pdf's).
func validAuthLiteral(v string) bool {
	if isUUID(v) {
		return isRandomUUID(v)
	}
	return validCodeKey(v)
}
