package detect

import (
	"crypto/md5"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// expand turns a table entry into text: entries holding a fakekey token are
// templates (so no key-shaped value is stored here), the rest are literal.
func expand(s string) string {
	if fakekey.IsTemplate(s) {
		return fakekey.Expand(s)
	}
	return s
}

func TestIsPlaceholder(t *testing.T) {
	tests := []struct {
		name string
		tmpl string
		want bool
	}{
		{"random key", "sk_live_{{alnum 32}}", false},
		{"random hex", "{{hex 64}}", false},
		{"random base64 with padding", "{{b64 42}}==", false},
		{"shell substitution", "$(vault read -field=token secret/app)", true},
		{"python format", "%(api_key)s", true},
		{"ruby interpolation", "#{ENV_TOKEN}abc", true},
		{"jinja block", "{%raw%}token", true},
		{"keyboard row", "QWERTY{{alnum 20}}", true},
		{"SRI hash", "sha512-{{b64 86}}==", true},
		{"go.sum hash", "h1:{{b64 43}}=", true},
		{"OCI digest", "sha256:{{hex 64}}", true},
		{"base64 of zero bytes", "{{lit AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}}=", true},
		{"base64 of 0xff bytes", "////////////////////////", true},
		{"base64 of a repeated byte", "{{lit YWFhYWFhYWFhYWFhYWFhYWFhYWFh}}", true},
		{"repeated pair after prefix", "sk_live_{{lit abababababababababababab}}", true},
		{"repeated unit of eight", "{{lit a1B2c3D4a1B2c3D4a1B2c3D4}}", true},
		{"unit of nine is not filler", "{{lit a1B2c3D4ea1B2c3D4ea1B2c3D4e}}", false},
		{"angle-bracket stand-in", "sk-<{{lit your key}}>", true},
		{"angle-bracket name", "<{{lit API_TOKEN}}>", true},
		{"ERB tag", "<%= ENV['TOKEN'] %>", true},
		{"salt with brackets apart", "{{alnum 10}}<{{alnum 5}}]!{{alnum 10}}>{{alnum 8}}", false},
		{"salt with a lone bracket", "{{alnum 20}}>{{alnum 12}}", false},
		{"salt with a letter between brackets", "{{alnum 20}}<{{lit c}}>{{alnum 12}}!#", false},
		{"Django startproject key", "django-insecure-{{lalnum 20}}@{{lalnum 12}}^{{lalnum 16}}", false},
		{"masked middle", "GOCSPX-{{alnum 6}}0000000000000000{{alnum 6}}", true},
		// A stand-in word in a long value is chance, not typing (maxTyped);
		// marks that random keys never hold count at any length.
		{"typed stand-in word", "{{lit your}}-api-key-{{alnum 20}}", true},
		{"word inside a long value", "{{alnum 300}}{{lit your}}{{alnum 300}}", false},
		{"xxxx inside a long value", "{{alnum 300}}{{lit xxxx}}{{alnum 300}}", false},
		{"sequence inside a long value", "{{alnum 300}}{{lit 123456}}{{alnum 300}}", false},
		{"elision inside a long value", "{{b64 400}}...{{b64 400}}", true},
		{"interpolation inside a long value", "{{alnum 600}}${TOKEN}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isPlaceholder(fakekey.Expand(tt.tmpl)); got != tt.want {
				t.Errorf("isPlaceholder(%q) = %v, want %v", tt.tmpl, got, tt.want)
			}
		})
	}
}

// TestDocumentedExamples proves the fingerprint lookup with a stand-in, since
// the documented values themselves are not written in this repository.
func TestDocumentedExamples(t *testing.T) {
	v := fakekey.Expand("sk_live_{{alnum 32}}")
	if isPlaceholder(v) {
		t.Fatal("random key already a placeholder")
	}
	documentedExamples[Fingerprint(v)] = true
	defer delete(documentedExamples, Fingerprint(v))
	if !isPlaceholder(v) {
		t.Error("a documented example is not a placeholder")
	}
	for fp := range documentedExamples {
		if len(fp) != 12 || strings.Trim(fp, "0123456789abcdef") != "" {
			t.Errorf("documentedExamples holds %q, want 12 hex digits as Fingerprint returns", fp)
		}
	}
}

func TestGenericValidators(t *testing.T) {
	tests := []struct {
		tmpl           string
		secret, passwd bool
	}{
		// Random literals pass.
		{"{{alnum 32}}", true, true},
		{"{{b64 40}}", true, true},
		{"{{b64url 43}}", true, true},
		{"{{hex 32}}", true, false}, // 32-hex is kept; passwords need three classes
		{"{{hex 64}}", true, false},
		{"{{uhex 24}}", true, false},
		{"base64:{{b64 44}}", true, true},
		{"{{alnum 10}}!{{alnum 6}}", true, true},
		// Code and file names are not values.
		{"Arr::only($config", false, false},
		{"$this->config(", false, false},
		{"\\Acme\\Vault::get($name", false, false},
		{"{{alnum 8}}_development.yml.enc", false, false},
		{"{{alnum 12}}-ci-token.txt", false, false},
		{"(TlsChannelCredentials)", false, false},
		{"UserCredential.find_by!(user_id:", false, false},
		{"ZXhhbXBsZS1hcHAtc2VjcmV0", false, false}, // base64 of "example-app-secret"
		{"harbor_user:$2y$10${{b64 53}}", false, false},
		{"{{hex 32}}-{{hex 8}}-{{hex 8}}", true, false}, // hex in groups: a Mailgun key
		{"spring.rsocket.server.port=0", false, false},
		{":configureLogger()`,", false, false},              // AddDebugLogProcessorPass::configureLogger()
		{"+r.Form.Get(xhttp.AmzCredential),", false, false}, // "Credential="+r.Form.Get(...)
		{".base64_encode($data).", false, false},            // 'SECRET='.base64_encode($data)
		{"(Get-UserFlag", false, false},                     // PowerShell: $x.password = (Get-UserFlag ...)
		{"(header.getValue", false, false},
		{"(formState?.opensslKey", false, false}, // optional chaining
		{"jjwt-jackson-0.11.2", false, false},    // io.jsonwebtoken:jjwt-jackson-0.11.2, a Maven artifact
		{"conf.dbmsPass", false, false},          // password = conf.dbmsPass or ""
		{"globalServerCtxt.RootUser,", false, false},
		{"{{alnum 9}}1.{{alnum 8}}", true, true},                           // a dot inside a random value
		{"{{alnum 20}}-1.2", true, true},                                   // a random first part is no artifact name
		{"$P${{b64 31}}", false, false},                                    // a phpass hash (WordPress)
		{"{{ualnum 20}}/20160727/us-east-1/s3/aws4_request", false, false}, // a SigV4 credential scope
		{"cGFzc3dvcmQ=", false, false},                                     // base64 of "password"
		{"c2VjdXJlLXBhc3N3b3Jk", false, false},                             // base64 of "secure-password"
		{"{{b64 12}}+{{alnum 20}}", true, true},                            // "+" inside base64 is not an operator
		{"({{alnum 10}}#{{alnum 8}}", true, true},                          // a parenthesis before a random value
		{"{{b64 42}}==", true, true},                                       // padding is not an assignment
		// Hashes and ids.
		{"{{hex 40}}", true, false},                                         // kept: see validGenericSecret
		{"{{lalnum 20}}@{{lalnum 12}}^{{lalnum 16}}", true, true},           // Django's alphabet
		{"{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}", true, false}, // Heroku, Postmark, Keycloak: a UUID under a key's name
		{"$2b$12${{b64 53}}", false, false},
		{"pbkdf2_sha256$600000${{alnum 22}}${{b64 43}}", false, false},
		// References and code.
		{"process.env.STRIPE_SECRET_KEY", false, false},
		{"import.meta.env.VITE_API_TOKEN", false, false},
		{"settings.OPENAI_API_KEY", false, false},
		{"os.environ.get(", false, false},
		{"get_api_credentials(config)", false, false},
		{"this.configService.jwtSigningKey", false, false},
		{"$DATABASE_PASSWORD", false, false},
		{"%APPDATA_ACCESS_KEY%", false, false},
		{"*default_db_password", false, false},
		{"arn:aws:secretsmanager:us-east-1:{{digit 12}}:secret:prod/db-{{alnum 6}}", false, false},
		{"vault:kv/data/prod/payments#stripeKey", false, false},
		{"/run/secrets/payments_api_key", false, false},
		{"./config/credentials.production.json", false, false},
		{"https://vault.internal:8200/v1/kv/app", false, false},
		// Names.
		{"MY_APPLICATION_ACCESS_KEY", false, false},
		{"my_application_key_name", false, false},
		{"getAPIKeyFromURLParams", false, false},
		{"cloudflare-origin-ca-key", false, false},
		{"oauth2ClientCredentials", false, false},
		{"k8sServiceAccountName", false, false},
		// Numbers, versions, words, fixtures.
		{"1234509876.4432.12", false, false},
		{"2024-05-01T12:00:00Z", false, false},
		{"correcthorsebatterystaple", false, false},
		{"test_{{alnum 24}}", false, false},
		{"{{alnum 8}}Fake{{alnum 8}}", false, false},
		{"q8w7e6r5t4y3u2i1o0p9", false, false},
		{"a1b2c3d4e5f6g7h8i9j0", false, false},
		{"Hunter2Hunter2Hunter2", false, false},
		{"eyJhbGciOiJIUzI1NiJ9.{{b64url 40}}.{{b64url 43}}", false, false},
		// Deferred to provider rules.
		{"ghp_{{alnum 36}}", false, false},
		{"pk_live_{{alnum 24}}", false, false},
		// Length bounds.
		{"{{alnum 15}}", false, true},
		{"{{alnum 11}}", false, false},
		{"{{b64 300}}", false, false},
	}
	for _, tt := range tests {
		v := fakekey.Expand(tt.tmpl)
		if got := validGenericSecret(v); got != tt.secret {
			t.Errorf("validGenericSecret(%q) = %v, want %v", tt.tmpl, got, tt.secret)
		}
		if got := validGenericPassword(v); got != tt.passwd {
			t.Errorf("validGenericPassword(%q) = %v, want %v", tt.tmpl, got, tt.passwd)
		}
	}
}

