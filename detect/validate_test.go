package detect

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func TestValidBase62CRC32(t *testing.T) {
	good := fakekey.Expand("ghp_{{b62crc 30}}")
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"checksummed", good, true},
		{"npm prefix", "npm_" + good[4:], true},
		{"one character changed", good[:10] + flip(good[10]) + good[11:], false},
		{"checksum changed", good[:39] + flip(good[39]), false},
		{"too short", good[:39], false},
		{"not base62", good[:36] + "-" + good[37:], false},
	}
	for _, tt := range tests {
		if got := validBase62CRC32(tt.secret); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func flip(c byte) string {
	if c == 'a' {
		return "b"
	}
	return "a"
}

func TestValidJWT(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name string
		jwt  string
		want bool
	}{
		{"signed", seg(`{"alg":"HS256","typ":"JWT"}`) + "." + seg(`{"sub":"1"}`) + ".c2lnbmF0dXJl", true},
		{"unsigned", seg(`{"alg":"none"}`) + "." + seg(`{}`) + ".", true},
		{"encrypted", seg(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + ".a.b.c.d", true},
		{"no alg, a key named", seg(`{"kid":"k1"}`) + "." + seg(`{"iss":"joe"}`) + ".x", true},
		{"empty header", seg(`{}`) + "." + seg(`{}`) + ".x", false},
		{"header an array", seg(`["alg"]`) + "." + seg(`{}`) + ".x", false},
		{"header not json", seg(`hello`) + "." + seg(`{}`) + ".x", false},
		{"payload not json", seg(`{"alg":"HS256"}`) + "." + seg(`nope`) + ".x", false},
		{"two parts", seg(`{"alg":"HS256"}`) + "." + seg(`{}`), false},
		{"not base64", "!!!." + seg(`{}`) + ".x", false},
	}
	for _, tt := range tests {
		if got := validJWT(tt.jwt); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUnknownValidatorIsAnError(t *testing.T) {
	_, err := New(Options{Extra: []RuleSpec{{ID: "x", Regex: "x", Keywords: []string{"x"}, Validate: "nope"}}})
	if err == nil {
		t.Fatal("no error for an unknown validator")
	}
}

func TestScanFileSkipsGenericRulesInGeneratedFiles(t *testing.T) {
	e, err := New(Options{Extra: []RuleSpec{{ID: "generic-test", Regex: `secret=([a-z0-9]{20})`, SecretGroup: 1, Keywords: []string{"secret="}, Generic: true}}})
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("secret=q8w7e6r5t4y3u2i1o0p9\n")
	if n := len(e.ScanFile("app/config.py", line)); n != 1 {
		t.Fatalf("config.py: %d findings, want 1", n)
	}
	for _, name := range []string{"web/app.min.js", "package-lock.json", "go.sum", "sub/yarn.lock"} {
		if n := len(e.ScanFile(name, line)); n != 0 {
			t.Errorf("%s: %d generic findings, want 0", name, n)
		}
	}
	long := append([]byte("x = 1; "), make([]byte, maxGenericLine)...)
	for i := 7; i < len(long); i++ {
		long[i] = 'a'
	}
	long = append(append(long, " secret=z8w7e6r5t4y3u2i1o0p9\n"...), line...)
	if n := len(e.Scan(long)); n != 1 { // the long line is skipped, the short one is not
		t.Errorf("long line: %d findings, want 1", n)
	}
}

func TestRunawayMatchIsCapped(t *testing.T) {
	e, err := New(Options{Extra: []RuleSpec{{ID: "greedy", Regex: `BEGIN(.+)`, SecretGroup: 1, Keywords: []string{"begin"}}}})
	if err != nil {
		t.Fatal(err)
	}
	text := []byte("BEGIN" + fakekey.Expand("{{alnum 100000}}"))
	f := e.Scan(text)
	if len(f) != 1 || len(f[0].Secret.Reveal()) != maxSecret {
		t.Fatalf("got %d findings, want one capped at %d bytes", len(f), maxSecret)
	}
}

func TestValidBase64Key(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"32 bytes", base64.StdEncoding.EncodeToString(make([]byte, 32)), true},
		{"Laravel marker, 32 bytes", "base64:" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")), true},
		{"16 bytes", base64.StdEncoding.EncodeToString(make([]byte, 16)), true},
		{"24 bytes", base64.StdEncoding.EncodeToString(make([]byte, 24)), false},
		{"nonzero padding bits", "base64:" + fakekey.Expand("{{b64 42}}") + "F=", false},
		{"not base64", "base64:" + fakekey.Expand("{{alnum 40}}") + "!!!=", false},
	}
	for _, tt := range tests {
		if got := validBase64Key(tt.secret); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidNPMAuthToken(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"legacy UUID", fakekey.Expand("{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}"), true},
		{"other registry's token", fakekey.Expand("{{b64 64}}"), true},
		{"npm_ token, left to its checksum rule", fakekey.Expand("npm_{{alnum 36}}"), false},
		{"GitHub token, left to its checksum rule", fakekey.Expand("ghp_{{alnum 36}}"), false},
		{"a name, not a token", "NPM_TOKEN_FROM_ENVIRONMENT", false},
	}
	for _, tt := range tests {
		if got := validNPMAuthToken(tt.secret); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidBasicCredential(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"generated password", b64([]byte("deploy:" + fakekey.Expand("{{alnum 24}}"))), true},
		{"key as password", b64([]byte("api:" + fakekey.Expand("{{hex 32}}"))), true},
		{"stand-in names", b64([]byte("client_id:client_secret")), false},
		{"stand-in password", b64([]byte("user:password")), false},
		{"no colon", b64([]byte(fakekey.Expand("{{alnum 24}}"))), false},
	}
	for _, tt := range tests {
		if got := validBasicCredential(tt.secret); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidBase64Credential(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"user:password", b64([]byte("deploy:" + fakekey.Expand("{{alnum 16}}"))), true},
		{"password alone, unpadded", base64.RawStdEncoding.EncodeToString([]byte(fakekey.Expand("{{alnum 12}}"))), true},
		{"binary", b64([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), false},
		{"too short", b64([]byte("ab")), false},
		{"not base64", "%%%%%%%%", false},
	}
	for _, tt := range tests {
		if got := validBase64Credential(tt.secret); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidURLPassword(t *testing.T) {
	tests := []struct {
		password string
		want     bool
	}{
		{fakekey.Expand("{{alnum 16}}"), true},
		{"hunter2hunter", true}, // a weak password is still a password
		{fakekey.Expand("{{lower 12}}"), true},
		{"abc", false},
		{"pw", false},
		{"REPLACE_WITH_PASSWORD", false},
		{"CHANGEME", false},
		{"insert-password-here", false},
		{"set_me", false},
		{"todo-later", false},
		{"password", false},
		{"[PASSWORD]", false},
		{"password>", false},
		// Names of the slot, as tests and READMEs of DSN parsers write them.
		{"apiKey", false},
		{"authToken", false},
		{"api_key", false},
		{"UserId", false},
		{"MagicWord", false},
		{"API_KEY:API_SECRET:ACCESS_TOKEN", false},
		{"bar=bar", false},
		// Short words, fill-in words inside a longer value, low entropy.
		{"mypass", false},
		{"foobar", false},
		{"password12345", false},
		{"pass_word", false},
		{"aaaabbbbbbccccccdddddeeee", false},
		// Read percent-decoded: "pa%24s" is the 4-character "pa$s".
		{"pa%24s", false},
		{fakekey.Expand("{{alnum 8}}%21{{alnum 4}}"), true},
		// Real shapes stay: hex (Sidekiq's "deadbeef"-like credentials),
		// random letters, a password with symbols.
		{"deadbeef", true},
		{fakekey.Expand("{{hex 8}}"), true},
		{fakekey.Expand("{{ualnum 4}}{{lower 12}}"), true},
		{"P@ssw0rd$1", true},
		{"p4ssw0rd", false},
		{"pa%24%24word", false},
		// Short words joined, keyboard runs, fixture words: what tests of
		// URL parsers and RFC examples write.
		{"pass%20pass", false},
		{"bar%25bar", false},
		{"one+two%3F", false},
		{"asdfqwer1234asdf", false},
		{"qwer1234", false},
		{"testpass123", false},
		{"customPass", false},
		{"opensesame", false},
		{"correct+Horse7", true},
		{fakekey.Expand("{{lower 6}}-{{lower 6}}-{{digit 4}}"), true},
		{fakekey.Expand("asdf{{alnum 12}}"), true},
	}
	for _, tt := range tests {
		if got := validURLPassword(tt.password); got != tt.want {
			t.Errorf("validURLPassword(%d chars) = %v, want %v", len(tt.password), got, tt.want)
		}
	}
}

// TestIsPublicKeyDER builds keys at test time: the base64 of a public key's
// DER (what a "PUBLIC KEY" PEM block holds) is a public key; the same of a
// private key is not.
func TestIsPublicKeyDER(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der := func(b []byte, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"RSA public", der(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)), true},
		{"EC public", der(x509.MarshalPKIXPublicKey(&ecKey.PublicKey)), true},
		{"Ed25519 public", der(x509.MarshalPKIXPublicKey(edPub)), true},
		{"RSA PKCS#8 private", der(x509.MarshalPKCS8PrivateKey(rsaKey)), false},
		{"RSA PKCS#1 private", der(x509.MarshalPKCS1PrivateKey(rsaKey), nil), false},
		{"EC private", der(x509.MarshalECPrivateKey(ecKey)), false},
		{"Ed25519 PKCS#8 private", der(x509.MarshalPKCS8PrivateKey(edPriv)), false},
		{"random base64", fakekey.Expand("M{{b64 63}}"), false},
	}
	for _, tt := range tests {
		if got := isPublicKeyDER(tt.v); got != tt.want {
			t.Errorf("%s: isPublicKeyDER = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestIsKeyboardMash(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"asdfqwer1234asdf", true},
		{"qwer1234", true},
		{"zxcvbnm123", true},
		{"abcdefgh", true},
		{"asdf", false}, // too short to judge
		{"x9asdfk2qwerz7", false},
		{fakekey.Expand("{{lalnum 16}}"), false},
		{fakekey.Expand("{{lower 12}}"), false},
	}
	for _, tt := range tests {
		if got := isKeyboardMash(tt.v); got != tt.want {
			t.Errorf("isKeyboardMash(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestIsWordList(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"pass pass", true},
		{"bar%bar", true},
		{"one+two?", true},
		{"password", false}, // one word: the length rule judges it
		{"one+Two", false},
		{"one+two2", false},
		{"bcdfghjkl+two", false}, // not a word
	}
	for _, tt := range tests {
		if got := isWordList(tt.v); got != tt.want {
			t.Errorf("isWordList(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestValidKeyBlock: a block that reaches END, or shows three body lines,
// is a key; the head of one cut short is not.
func TestValidKeyBlock(t *testing.T) {
	head := "-----" + "BEGIN PRIVATE KEY-----"
	line := func() string { return fakekey.Expand("{{b64 64}}") }
	tests := []struct {
		name  string
		block string
		want  bool
	}{
		{"with END", head + "\n" + line() + "\n-----END PRIVATE KEY-----", true},
		{"three body lines", head + "\n" + line() + "\n" + line() + "\n" + line(), true},
		{"three lines, CRLF", head + "\r\n" + line() + "\r\n" + line() + "\r\n" + line(), true},
		{"three lines, escaped", head + `\n` + line() + `\n` + line() + `\n` + line(), true},
		{"one body line", head + "\n" + line(), false},
		{"two body lines, CRLF", head + "\r\n" + line() + "\r\n" + line(), false},
	}
	for _, tt := range tests {
		if got := validKeyBlock(tt.block); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCodeValidators checks the validators of the forms found in code and
// commands: strings listed under a keys-named collection, values a command
// stores as secrets, and PascalCase *Key fields. Failures name the case,
// never the value.
func TestCodeValidators(t *testing.T) {
	tests := []struct {
		name   string
		valid  func(string) bool
		secret string
		want   bool
	}{
		{"list item: random key", validListItemKey, fakekey.Expand("{{alnum 24}}7{{alnum 23}}"), true},
		{"list item: Fernet key", validListItemKey, fakekey.Expand("{{alnum 20}}4{{alnum 9}}-{{alnum 12}}="), true},
		{"list item: prefixed key", validListItemKey, fakekey.Expand("live_{{alnum 16}}3{{alnum 15}}"), true},
		{"list item: setting name", validListItemKey, "mailer_smtp_oauth2_client_id", false},
		{"list item: camel-case name", validListItemKey, "defaultHttpsPort", false},
		{"list item: artifact path", validListItemKey, "my-wf/my-node-1/my-s3-input-artifact.tgz", false},
		{"list item: command-line flag", validListItemKey, "--format-options=json.indent:10", false},
		{"list item: UUID", validListItemKey, fakekey.Expand("{{uuid}}"), true},
		{"list item: nil UUID", validListItemKey, "00000000-0000-0000-0000-000000000000", false},
		{"literal: random key", validLiteralSecret, fakekey.Expand("{{alnum 24}}7{{alnum 7}}"), true},
		{"literal: hex token", validLiteralSecret, fakekey.Expand("{{hex 40}}"), true},
		{"literal: typed password", validLiteralSecret, fakekey.Expand("{{alnum 12}}#{{digit 3}}"), true},
		{"literal: leet stand-in", validLiteralSecret, "S00perS3cretPa55word", false},
		{"literal: user name", validLiteralSecret, "app", false},
		{"pascal field: mixed random", validMixedCodeKey, fakekey.Expand("{{alnum 16}}7aQ{{alnum 13}}"), true},
		{"pascal field: SHA-256 test vector", validMixedCodeKey, fakekey.Expand("{{hex 64}}"), false},
		{"pascal field: identifier", validMixedCodeKey, "x509PrivateKeyRSA2048", false},
		{"pascal field: member path", validMixedCodeKey, "s3Driver.AccessKey", false},
		{"code key: stored file path", validCodeKey, fakekey.Expand("{{lalnum 15}}/{{lalnum 15}}/300_{{alnum 10}}.png"), false},
		{"code key: key with a slash", validCodeKey, fakekey.Expand("{{alnum 20}}7/{{alnum 19}}"), true},
		{"prefixed UUID", validGenericSecret, "web-" + fakekey.Expand("{{uuid}}"), true},
		{"prefixed UUID, upper-case word", validGenericSecret, "SSOP_" + fakekey.Expand("{{uuid}}"), true},
		{"nil UUID behind a word", validGenericSecret, "web-00000000-0000-0000-0000-000000000000", false},
		{"auth literal: UUID", validAuthLiteral, fakekey.Expand("{{uuid}}"), true},
		{"auth literal: nil UUID", validAuthLiteral, "00000000-0000-0000-0000-000000000000", false},
		{"auth literal: header name", validAuthLiteral, "AuthorizationHeaderValueName", false},
		{"prose: UUID", validProseKey, fakekey.Expand("{{uuid}}"), true},
		{"prose: hex 48", validProseKey, fakekey.Expand("{{hex 48}}"), true},
		{"prose: SHA-1", validProseKey, fakekey.Expand("{{hex 40}}"), false},
		{"prose: words", validProseKey, "parameter_name_for_the_header", false},
		{"auth scheme: random token", validAuthSchemeToken, fakekey.Expand("{{alnum 24}}7{{alnum 23}}"), true},
		{"auth scheme: NTLM message", validAuthSchemeToken, "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==", false},
		{"auth scheme: Negotiate DER", validAuthSchemeToken, "YII" + fakekey.Expand("{{b64 60}}"), false},
		{"auth scheme: parameter", validAuthSchemeToken, "Credential=" + fakekey.Expand("{{ualnum 20}}"), false},
		{"auth scheme: padded base64", validAuthSchemeToken, fakekey.Expand("{{alnum 30}}7{{alnum 9}}=="), true},
	}
	for _, tt := range tests {
		if got := tt.valid(tt.secret); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidShortSecret(t *testing.T) {
	tests := []struct {
		tmpl string
		want bool
	}{
		{"V7{{lit JlImTI}}LW", true},                        // both cases and digits, no word
		{"{{lit 3Yz0}}{{lit E5ZU9h}}", true},                // as a carrier's web-service password
		{"ChangeMe123", false},                              // words
		{"CLIXSNY7WO", false},                               // no lower case
		{"{{hex 12}}", false},                               // hex is a digest's part
		{"Qwerty12345", false},                              // a keyboard walk
		{"Test1234abcd", false},                             // says what it is
		{"{{lit Ab3kd9}}{{lit Xk2LmQ}}{{lit p8Zr}}", false}, // 16: the longer rules' judgement
		{"{{lit Ab3k}}{{lit d9X}}", false},                  // too short
		{"Postgres2024", false},                             // a word and a year
		{"{{lit a1B2c}}{{lit 3D4e5}}", true},                // generated, two runs of one class
	}
	for _, tt := range tests {
		v := fakekey.Expand(tt.tmpl)
		if got := validShortSecret(v); got != tt.want {
			t.Errorf("validShortSecret(%q) = %v, want %v", v, got, tt.want)
		}
	}
}
