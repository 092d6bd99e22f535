package reader

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, text string
		generated  bool
		want       []string // "kind:value" for each decoded value, in order
	}{
		{"k8s data", "  KEY: {{enc base64}}hello-world-value{{enc end}}", false, []string{"base64:hello-world-value"}},
		{"two values", "A: {{enc base64}}hello-world-value{{enc end}}\nB: {{enc base64}}another value here{{enc end}}", false,
			[]string{"base64:hello-world-value", "base64:another value here"}},
		{"url alphabet, unpadded", "t={{enc base64url}}a?b>c~~hello??{{enc end}}", false, []string{"base64:a?b>c~~hello??"}},
		{"random bytes", "  KEY: 3q2+7wABAgMEBQYHCAkKCwwNDg8Q", false, nil},
		{"integrity hash", `"integrity": "sha512-{{enc base64}}not really a hash but text{{enc end}}"`, false, nil},
		{"data URI", `src="data:text/plain;base64,{{enc base64}}plain text in a data uri{{enc end}}"`, false, nil},
		{"identifier", "getUserAccountSettingsById", false, nil},
		{"both alphabets", "v: QWxhZGRpbjpvcGVu+/c2VzYW1l-_", false, nil},
		{"text value, padded", "v: {{enc base64}}abc xyz, no digits!{{enc end}}", false, []string{"base64:abc xyz, no digits!"}},
		{"hex digest", "d41d8cd98f00b204e9800998ecf8427e", false, nil},
		{"too short", "{{enc base64}}short{{enc end}}", false, nil},
		{"generated file", "KEY: {{enc base64}}hello-world-value{{enc end}}", true, nil},
		{"escaped quote", `"a = \"quoted value\""`, false, []string{`json:a = "quoted value"`}},
		{"escaped line breaks only", `"line one\nline two"`, false, nil},
		{"url escapes", "p=a%2Bb%2Fc%3Dd", false, []string{"url:p=a+b/c=d"}},
		{"no escapes", "p=plain-value-here", false, nil},
		{"key block in literals", "k = (\"-----BEGIN EC PRIVATE KEY-----\\n\"\n  \"AAAA\\n\"\n  \"-----END EC PRIVATE KEY-----\")", true,
			[]string{"concatenated:-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"}},
		{"plain key block", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----", false, nil},
		{"public key in literals", "k = \"-----BEGIN PUBLIC KEY-----\\n\" +", false, nil},
		{"element over three lines", "<cfg>\n  <apiToken>\n    tok3n-value-42\n  </apiToken>\n</cfg>", false,
			[]string{"element:tok3n-value-42"}},
		{"element with attributes, CRLF", "<password encrypted=\"no\">\r\n  s3cret-value\r\n</password>\r\n", false,
			[]string{"element:s3cret-value"}},
		{"element not secret-like", "<version>\n  1.2.3-SNAPSHOT-build\n</version>", false, nil},
		{"element of another name", "<apiTokenList>\n  tok3n-value-42\n</apiToken>", false, nil},
		{"element value of words", "<description>\n  the api key goes here\n</description>", false, nil},
		{"element nested", "<apiKey>\n  <value>abc</value>\n</apiKey>", false, nil},
		{"element on the first lines", "  tok3n-value-42\n</apiToken>", false, nil},
		{"element in a generated file", "<apiToken>\n  tok3n-value-42\n</apiToken>", true, nil},
		{"pair in a list", "env:\n  - name: DD_API_KEY\n    value: \"v4lue-42\"\n", false, []string{`pair:"v4lue-42"`}},
		{"pair, CRLF", "- name: 'DB_PASSWORD'\r\n  value: p4ss\r\n", false, []string{"pair:p4ss"}},
		{"pairs in JSON", `[{"name": "API_TOKEN", "value": "t0k"}, {"name": "APP_SECRET", "value": "s3c"}]`, false,
			[]string{`pair:"t0k"}, {"name": "APP_SECRET", "value": "s3c"}]`, `pair:"s3c"}]`}},
		{"csv column", "provider,owner,api_key\nacme,ops,k3y-v4lue\n", false, []string{"csv:k3y-v4lue"}},
		{"csv quoted, semicolons", "\"vendor\";\"contact\";\"token\"\n\"acme\";\"ops\";\"t0k3n\"\n", false, []string{"csv:t0k3n"}},
		{"csv row of another width", "provider,owner,api_key\nacme,ops\n", false, nil},
		{"csv header not names", "1,2,3\nacme,ops,k3y\n", false, nil},
		{"sql insert split at commas", "INSERT INTO flows (id, csrf_token, state)\nVALUES ('1', 'abc', 'x')\n", false, nil},
		{"csv without a secret column", "provider,owner,region\nacme,ops,eu-west-1\n", false, nil},
		{"pair in CloudFormation", "Variables:\n  - Name: ACME_LICENSE_KEY\n    Value: l1c-v4lue\n", false, []string{"pair:l1c-v4lue"}},
		{"pair in CloudFormation, not secret-like", "  - Name: LOG_LEVEL\n    Value: debug\n", false, nil},
		{"pair not secret-like", "- name: LOG_LEVEL\n  value: debug\n", false, nil},
		// The value is joined under csrf_token, its own object's name (which
		// the detector's not-secret names then drop), not under password.
		{"pair names its own object", `[{"name":"password","type":"password"},{"name":"csrf_token","type":"hidden","value":"t0k"}]`, false,
			[]string{`pair:"t0k"}]`}},
		{"pair from a reference", "- name: API_TOKEN\n  valueFrom:\n    secretKeyRef: {}\n", false, nil},
		{"value without a name", "  value: 42\n", false, nil},
		{"value in code", "x = {name: API_TOKEN, value}", false, nil},
		{"curl continued", "curl https://api.acme.dev \\\n  -H 'Accept: text/plain' \\\n  -d x=1 \\\n  -u ci:s3cr3t-v4lue\n", false,
			[]string{"continued:-H 'Accept: text/plain'", "continued:-u ci:s3cr3t-v4lue"}},
		{"curl continued, CRLF", "$ curl -X POST https://api.acme.dev \\\r\n    --header \"X-Api-Key: k3y\"\r\n", false,
			[]string{`continued:--header "X-Api-Key: k3y"`}},
		{"curl not continued", "curl https://api.acme.dev\n-u ci:s3cr3t-v4lue\n", false, nil},
		{"continuation ends", "curl https://api.acme.dev \\\n  -d x=1\n  -u ci:s3cr3t-v4lue\n", false, nil},
		{"libcurl", "libcurl_init \\\n  -u ci:s3cr3t-v4lue\n", false, nil},
		{"plist over two lines", "<dict>\n\t<key>TomTomApiKey</key>\n\t<string>k3y-v4lue-42</string>\n</dict>", false,
			[]string{"plist:k3y-v4lue-42"}},
		{"plist on one line, CRLF", "<key>API_KEY</key><string>k3y-v4lue-42</string>\r\n", false, []string{"plist:k3y-v4lue-42"}},
		{"plist key not secret-like", "<key>CFBundleName</key>\n<string>Tidepool</string>", false, nil},
		{"plist string without a key", "<array>\n<string>k3y-v4lue-42</string>\n</array>", false, nil},
		{"plist empty string", "<key>API_KEY</key>\n<string></string>", false, nil},
		{"postman key and value", `{ "key": "password", "value": "p4ss-v4lue", "type": "string" }`, false,
			[]string{`pair:"p4ss-v4lue", "type": "string" }`}},
		{"literals joined by +", `const apiKey = "sk_" + "k3y-v4lue-split-here";`, false,
			[]string{"concatenated:sk_k3y-v4lue-split-here"}},
		{"literals joined by PHP's .", `$key = 'whsec_' . 'part-one' . 'part-two';`, false,
			[]string{"concatenated:whsec_part-onepart-two"}},
		{"a variable between literals", `msg = "Hello, " + name + " and welcome back";`, false, nil},
		{"joined literals too short", `x = "ab" + "cd";`, false, nil},
		{"literal with an escape", `x = "a\"b" + "more-text-here";`, false, nil},
		{"go []byte literal", `var jwtKey = []byte("k3y-v4lue-in-bytes")`, false, []string{`unwrapped:"k3y-v4lue-in-bytes"`}},
		{"python bytes.fromhex with receiver", `HMAC_KEY = bytes.fromhex('0a1b2c3d4e5f6a7b')`, false, []string{`unwrapped:'0a1b2c3d4e5f6a7b'`}},
		{"jose TextEncoder", `const secret = new TextEncoder().encode("s3cr3t-for-jose-v4lue");`, false,
			[]string{`unwrapped:"s3cr3t-for-jose-v4lue"`}},
		{"bytes of a bytes literal", `key = bytes(b"k3y-v4lue-for-bytes")`, false, []string{`unwrapped:"k3y-v4lue-for-bytes"`}},
		{"bytes literal", `SECRET_KEY = b'k3y-v4lue-as-bytes'`, false, []string{`unwrapped:'k3y-v4lue-as-bytes'`}},
		{"lookup call not unwrapped", `token = os.getenv("ACME_TOKEN_NAME_HERE")`, false, nil},
		{"call whose name only ends like one", `x = mybytes("not-a-conversion-call")`, false, nil},
		{"wrapped literal too short", `k = []byte("short")`, false, nil},
		{"pair named on its own line", "{\"name\": \"API_TOKEN\", \"value\": \"t0k\"},\n{\"name\": \"CLIENT_ID\", \"value\": \"c1d\"}", false,
			[]string{`pair:"t0k"},`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := DefaultBudget
			var got []string
			for _, d := range Decode([]byte(fakekey.Expand(tt.text)), tt.generated, &budget) {
				got = append(got, d.Kind+":"+string(d.Text[d.Lo:d.Hi]))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDecodeBudget checks that a text full of base64 decodes only as many
// values as the budget allows.
func TestDecodeBudget(t *testing.T) {
	line := fakekey.Expand("v: {{enc base64}}some text value{{enc end}}\n")
	text := strings.Repeat(line, 100)
	budget := Budget{Values: 10, Bytes: 1 << 20}
	if n := len(Decode([]byte(text), false, &budget)); n != 10 {
		t.Errorf("decoded %d values with a budget of 10", n)
	}
	budget = Budget{Values: 1000, Bytes: 10 * len("v: some text value")}
	if n := len(Decode([]byte(text), false, &budget)); n != 10 {
		t.Errorf("decoded %d lines with a budget of 10 lines' bytes", n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("KEY: aGVsbG8td29ybGQtdmFsdWU=\n\"a\\\"b\\u00e9\" p=%2F\n"))
	f.Add([]byte("k = (\"-----BEGIN RSA PRIVATE KEY-----\\n\"\n \"QUFB\"\n)"))
	// The joins read the lines around the one they are called for.
	f.Add([]byte("<a>\n  <apiToken>\n    v4lue\n  </apiToken>\n</a>"))
	f.Add([]byte("\n\n</apiKey>"))
	f.Add([]byte("value:\n- name: K_KEY\r\nvalue: \"x\"\r\n"))
	f.Add([]byte(`[{"name": "API_TOKEN", "value": "t0k"}, {"name": "X", "value": 1}]`))
	f.Add([]byte("curl x \\\r\n -u a:b \\\n\\\n-H 'k: v'"))
	f.Add([]byte("<key>apiKey</key>\n<string>v</string><key>x</key><string></string>\n<string>y</string>"))
	f.Add([]byte("c = Acme(\n  \"a\",\n  'b')\n(\r\n\"\"\n"))
	f.Add([]byte("x\ny\ninsert into t (a, key) values\n  \n (1, 'k'),\n(2,'v');\nVALUES\n("))
	f.Add([]byte("| a | key |\n|---|---|\n| x |\n|`|\n| b | `` |\n-- |"))
	f.Fuzz(func(t *testing.T, text []byte) {
		budget := DefaultBudget
		for _, d := range Decode(text, false, &budget) {
			if d.Lo < 0 || d.Hi > len(d.Text) || d.Lo > d.Hi || d.Col < 1 || d.EndCol < d.Col {
				t.Fatalf("bad decoded value %+v", d)
			}
			if c := d.Column(d.Hi - d.Lo); c < d.Col {
				t.Fatalf("column %d before the span's %d", c, d.Col)
			}
		}
	})
}

// TestUnwrappedColumns checks that a literal read out of a conversion call
// keeps its own columns: a finding inside it points at the literal, not at
// the call around it.
func TestUnwrappedColumns(t *testing.T) {
	for _, line := range []string{
		`var jwtKey = []byte("k3y-v4lue-in-bytes")`,
		`SECRET_KEY = b'k3y-v4lue-as-bytes'`,
		`key = bytes(b"k3y-v4lue-for-bytes")`,
		`const secret = new TextEncoder().encode("s3cr3t-for-jose-v4lue");`,
	} {
		budget := DefaultBudget
		ds := Decode([]byte(line), false, &budget)
		if len(ds) != 1 || ds[0].Kind != "unwrapped" {
			t.Fatalf("%s: decoded %+v, want one unwrapped value", line, ds)
		}
		d := ds[0]
		value := string(d.Text[d.Lo+1 : d.Hi-1]) // inside the quotes
		want := strings.Index(line, value) + 1
		if got := d.Column(1); got != want {
			t.Errorf("%s: the literal's first character at column %d, want %d", line, got, want)
		}
		if got := d.Column(d.Hi - d.Lo); got != d.EndCol {
			t.Errorf("%s: the literal ends at column %d, want %d", line, got, d.EndCol)
		}
	}
}

// TestDecoderReuse checks that a Decoder used for one text after another
// returns what Decode returns for each, and, once warm, decodes base64
// values without allocating.
func TestDecoderReuse(t *testing.T) {
	texts := []string{
		fakekey.Expand("data:\n  KEY: {{enc base64}}hello-world-value{{enc end}}\n  OTHER: {{enc base64}}another secret text{{enc end}}\n"),
		fakekey.Expand(`{"a": "x = \"quoted value\"", "u": "p=a%2Bb%2Fc%3Dd"}`),
		fakekey.Expand("v: {{enc base64}}" + strings.Repeat("a longer value, ", 200) + "{{enc end}}\n"),
	}
	show := func(ds []Decoded) string {
		var b strings.Builder
		for _, d := range ds {
			fmt.Fprintf(&b, "%s %d:%d-%d %q [%d:%d] %d|", d.Kind, d.Line, d.Col, d.EndCol, d.Text, d.Lo, d.Hi, d.Column(d.Hi-d.Lo))
		}
		return b.String()
	}
	// Values past one chunk of Text memory, and a line larger than a
	// quarter of one: each value's Text is its own line, decoded.
	var many strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&many, "K%d: {{enc base64}}value number %d here{{enc end}}\n", i, i)
	}
	texts = append(texts, fakekey.Expand(many.String()),
		fakekey.Expand(strings.Repeat("x", 20000)+" v: {{enc base64}}a value on a long line{{enc end}}\n"))
	check := func(ds []Decoded, text string) {
		lines := strings.Split(text, "\n")
		for _, d := range ds {
			line := lines[d.Line-1]
			raw := string(d.raw)
			want := strings.Replace(line, raw, string(d.Text[d.Lo:d.Hi]), 1)
			if string(d.Text) != want || !strings.Contains(line, raw) {
				t.Fatalf("line %d: Text %.60q, want %.60q", d.Line, d.Text, want)
			}
		}
	}
	var dc Decoder
	for round := range 2 {
		for i, text := range texts {
			budget, fresh := BudgetFor(len(text)), BudgetFor(len(text))
			want := show(Decode([]byte(text), false, &fresh))
			ds := dc.Decode([]byte(text), false, &budget)
			check(ds, text)
			if got := show(ds); got != want {
				t.Errorf("round %d, text %d: reused decoder gave %.200s, want %.200s", round, i, got, want)
			}
		}
	}
	text := []byte(texts[0])
	budget := DefaultBudget
	allocs := testing.AllocsPerRun(20, func() {
		budget = DefaultBudget
		if n := len(dc.Decode(text, false, &budget)); n != 2 {
			t.Fatalf("decoded %d values, want 2", n)
		}
	})
	if allocs != 0 {
		t.Errorf("a warm decoder allocates %.0f times per text of base64 values, want 0", allocs)
	}
}

// TestNextOf: the two-word finder returns, from each place eachLine asks
// at, the nearest of either word, as two searches of the rest would.
func TestNextOf(t *testing.T) {
	text := []byte("a.Value\nb.Value\nvalue: 1\nc.Value\n")
	find := nextOf(text, []byte("value"), []byte("Value"))
	var got []int
	for at := 0; at < len(text); {
		i := find(text[at:])
		if i < 0 {
			break
		}
		got = append(got, at+i)
		at += i + 1
	}
	want := []int{2, 10, 16, 27}
	if !slices.Equal(got, want) {
		t.Errorf("nextOf found %v, want %v", got, want)
	}
}