// TestGenericKeepsRandomValues bounds what the generic validators cost in
// recall: random values of usual key alphabets and lengths must pass.
func TestGenericKeepsRandomValues(t *testing.T) {
	const n = 2000
	for _, alpha := range []string{"hex", "uhex", "lalnum", "ualnum", "alnum", "b64", "b64url"} {
		for _, size := range []int{16, 24, 32, 48, 64} {
			tmpl := fmt.Sprintf("{{%s %d}}", alpha, size)
			lost := 0
			for seed := range uint64(n) {
				if !validGenericSecret(fakekey.ExpandSeed(tmpl, seed)) {
					lost++
				}
			}
			// About 1% at 16 characters, where words and random strings
			// overlap most; 0.2% from 24 up.
			limit := n / 500
			if size == 16 {
				limit = n / 50
			}
			if lost > limit {
				t.Errorf("%s: %d of %d random values rejected, want at most %d", tmpl, lost, n, limit)
			}
		}
	}
}

// TestRandomParts checks keys made of a short prefix and random parts of
// their own alphabets: kept with nearly every seed, while names of words
// and single parts are left to the whole value's floor.
func TestRandomParts(t *testing.T) {
	const n = 500
	for _, tmpl := range []string{"fhb-{{hex 32}}", "t-{{hex 24}}-{{hex 32}}", "{{hex 32}}.{{alnum 16}}", "key_{{hex 128}}", "live_{{hex 40}}",
		"sk-{{lower 48}}", "A{{hex 32}}"} {
		lost := 0
		for seed := range uint64(n) {
			if !validGenericSecret(fakekey.ExpandSeed(tmpl, seed)) {
				lost++
			}
		}
		if lost > n/100 {
			t.Errorf("%s: %d of %d random values rejected, want at most %d", tmpl, lost, n, n/100)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"fhb-" + fakekey.Expand("{{hex 32}}"), true},
		{fakekey.Expand("{{hex 32}}.{{alnum 16}}"), true},
		{"billing-service-primary-endpoint", false},   // words
		{"ab-" + fakekey.Expand("{{hex 10}}"), false}, // too short a body
		{"too-many-prefix-" + fakekey.Expand("{{hex 32}}"), false},
		{fakekey.Expand("{{hex 32}}"), false}, // one part: the whole value's floor judges it
		{"sk-" + fakekey.Expand("{{lower 48}}"), true},
		{"sk-abcdefghijklmnopqrstuvwxyzabcdefghijkl", false},              // a run of the alphabet repeats letters
		{"sk-thisisaverylongsentencewrittenwithoutanyspacesatall", false}, // words
	} {
		if got := randomParts(tt.v); got != tt.want {
			t.Errorf("randomParts(%q) = %v, want %v", Redact(tt.v), got, tt.want)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"A" + fakekey.Expand("{{hex 32}}"), true},
		{"md" + fakekey.Expand("{{hex 40}}"), true},
		{"A" + fakekey.Expand("{{hex 20}}"), false},     // too short a hex run
		{"Azyxw" + fakekey.Expand("{{hex 32}}"), false}, // more than four letters: judged whole
		{"A" + strings.Repeat("0", 32), false},          // not random as hex
	} {
		if got := prefixedHex(tt.v); got != tt.want {
			t.Errorf("prefixedHex(%q) = %v, want %v", Redact(tt.v), got, tt.want)
		}
	}
}

// TestRandomTail: words of a key's own prefix (secret_, cur_live_,
// sk_live_) before a random part are structure, not a stand-in.
func TestRandomTail(t *testing.T) {
	random := fakekey.Expand("{{alnum 32}}")
	tests := []struct {
		v    string
		want bool // a random tail is found
	}{
		{"secret_" + random, true},
		{"cur_live_" + random, true},
		{"sk_live_" + random, true},
		{"test_" + random, false}, // a test's value
		{"my_fake_token_" + random, false},
		{"sa_api_key_" + random, true}, // an abbreviation, then prefix words
		{"demo_" + random, false},
		{"example_" + random, false},
		{"test-api-key-12345", false},
		{"secret_" + "thisIsNotRandomAtAllReally", false},
	}
	for _, tt := range tests {
		if got := randomTail(tt.v) != ""; got != tt.want {
			t.Errorf("randomTail(%s) found = %v, want %v", Redact(tt.v), got, tt.want)
		}
	}
	if !isLiteralValue("secret_"+random) || isLiteralValue("example_"+random) {
		t.Error("isLiteralValue does not follow randomTail")
	}
}

// TestPlaceholderKeepsProviderKeys expands every built-in rule's match
// examples with many seeds and checks that no secret its regex captures is
// taken for a placeholder: the filters must never drop a random key.
// Other families add rules concurrently, so this also guards their examples.
func TestPlaceholderKeepsProviderKeys(t *testing.T) {
	e := newTestEngine(t)
	byID := map[string]*Rule{}
	for _, r := range e.Rules() {
		byID[r.ID] = r
	}
	const seeds = 300
	for _, s := range builtinSpecs(t) {
		r := byID[s.ID]
		re := r.compiled()
		for _, tmpl := range s.Examples.Match {
			matched := 0
			for seed := range uint64(seeds) {
				text := fakekey.ExpandSeed(tmpl, seed)
				for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
					if m[2*r.group] < 0 {
						continue
					}
					matched++
					secret := text[m[2*r.group]:m[2*r.group+1]]
					if isPlaceholder(secret) {
						t.Errorf("rule %s: example %q with seed %d is taken for a placeholder (%v)", s.ID, tmpl, seed, Secret(secret))
					}
				}
			}
			if matched == 0 {
				t.Errorf("rule %s: example %q never matches its regex", s.ID, tmpl)
			}
		}
	}
}

func TestIsGenerated(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"package-lock.json", true},
		{"web/yarn.lock", true},
		{"go.sum", true},
		{"Cargo.lock", true},
		{"ios/Podfile.lock", true},
		{"Package.resolved", true},
		{"static/app.min.js", true},
		{"static/app.bundle.js", true},
		{"static/vendor.chunk.js", true},
		{"static/app.js.map", true},
		{"src/__snapshots__/App.test.js.snap", true},
		{"api/v1/service.pb.go", true},
		{"api/v1/service_grpc.pb.go", true},
		{"proto/service_pb2.py", true},
		{"proto/service_pb2_grpc.py", true},
		{"proto/service_pb2.pyi", true},
		{"web/gen/service_pb.js", true},
		{"pkg/apis/v1/zz_generated.deepcopy.go", true},
		{"node_modules/lodash/lodash.js", true},
		{"vendor/github.com/x/y/z.go", true},
		{".yarn/releases/yarn-4.1.0.cjs", true},
		{"web/.yarn/releases/yarn-4.1.0.cjs", true},
		{"apps/web/node_modules/react/index.js", true},
		{".pnp.cjs", true},
		// Hand-written files keep every rule.
		{"config.py", false},
		{"src/app.js", false},
		{".env", false},
		{"deploy/values.yaml", false},
		{"lockfile.go", false},
		{"docs/minimal.md", false},
		{"internal/vendors/vendor.go", false},
		{"src/vendor", false},
		{"myvendor/x.go", false},
		{".yarn/releases-old/x.cjs", false},
		{".yarn/plugins/releases.cjs", false},
	}
	for _, tt := range tests {
		if got := IsGenerated(tt.name); got != tt.want {
			t.Errorf("IsGenerated(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// mustNotFlag are everyday lines that name secrets without holding one, in
// the files they come from. The whole engine must find nothing in them.
var mustNotFlag = []struct{ file, line string }{
	// Python: environment reads, code, fixtures.
	{"settings.py", `API_KEY = os.getenv("API_KEY")`},
	// Values their providers document as public: LaunchDarkly mobile keys,
	// Plaid Link tokens.
	{".env", `LAUNCHDARKLY_MOBILE_KEY=mob-{{uuid}}`},
	{"app/plaid.py", `link_token = "link-sandbox-{{uuid}}"`},
	{"settings.py", `SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]`},
	{"settings.py", `api_key = os.environ.get("OPENAI_API_KEY", "")`},
	{"settings.py", `SECRET_KEY = "django-insecure-change-me-in-production"`},
	{"settings.py", `SECRET_KEY = get_random_secret_key()`},
	{"settings.py", `DATABASE_PASSWORD = config("DATABASE_PASSWORD", default="")`},
	{"settings.py", `PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]`},
	{"settings.py", `CSRF_COOKIE_NAME = "csrftoken"`},
	{"settings.py", `password_reset_timeout = 259200`},
	{"app/auth.py", `token = request.headers.get("Authorization", "").removeprefix("Bearer ")`},
	{"app/auth.py", `password = getpass.getpass(prompt="Password: ")`},
	{"app/auth.py", `client = OpenAI(api_key=settings.OPENAI_API_KEY)`},
	{"app/auth.py", `self.api_key = api_key or config.get("api_key")`},
	{"app/auth.py", `secret = secrets.token_urlsafe(32)`},
	{"app/auth.py", `token = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")`},
	{"app/auth.py", `access_token = response.json()["access_token"]`},
	{"app/auth.py", `secret_key = Path("/run/secrets/app_secret_key").read_text().strip()`},
	{"app/auth.py", `secret_key = base64.b64decode(encoded_secret_key)`},
	{"app/auth.py", `api_key = APIKey.objects.get(prefix=prefix).hashed_key`},
	{"app/auth.py", `token = Token.objects.create(user=user)`},
	{"app/auth.py", `token = kwargs.pop("token", None)`},
	{"app/auth.py", `password = make_password(raw_password)`},
	{"app/auth.py", `auth = HTTPBasicAuth(username, password)`},
	{"app/auth.py", `login(username="admin", password=os.environ["ADMIN_PASSWORD"])`},
	{"app/auth.py", `headers = {"X-API-Key": api_key}`},
	{"app/auth.py", `params = {"access_token": access_token, "fields": "id,name"}`},
	{"app/auth.py", `data = {"client_secret": client_secret_from_vault}`},
	{"app/auth.py", `api_key: Optional[str] = None`},
	{"app/config.py", `API_KEY: str = Field(default="", env="API_KEY")`},
	{"app/config.py", `max_tokens = 4096`},
	{"app/config.py", `TOKEN_EXPIRY_SECONDS = 3600`},
	{"app/config.py", `token_type = "Bearer"`},
	{"app/config.py", `log.info("token refreshed for user %s", user_id)`},
	{"app/config.py", `raise ValueError("api_key must be set")`},
	{"app/config.py", `password = f"{prefix}{suffix}"`},
	{"app/config.py", `api_key = None`},
	{"app/config.py", `api_key = ""`},
	{"tests/test_client.py", `api_key = "test-api-key-1234"`},
	{"tests/test_client.py", `fake_token = "fake-token-for-unit-tests"`},
	{"tests/test_client.py", `password = "password123"`},
	{"tests/test_client.py", `    return "dummy-token"`},
	{"tests/test_client.py", `assert client.api_key == "sk-test-1234"`},
	{"tests/test_client.py", `mock_secret = "mock-secret-value-for-tests"`},
	{"tests/test_client.py", `token = "abc123"`},
	{"tests/test_client.py", `API_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"`},
	{"tests/test_client.py", `secret = "0000000000000000000000000000000000000000"`},
	{"tests/test_client.py", `api_key = "1234567890abcdef1234567890abcdef"`},
	{"tests/test_client.py", `secret_key = "abcdefghijklmnopqrstuvwxyz123456"`},
	{"tests/test_client.py", `token = "a1b2c3d4e5f6g7h8i9j0k1l2"`},
	{"tests/test_client.py", `password = "Passw0rd!Passw0rd!"`},
	{"tests/test_client.py", `DB_PASSWORD = "P@ssw0rd123456"`},
	{"tests/test_client.py", `password = "Hunter2Hunter2Hunter2"`},
	{"tests/test_client.py", `AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY{{lit EXAMPLEKEY}}"`},
	{"tests/test_client.py", `GITHUB_TOKEN = "ghp_{{alnum 10}}example{{alnum 19}}"`},
	{"tests/test_client.py", `request_token = "{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}"`},
	{"tests/test_client.py", `commit_sha = "{{hex 40}}"`},
	{"tests/test_client.py", `token = "eyJhbGciOiJIUzI1NiJ9.{{b64url 40}}.{{b64url 43}}"`},
	{"tests/test_client.py", `api_key = "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"`},

	// JavaScript and TypeScript.
	{"src/api.ts", `const apiKey = process.env.OPENAI_API_KEY;`},
	{"src/api.ts", `const token = import.meta.env.VITE_API_TOKEN`},
	{"src/api.ts", `  apiKey: process.env.STRIPE_SECRET_KEY!,`},
	{"src/api.ts", `const secret = await getSecret("prod/api-key");`},
	{"src/api.ts", "  headers: { Authorization: `Bearer ${token}` },"},
	{"src/api.ts", `const token = localStorage.getItem("access_token");`},
	{"src/api.ts", `let password: string = "";`},
	{"src/api.ts", `  apiKey: string;`},
	{"src/api.ts", `const [token, setToken] = useState<string | null>(null);`},
	{"src/api.ts", `  token: req.cookies.session_token,`},
	{"src/api.ts", `export const API_KEY_HEADER = "x-api-key";`},
	{"src/api.ts", `  secret: configService.get<string>("JWT_SECRET"),`},
	{"src/api.ts", `  password: faker.internet.password(),`},
	{"src/api.ts", `const accessToken = this.authService.generateAccessToken(user.id);`},
	{"src/api.ts", `if (token === undefined) throw new Error("missing token");`},
	{"src/api.ts", `  apiKey: "<YOUR_API_KEY>",`},
	{"src/api.ts", `const clientSecret = "***************";`},
	{"src/api.ts", `const token = await octokit.auth({ type: "installation" });`},
	{"src/api.ts", `  secretAccessKey: credentials.secretAccessKey,`},
	{"src/api.ts", `const { apiKey, ...rest } = options;`},

	// Go.
	{"internal/config/config.go", `apiKey := os.Getenv("API_KEY")`},
	{"internal/config/config.go", `token, err := auth.NewToken(ctx, claims)`},
	{"internal/config/config.go", `		Password: cfg.Database.Password,`},
	{"internal/config/config.go", `		APIKey: viper.GetString("api_key"),`},
	{"internal/config/config.go", `secret := []byte(os.Getenv("JWT_SECRET"))`},
	{"internal/config/config.go", `const tokenHeader = "X-Auth-Token"`},
	{"internal/config/config.go", `var ErrInvalidToken = errors.New("invalid token")`},
	{"internal/config/config.go", `token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")`},
	{"internal/config/config.go", "\tToken string `json:\"token\" yaml:\"token\"`"},
	{"internal/config/config.go", `	APIKey:   flagAPIKey,`},

	// Java, Kotlin, C#, Ruby, PHP.
	{"src/main/java/App.java", `String apiKey = System.getenv("API_KEY");`},
	{"src/main/java/App.java", `@Value("${app.jwt.secret}") private String jwtSecret;`},
	{"src/main/java/App.java", `private static final String TOKEN_PREFIX = "Bearer ";`},
	{"app/build.gradle.kts", `val apiKey = BuildConfig.API_KEY`},
	{"Program.cs", `var password = Environment.GetEnvironmentVariable("DB_PASSWORD");`},
	{"Program.cs", `options.ClientSecret = builder.Configuration["AzureAd:ClientSecret"];`},
	{"Program.cs", `public string ApiKey { get; set; }`},
	{"config/application.rb", `config.secret_key_base = ENV["SECRET_KEY_BASE"]`},
	{"config/application.rb", `  api_key: ENV.fetch("API_KEY"),`},
	{"config/application.rb", `Rails.application.credentials.dig(:aws, :secret_access_key)`},
	{"config/application.rb", `  :password => params[:password],`},
	{"wp-config.php", `define('AUTH_KEY', 'put your unique phrase here');`},
	{"wp-config.php", `define('SECURE_AUTH_KEY', 'put your unique phrase here');`},
	{"config/database.php", `'password' => env('DB_PASSWORD', ''),`},
	{"src/Client.php", `$apiKey = getenv('API_KEY');`},

	// YAML: CI, Kubernetes, Helm, Ansible, app config.
	{".github/workflows/ci.yml", `  token: ${{ secrets.CODECOV_TOKEN }}`},
	{".github/workflows/ci.yml", `  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`},
	{".github/workflows/ci.yml", `      uses: actions/checkout@{{hex 40}}`},
	{".github/workflows/ci.yml", `      - run: echo "$API_TOKEN" | docker login -u bot --password-stdin`},
	{".gitlab-ci.yml", `    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY`},
	{"k8s/deployment.yaml", `        secretName: postgres-credentials`},
	{"k8s/deployment.yaml", `  existingSecret: my-release-postgresql`},
	{"k8s/deployment.yaml", `          key: api-token`},
	{"k8s/deployment.yaml", `kind: Secret`},
	{"k8s/deployment.yaml", `type: kubernetes.io/service-account-token`},
	{"k8s/deployment.yaml", `  tokenSecretRef: cloudflare-api-token-secret`},
	{"charts/app/templates/secret.yaml", `  password: {{ .Values.postgresql.auth.password | b64enc | quote }}`},
	{"ansible/group_vars/all.yml", `db_password: "{{ db_password_vault }}"`},
	{"ansible/group_vars/all.yml", `vault_password: !vault |`},
	{"config.yaml", `  api_key: ${OPENAI_API_KEY}`},
	{"config.yaml", `  credentials: /var/run/secrets/gcp/key.json`},
	{"config.yaml", `  token_url: https://oauth2.googleapis.com/token`},
	{"config.yaml", `  password: ""`},
	{"config.yaml", `  token: null`},
	{"config.yaml", `  secret: true`},
	{"config.yaml", `  password: <your-db-password>`},
	{"config.yaml", `  client_secret: "xxxxxxxxxxxxxxxxxxxxxxxx"`},
	{"config.yaml", `access_token: ''`},
	{"config.yaml", `  tokenizer: bert-base-uncased`},
	{"config.yaml", `  max_tokens: 2048`},
	{"config.yaml", `  api_key: ENC[AES256_GCM,data:{{b64 40}},iv:{{b64 44}},tag:{{b64 24}},type:str]`},
	{"config.yaml", `  secret: projects/my-project/secrets/api-key/versions/latest`},
	{"config.yaml", `  token: op://Engineering/Deploy/credential`},
	{"docker-compose.yml", `      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}`},
	{"docker-compose.yml", `      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password`},

	// .env, shell, Dockerfile.
	{".env.example", `API_KEY=`},
	{".env.example", `API_KEY=your-api-key-here`},
	{".env.example", `SECRET_KEY=changeme`},
	{".env.example", `DB_PASSWORD=${DB_PASSWORD:-postgres}`},
	{".env.example", `NPM_TOKEN=${NPM_TOKEN}`},
	{"scripts/deploy.sh", `export GITHUB_TOKEN=$(gh auth token)`},
	{"scripts/deploy.sh", `export VAULT_TOKEN="$(vault print token)"`},
	{"scripts/deploy.sh", `TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)`},
	{"scripts/deploy.sh", `read -s -p "Password: " PASSWORD`},
	{"scripts/deploy.sh", `curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/user`},
	{"scripts/deploy.sh", `export AWS_SECRET_ACCESS_KEY=$(aws configure get aws_secret_access_key)`},
	{"scripts/deploy.sh", `export API_TOKEN="$API_TOKEN_PRODUCTION"`},
	{"scripts/deploy.bat", `set SESSION_SECRET=%SESSION_SECRET%`},
	{"Dockerfile", `ARG NPM_TOKEN`},
	{"Dockerfile", `ENV API_KEY=""`},
	{"Dockerfile", `ENV NODE_ENV=production`},
	{"Dockerfile", `RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci`},
	{"Dockerfile", `ENV PASSWORD_FILE=/run/secrets/db_password`},
	{"Dockerfile", `ENV API_TOKEN $API_TOKEN`},

	// Terraform, TOML, INI, properties.
	{"main.tf", `  password = var.db_password`},
	{"main.tf", `  password = random_password.db.result`},
	{"main.tf", `  secret_key = data.aws_secretsmanager_secret_version.app.secret_string`},
	{"main.tf", `  token      = var.cloudflare_api_token`},
	{"main.tf", `  client_secret = azuread_application_password.app.value`},
	{"main.tf", `variable "api_key" { sensitive = true }`},
	{"main.tf", `  api_key = "arn:aws:ssm:eu-west-1:{{digit 12}}:parameter/prod/api-key"`},
	{"Cargo.toml", `token = "${CARGO_REGISTRY_TOKEN}"`},
	{"pyproject.toml", `password = ""`},
	{"config.toml", `api_key = "env:API_KEY"`},
	{"alembic.ini", `password = %(db_password)s`},
	{"application.properties", `spring.datasource.password=${DB_PASSWORD}`},
	{"application.properties", `jwt.secret=${JWT_SECRET:}`},
	{"application.properties", `auth.token.ttl=3600`},

	// Lockfiles, go.sum, package.json.
	{"package-lock.json", `      "integrity": "sha512-{{b64 86}}==",`},
	{"package-lock.json", `      "resolved": "https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz",`},
	{"yarn.lock", `  integrity sha1-{{b64 27}}=`},
	{"yarn.lock", `  resolved "https://registry.yarnpkg.com/@octokit/auth-token/-/auth-token-4.0.0.tgz#{{hex 40}}"`},
	{"pnpm-lock.yaml", `    resolution: {integrity: sha512-{{b64 86}}==}`},
	{"go.sum", `github.com/golang-jwt/jwt/v5 v5.2.1 h1:{{b64 43}}=`},
	{"go.sum", `golang.org/x/oauth2 v0.21.0/go.mod h1:{{b64 43}}=`},
	{"package.json", `    "js-tokens": "^4.0.0",`},
	{"package.json", `    "token": "node scripts/token.js",`},
	{"package.json", `    "@octokit/auth-token": "^4.0.0",`},
	{"poetry.lock", `    {file = "cryptography-42.0.5.tar.gz", hash = "sha256:{{hex 64}}"},`},
	{"requirements.txt", `    --hash=sha256:{{hex 64}}`},
	{"Cargo.lock", `checksum = "{{hex 64}}"`},

	// Hashes, UUIDs, digests.
	{"deploy/values.yaml", `  image: registry.example.com/app@sha256:{{hex 64}}`},
	{"deploy/values.yaml", `  checksum: sha256:{{hex 64}}`},
	{"fixtures/users.json", `  "csrf_token": "{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}",`},
	{"fixtures/users.json", `  "password": "$2b$12${{b64 53}}",`},
	{"fixtures/users.json", `  "password": "pbkdf2_sha256$600000${{alnum 22}}${{b64 43}}=",`},
	{"fixtures/users.json", `  "password": "{{hex 32}}",`},
	{"fixtures/users.json", `  "commit": "{{hex 40}}",`},
	{"fixtures/users.json", `  "etag": "\"{{hex 32}}\"",`},

	// SQL, logs, HTML, docs.
	{"migrations/001.sql", `SELECT id, token, expires_at FROM sessions WHERE token = $1;`},
	{"migrations/001.sql", `CREATE TABLE api_keys (id uuid primary key, key_hash text not null);`},
	{"migrations/001.sql", `UPDATE users SET password = '$2y$10${{b64 53}}' WHERE id = 1;`},
	{"migrations/001.sql", `INSERT INTO users (email, password) VALUES ('a@b.c', crypt('x', gen_salt('bf')));`},
	{"migrations/001.sql", `GRANT SELECT ON tokens TO reporting;`},
	{"logs/app.log", `2024-05-01T12:00:00Z INFO auth: token refreshed user_id=42 expires_in=3600`},
	{"logs/app.log", `2024-05-01 12:00:01 WARN invalid token: signature mismatch (kid={{hex 16}})`},
	{"logs/app.log", `level=info msg="issued token" token_id={{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}`},
	{"logs/app.log", `request_id={{hex 32}} api_key=*** status=200`},
	{"logs/app.log", `[auth] refresh_token=<redacted>`},
	{"templates/login.html", `<input type="password" name="password" autocomplete="current-password">`},
	{"templates/login.html", `<meta name="csrf-token" content="{{hex 40}}">`},
	{"web.config", `<add key="ApiKey" value="#{ApiKey}#" />`},
	{"docs/auth.md", `Set the API_KEY environment variable to your key, e.g. API_KEY=sk-...`},
	{"docs/auth.md", `Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...`},
	{"docs/auth.md", `The token expires after 3600 seconds; use --token <TOKEN> to authenticate.`},
	{"docs/auth.md", `  "id_token": "eyJ...",`},
	{"docs/auth.md", `# TODO: rotate the secret before release`},

	// Minified bundles and base64 images.
	{"dist/app.min.js", `var n={token:e.token,secret:e.secret||"",password:t.password};a.apiKey="{{alnum 32}}"`},
	{"dist/app.min.js", `function(e,t){return e.accessToken=t.access_token,e}`},
	{"src/styles.css", `.logo{background-image:url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")}`},
	{"src/icons.ts", `export const tokenIcon = "data:image/svg+xml;base64,{{b64 120}}";`},
}

func TestMustNotFlag(t *testing.T) {
	if len(mustNotFlag) < 150 {
		t.Fatalf("only %d must-not-flag lines, want at least 150", len(mustNotFlag))
	}
	e := newTestEngine(t)
	for _, c := range mustNotFlag {
		for _, f := range e.ScanFile(c.file, []byte(expand(c.line)+"\n")) {
			t.Errorf("%s: %q: %s finding %v", c.file, c.line, f.Rule.ID, f.Secret)
		}
	}
}

// mustFlagGeneric are random values assigned to key-like names in each
// language's shape; each must give a generic finding.
var mustFlagGeneric = []struct{ file, tmpl string }{
	{"settings.py", `API_KEY = "{{alnum 32}}"`},
	{"settings.py", `SECRET_KEY = '{{b64 48}}'`},
	{"mysite/settings.py", `SECRET_KEY = '{{lalnum 21}}!{{lalnum 11}}^{{lalnum 7}}#{{lalnum 8}}'`},
	{"config.yaml", `  secret: {{hex 40}}`},
	{"app/client.py", `client = Client(api_key="{{alnum 40}}", timeout=30)`},
	{"app/client.py", `payload = {"client_secret": "{{b64url 43}}", "grant_type": "client_credentials"}`},
	{"app/client.py", `auth_token: str = "{{hex 64}}"`},
	{"app/client.py", `os.environ.setdefault("APP_SECRET", "{{alnum 40}}")`},
	{"settings.py", `DATABASES = {"default": {"PASSWORD": "{{alnum 16}}!{{digit 2}}"}}`},
	{"src/api.js", `const apiKey = '{{alnum 39}}';`},
	{"src/api.js", `  apiKey: "{{b64url 40}}",`},
	{"src/api.ts", "export const ACCESS_TOKEN = `{{alnum 48}}`;"},
	{"src/api.ts", `this.clientSecret = "{{alnum 32}}";`},
	{"src/api.ts", `const token: string = "{{b64url 40}}";`},
	{"main.go", `apiKey := "{{alnum 32}}"`},
	{"main.go", `	Token: "{{hex 48}}",`},
	{"main.go", `const signingKey = "{{b64 44}}"`},
	{"main.go", `var authToken string = "{{alnum 40}}"`},
	{"App.java", `private static final String API_KEY = "{{alnum 32}}";`},
	{"App.java", `props.put("password", "{{alnum 14}}#{{digit 3}}");`},
	{"App.kt", `val apiSecret = "{{b64url 40}}"`},
	{"App.kt", `val apiKey: String = "{{alnum 32}}"`},
	{"Program.cs", `public const string ClientSecret = "{{alnum 34}}";`},
	{"config.yaml", `api_key: {{alnum 32}}`},
	{"config.yaml", `  token: "{{b64url 40}}"`},
	{"config.yaml", `  client_secret: '{{alnum 40}}'`},
	{"config.yaml", `  password: {{alnum 12}}!{{alnum 4}}`},
	{"config.json", `  "api_key": "{{hex 32}}",`},
	{"config.json", `{"token":"{{b64url 64}}"}`},
	{"config.toml", `token = "{{alnum 40}}"`},
	{"config.toml", `password = "{{alnum 16}}%{{digit 2}}"`},
	{".env", `API_KEY={{alnum 32}}`},
	{".env", `SESSION_SECRET={{hex 64}}`},
	{".env", `DB_PASS={{alnum 20}}`},
	{".env", `APP_KEY=base64:{{b64 44}}`},
	{"scripts/run.sh", `export TOKEN={{alnum 40}}`},
	{"scripts/run.sh", `export CLIENT_SECRET="{{alnum 40}}"`},
	{"Dockerfile", `ENV API_KEY={{alnum 32}}`},
	{"Dockerfile", `ENV APP_SECRET="{{b64url 40}}"`},
	{"Dockerfile", `ARG AUTH_TOKEN={{hex 48}}`},
	{"main.tf", `  password = "{{alnum 14}}!{{digit 2}}"`},
	{"main.tf", `  api_key  = "{{alnum 32}}"`},
	{"main.tf", `  client_secret = "{{alnum 34}}"`},
	{"src/Client.php", `$apiKey = '{{alnum 32}}';`},
	{"config/app.php", `    'secret' => '{{b64 40}}',`},
	{"wp-config.php", `define('AUTH_KEY', '{{b64url 64}}');`},
	{"config/initializers/api.rb", `config.api_key = "{{alnum 32}}"`},
	{"config/initializers/api.rb", `  :access_token => "{{alnum 40}}",`},
	{"src/main.rs", `const API_KEY: &str = "{{alnum 32}}";`},
	{"application.properties", `app.api.key={{alnum 32}}`},
	{"application.properties", `spring.datasource.password={{alnum 12}}#{{digit 2}}`},
	{"src/fetch.py", `url = "https://api.example.com/v1/data?api_key={{alnum 32}}&format=json"`},
	{"Makefile", `	mytool --api-key={{alnum 32}} deploy`},
	{"app.config", `<credentials token="{{alnum 40}}" />`},
	{"src/Http.java", `headers.put("X-Api-Key", "{{alnum 32}}");`},
}

func TestMustFlagGeneric(t *testing.T) {
	if len(mustFlagGeneric) < 40 {
		t.Fatalf("only %d must-flag lines, want at least 40", len(mustFlagGeneric))
	}
	e := newTestEngine(t)
	for _, c := range mustFlagGeneric {
		text := []byte(fakekey.Expand(c.tmpl) + "\n")
		found := false
		for _, f := range e.ScanFile(c.file, text) {
			// A framework's own setting (Django's SECRET_KEY, WordPress's
			// AUTH_KEY) is reported by its framework rule instead.
			if f.Rule.Family == "generic" || f.Rule.Family == "frameworks" {
				found = true
				checkPosition(t, text, f)
			}
		}
		if !found {
			t.Errorf("%s: %q: no generic or framework finding", c.file, c.tmpl)
		}
	}
}

// TestProviderRuleWinsOverGeneric: a provider key assigned to a key-like
// name is reported once, by the provider rule, and generic rules stay out of
// generated files.
func TestProviderRuleWinsOverGeneric(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		file, tmpl string
		want       []string
	}{
		{"app.py", `api_key = "` + openaiTmpl + `"`, []string{"openai-api-key"}},
		{".env", "GITHUB_TOKEN=" + ghpTmpl, []string{"github-token"}},
		{"credentials", "aws_secret_access_key = {{b64 40}}", []string{"aws-secret-access-key"}},
		{".env", "STRIPE_SECRET_KEY=sk_live_{{alnum 32}}", []string{"stripe-live-key"}},
		{"config.yaml", "hf_token: hf_{{alpha 34}}", []string{"huggingface-token"}},
		{"src/app.js", `a.apiKey="{{alnum 32}}"`, []string{"generic-api-key"}},
		{"dist/app.min.js", `a.apiKey="{{alnum 32}}"`, nil},
		{"package-lock.json", `"token": "{{alnum 32}}"`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range e.ScanFile(tt.file, []byte(fakekey.Expand(tt.tmpl))) {
			got = append(got, f.Rule.ID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: %q: got %v, want %v", tt.file, tt.tmpl, got, tt.want)
		}
	}
}

// TestExpectedEntropy: the stepped sum agrees with the log-gamma one for
// every length up to 3,000 and the alphabets values are drawn from, and
// the long values that would underflow fall back to it.
func TestExpectedEntropy(t *testing.T) {
	for _, k := range []int{2, 10, 16, 26, 36, 50, 52, 62, 64, 70, 94} {
		for n := 1; n <= 3000; n += 1 + n/50 {
			got, want := expectedEntropy(n, k), expectedEntropyLgamma(n, k)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("expectedEntropy(%d, %d) = %.12f, log-gamma sum %.12f", n, k, got, want)
			}
		}
	}
	if got, want := expectedEntropy(40000, 2), expectedEntropyLgamma(40000, 2); got != want {
		t.Errorf("expectedEntropy(40000, 2) = %v, want the log-gamma sum %v", got, want)
	}
}

func TestQueryValueEnd(t *testing.T) {
	tests := []struct {
		v    string
		want int // the value's length when it is not a query string
	}{
		{"abc&sessionid=123&save=true", 3},
		{"bd4f21f&genuine=%5BFILTERED%5D", 7},
		{"tok&page[size]=2", 3},
		{"Ab3&9x=1", 8},  // a name starts with a letter
		{"Ab3&&=1", 7},   // no name
		{"Ab3&cd", 6},    // no "="
		{"p&ssw0rd!", 9}, // a password with "&"
	}
	for _, tt := range tests {
		if got := queryValueEnd([]byte(tt.v)); got != tt.want {
			t.Errorf("queryValueEnd(%q) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

func TestNotSecretName(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{`"authenticity_token"=>"x"`, true},
		{`csrfmiddlewaretoken: x`, true},
		{`X-XSRF-Token: x`, true},
		{`"NextToken": "x"`, true},
		{`next_page_token = x`, true},
		{`access_token = x`, false},
		{`TOKEN = x`, false},
		{`page_token_secret = x`, false},
		{`NEXT_PUBLIC_SUPABASE_ANON_KEY=x`, true},
		{`SUPABASE_SERVICE_ROLE_KEY=x`, false},
		{`invalidToken = x`, true},
		{`nonMatchingToken := x`, true},
		{`FAKE_API_KEY=x`, true},
		{`expired_token: x`, true},
		{`TEST_API_KEY=x`, false},
		{`"X-Minio-Internal-Server-Side-Encryption-Sealed-Key": x`, true},
		{`twinfield_key = x`, false}, // ends in "fieldkey" but not at a word's start
		{`TWINFIELD_KEY = x`, false},
		{`FIELD_KEY = x`, true},
		{`fieldKey = x`, true},
		{`form_field_key = x`, true},
		{`oauth_consumer_key="x"`, true},
		{`deploy_key_sha = x`, true},
		{`keyChecksum: x`, true},
		{`api_key_digest = "x"`, true},
		{`KEY_SHA256=x`, true},
		{`ssh_key = x`, false},
		{`SHOPIFY_API_KEY=x`, true},
		{`NEXT_PUBLIC_TAPPAY_APP_KEY=x`, true},
		{`ADAPTY_PUBLIC_SDK_KEY=x`, true},
		{`PUBLIC_ALGOLIA_KEY=x`, true},
		{`PUBLICATION_API_KEY=x`, false},
		{`SEGMENT_PUBLIC_API_TOKEN=x`, false},
		{`ALGOLIA_SEARCH_ONLY_KEY=x`, true},
		{`MIDTRANS_SERVER_KEY=x`, false},
		{`SHOPIFY_API_SECRET_KEY=x`, false},
		{`mixpanelToken: x`, true},
		{`AMPLITUDE_API_KEY=x`, true},
		{`AMPLITUDE_SECRET_KEY=x`, false},
		{`shopifyStorefrontToken: x`, true},
		{`val appmetricaApiKey = x`, true},
		{`QONVERSION_PROJECT_KEY=x`, true},
		{`QONVERSION_SECRET_KEY=x`, false},
		{`"apns_token": x`, true},
		{`deviceToken = x`, true},
		{`FURY_PUSH_TOKEN=x`, false}, // Gemfury's push token is a credential; a push notification address is named for its device
	}
	for _, tt := range tests {
		at := strings.Index(strings.ToLower(tt.line), "token")
		if at < 0 {
			at = strings.Index(strings.ToLower(tt.line), "key")
		}
		if got := notSecretName([]byte(tt.line), at); got != tt.want {
			t.Errorf("notSecretName(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestNotSecretNameWords: a name written as words ("cache key:") is read
// whole from where a match starts.
func TestNotSecretNameWords(t *testing.T) {
	for line, want := range map[string]bool{
		`cache key: x`:   true,
		`Cache Key = x`:  true,
		`API Key: x`:     false,
		`acme key: x`:    false,
		`primary key: x`: true,
		// A match from the line's start: the indent, a quote and a
		// declaration's keyword come before the name.
		`    logoDevPublishable: 'x'`:    true,
		`  "recaptchaSiteKey": "x"`:      true,
		`    static let publicKey = "x"`: true,
		`    static let tfl = "x"`:       false,
		`    const val PublicKey = "x"`:  true,
	} {
		if got := notSecretName([]byte(line), 0); got != want {
			t.Errorf("notSecretName(%q) = %v, want %v", line, got, want)
		}
	}
}

// TestLooseListName: in the "name", "value" form the name must be a whole
// quoted string, not the tail of another value.
func TestLooseListName(t *testing.T) {
	value := fakekey.Expand("{{hex 32}}")
	tests := []struct {
		line string
		want bool
	}{
		{`for target in ("3.45.1", "users,creds", "` + value + `", ""):`, true},
		{`config.set("api_key", "` + value + `")`, false},
		{`define('AUTH_KEY', '` + value + `');`, false},
		{`['secret', '` + value + `']`, false},
		{`api_key = "` + value + `"`, false},                          // no comma: not this form
		{`var tm = new AcmeSms("acme-ops", "` + value + `");`, false}, // a call's arguments
		{`args = opts.creds, "` + value + `"`, true},
		{`session.auth = ("api", "` + value + `")`, false},                 // a tuple assigned
		{`curl_setopt($ch, CURLOPT_USERPWD, "api:` + value + `");`, false}, // an option constant
		{`{api_key, "` + value + `"}`, false},                              // a tuple
	}
	for _, tt := range tests {
		lower := strings.ToLower(tt.line)
		at := strings.LastIndex(lower[:strings.Index(tt.line, value)], "creds")
		for _, n := range []string{"api_key", "auth_key", "secret", "password", "acmesms", "session.auth", "curlopt_userpwd"} {
			if i := strings.Index(lower, n); i >= 0 && at < 0 {
				at = i
			}
		}
		if got := looseListName([]byte(tt.line), at, strings.Index(tt.line, value)); got != tt.want {
			t.Errorf("looseListName(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestNotSecretNameTokens checks the names whose wider token says the value
// is no secret: a checksum annotation, a name inside an AWS ARN.
func TestNotSecretNameTokens(t *testing.T) {
	tests := []struct {
		line, match string // match: where the generic rule's match starts
		want        bool
	}{
		{`    checksum/secret: ff95c6e6`, "secret:", true},
		{`password_digest: "$2a$12$x"`, "password", true},
		{`secret_arn: "arn:aws:secretsmanager:eu-west-1:1:secret:prod/api"`, ":secret:", true},
		{`MAPBOX_PUBLIC_TOKEN = "pk.x"`, "TOKEN", true},
		{`PUSHER_APP_KEY = "bcdf"`, "KEY", true},
		{`aws_secret_access_key = "x"`, "aws_secret", false},
		{"webhook:\n  secret: x", "secret:", false},
		{"  checksum: 1\n  secret: x", "secret:", false}, // a checksum on another line says nothing
	}
	for _, tt := range tests {
		at := strings.Index(tt.line, tt.match)
		if at < 0 {
			t.Fatalf("%q holds no %q", tt.line, tt.match)
		}
		if got := notSecretName([]byte(tt.line), at); got != tt.want {
			t.Errorf("notSecretName(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestHasTemplate: an interpolation is an opener and its closer (or a name
// up to the value's end); a punctuation-rich random key that merely holds
// an opener is no template.
func TestHasTemplate(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"${DB_PASSWORD}", true},
		{"${KEY:-dev}", true},
		{"$(cat /run/secrets/db)", true},
		{"{{ .Values.apiKey }}", true},
		{"{{alnum", true}, // cut at a space
		{"<%= ENV['KEY'] %>", true},
		{"%(password)s", true},
		{"abc%(9xQ_2)sdef", true}, // any name a template gives the field
		{"#{ENV['TOKEN']}", true},
		{"a1$(b2@c3)d4", false},  // as in a Django key: "$(" by chance
		{"k<%z>q%.w{P!-", false}, // as in a WordPress salt
		{"ab%(cd!ef", false},
	}
	for _, tt := range tests {
		if got := hasTemplate(tt.v); got != tt.want {
			t.Errorf("hasTemplate(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestValueShapesNotKeys covers the shapes real code assigns to key and
// password names that are not keys (found on projects keyguard was never
// tuned on): each value is built here, never a real key.
func TestValueShapesNotKeys(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	jsonSeg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"doubled sequence", isDoubledSequence("00112233445566778899aabbccddeeff"), true},
		{"doubled random", isDoubledSequence(fakekey.Expand("{{hex 32}}")), false},
		{"hello in base32", isHelloBase32(base32.StdEncoding.EncodeToString([]byte("Hello!\xde\xad\xbe\xef"))), true},
		{"random base32", isHelloBase32(fakekey.Expand("{{b32 16}}")), false},
		{"JWT header alone", isJSONSegment(jsonSeg), true},
		{"random base64url", isJSONSegment(fakekey.Expand("{{b64url 36}}")), false},
		{"scoped key id", isScopedID("hydra.openid.id-token:private:" + fakekey.Expand("{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}")), true},
		{"uuid alone", isScopedID(fakekey.Expand("{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}")), false},
		{"label key", isDNSName("io.x-k8s.kind.cluster"), true},
		{"annotation key", isDNSName("cluster.x-k8s.io/paused"), true},
		{"mixed-case key", isDNSName(fakekey.Expand("{{alnum 20}}.{{alnum 20}}")), false},
		{"numeronym", isNumeronym("i18n"), true},
		{"token segment", isNumeronym("dt0c01"), false},
		{"modular crypt", isModularCrypt("$p-sha256$310000$c2FsdA$aGFzaA"), true},
		{"dollar value", isModularCrypt(fakekey.Expand("${{alnum 20}}")), false},
		{"leet password", validGenericPassword("P@ssw0rd123!"), false},
		{"secure said", validGenericPassword("vErY-s3cur3-p@ss!"), false},
		{"typed password", validGenericPassword(fakekey.Expand("{{alnum 12}}#{{digit 3}}")), true},
		{"generated letters", validGenericPassword(fakekey.Expand("{{alpha 32}}")), true},
		{"MD5 as a password", validGenericPassword(fmt.Sprintf("%x", md5.Sum([]byte("password")))), false},
		{"x run said", validGenericPassword("pass1xxxABCD"), false},
		{"x run by chance", validGenericPassword(fakekey.Expand("{{alnum 20}}RxXxf{{alnum 20}}")), true},
		{"camel words", validGenericPassword("CorrectHorseBatteryStaple"), false},
		{"generated letters, 16", validGenericPassword(fakekey.Expand("{{lower 8}}{{upper 8}}")), true},
		{"app password, lower and digits", validGenericPassword(fakekey.Expand("{{lower 5}}28{{lower 4}}6{{lower 4}}")), true},
		{"keyboard mash", validGenericPassword("asdfqwer1234asdf"), false},
		{"upper case and digits", validGenericPassword(fakekey.Expand("{{upper 8}}{{digit 8}}")), false},
		{"letters of one case", validGenericPassword(fakekey.Expand("{{lower 20}}")), false},
		{"UUID under a key name", validCodeKey(fakekey.Expand("{{uuid}}")), false},
		{"two hex halves under a key name", validCodeKey(fakekey.Expand("{{hex 36}}-{{hex 36}}")), true},
		{"CI cache key", validCodeKey(fakekey.Expand("Linux-node-{{hex 64}}")), false},
		{"secret store path", validCodeKey("prod/integrations/payments4ai"), false},
		{"header name", isWordName("X-Algolia-Application-Id"), true},
		{"long URL-safe token", validGenericSecret(fakekey.Expand("AQ{{b64url 340}}")), true},
		{"long standard base64 blob", validGenericSecret(fakekey.Expand("AgB{{alnum 150}}+{{alnum 150}}/{{alnum 40}}")), false},
		{"token beyond the longest", validGenericSecret(fakekey.Expand("{{alnum 2100}}")), false},
		{"base64 key with a slash", validCodeKey(fakekey.Expand("{{alnum 12}}/{{alnum 11}}+Q7")), true},
		{"Key Vault reference", isLiteralValue("@Microsoft.KeyVault(VaultName=acme-prod-kv;SecretName=qbo"), false},
		{"account number and hex", randomParts(fakekey.Expand("{{digit 7}}:{{hex 32}}")), true},
		{"number and random part", randomParts(fakekey.Expand("{{digit 10}}.{{alnum 20}}7{{alnum 11}}")), true},
		{"migration name", randomParts("20240101_create_users_table"), false},
		{"artifact named by its SHA-1", validCodeKey(fakekey.Expand("deps_cache.{{hex 40}}")), false},
		{"key prefix before hex", validCodeKey(fakekey.Expand("live-{{hex 40}}")), true},
		{"hex of a key's length after a word", validCodeKey(fakekey.Expand("acme-{{hex 32}}")), true},
		{"a sentence as a password", validGenericPassword("iWishIWereCoolEnoughForRoot!"), false},
		{"user as password", decodesToStandIn(b64("Wagtail:Wagtail")), true},
		{"user and password", decodesToStandIn(b64("john:password")), true},
		{"keyboard credentials", decodesToStandIn(b64("asdfgh:1234")), true},
		{"words joined", decodesToStandIn(b64("wrong_regexp_exmaple")), true},
		{"counting bytes", decodesToCounting(b64(string([]byte{0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))), true},
		{"random bytes, not counting", decodesToCounting(b64(fakekey.Expand("{{alnum 24}}"))), false},
		{"random bytes", decodesToStandIn(b64(fakekey.Expand("{{alnum 24}}"))), false},
		{"ternary branch", ternaryName([]byte("(ok ? pass : direct).visit("), 6), true},
		{"assignment", ternaryName([]byte("pass = x"), 0), false},
		{"query string", ternaryName([]byte("GET /v1?token=x"), 8), false},
		{"regex", validGenericSecret("^(abc123|xyz789)$"), false},
		{"home path", validGenericSecret("~/.ssh/id_ed25519" + ".pub"), false},
		{"relative path", validGenericSecret("../keys/deploy_ed25519_2024"), false},
		{"call opened", validGenericSecret("direct).visitMethod("), false},
		{"a name after a provider's name", validNamedSecret("GetMachineHealthChecksForCluster"), false},
		{"random after a provider's name", validNamedSecret(fakekey.Expand("{{alnum 32}}")), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestPublicShape(t *testing.T) {
	upper := strings.Repeat("A7Q2", 8)   // 32 upper-case letters and digits
	hex27 := strings.Repeat("a3f", 9)    // 27 lower-case hex digits
	lower16 := strings.Repeat("k3m9", 4) // 16 lower-case letters and digits
	tests := []struct {
		v    string
		want bool
	}{
		{"live_" + upper, true},                             // Adyen client key
		{"test_" + upper, true},                             //
		{"live_" + hex27, true},                             // Paddle client-side token
		{"production_" + lower16[:8] + "_" + lower16, true}, // Braintree tokenization key
		{"sandbox_" + lower16[:8] + "_" + lower16, true},
		{"sdk-" + "Ab3dE5gH7jK9mN1p", true}, // GrowthBook client key
		{"live_" + upper[:31], false},
		{"live_" + strings.ToLower(upper), false},
		{"sk_live_" + upper, false},
		{"sdk-" + "3f2c9a1e-7b4d-4e8a-9c21-5d6f7a8b9c0d", false}, // LaunchDarkly's server SDK key
		{"production_" + lower16, false},
	}
	for _, tt := range tests {
		if got := publicShape(tt.v); got != tt.want {
			t.Errorf("publicShape(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
