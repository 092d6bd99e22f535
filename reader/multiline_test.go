package reader

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestMultiLine checks what callArgs and sqlRows join: the call's or the
// statement's line with the argument or the row, at that line's number.
func TestMultiLine(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // "kind line: joined text" for each value
	}{
		{"one argument", "geocoder = OpenCage(\n    \"k3y-v4lue\"\n)\n",
			[]string{`call 2: geocoder = OpenCage("k3y-v4lue")`}},
		{"arguments joined", "gw = new AcmeGateway(\n  \"ops\",\n  'k3y-v4lue',\n  timeout=5,\n);\n",
			[]string{`call 2: gw = new AcmeGateway("ops",`, `call 3: gw = new AcmeGateway("ops", 'k3y-v4lue',`}},
		{"closes on the argument's line, CRLF", "\tc := acme.NewClient(\r\n\t\t`k3y-v4lue`);\r\n\t\"next\",\r\n",
			[]string{"call 2: c := acme.NewClient(`k3y-v4lue`);"}},
		{"named argument", "client = Acme(\n    api_key=\"k3y-v4lue\",\n)\n", nil},
		{"not a literal alone", "f(\n  \"a\" + b,\n)\n", nil},
		{"no opening", "x = [\n  \"k3y-v4lue\",\n]\n", nil},
		{"rows", "INSERT INTO integrations (provider, api_key) VALUES\n  ('acme', 'k3y'),\n  ('beta', 'v4l');\n('gamma', 'no');\n",
			[]string{"row 2: INSERT INTO integrations (provider, api_key) VALUES ('acme', 'k3y'),",
				"row 2:  acme api_key: 'k3y'",
				"row 3: INSERT INTO integrations (provider, api_key) VALUES ('beta', 'v4l');",
				"row 3:  beta api_key: 'v4l'"}},
		{"header over three lines", "insert into crm\n  (vendor, token)\n  values\n  ('acme', 'k3y');\n",
			[]string{"row 4: insert into crm (vendor, token) values ('acme', 'k3y');", "row 4:  acme token: 'k3y'"}},
		{"blank line after the header", "INSERT INTO t (provider, api_key) VALUES\n   \n  ('acme', 'k3y');\n", nil},
		{"values without insert", "SELECT * FROM (VALUES\n  (1, 'a'));\n", nil},
		{"a secret column further along", "INSERT INTO erp (id, kind, base_url, username, secret, created_at) VALUES\n  (101, 'acme', 'https://api.acme.dev/v1/', 'svc', 'k3y-v4lue', now());\n",
			[]string{"row 2: INSERT INTO erp (id, kind, base_url, username, secret, created_at) VALUES (101, 'acme', 'https://api.acme.dev/v1/', 'svc', 'k3y-v4lue', now());",
				"row 2:  acme https://api.acme.dev/v1/ svc secret: 'k3y-v4lue'"}},
		{"a row of another width", "INSERT INTO erp (id, kind, secret) VALUES\n  (101, 'acme');\n",
			[]string{"row 2: INSERT INTO erp (id, kind, secret) VALUES (101, 'acme');"}},
		{"a quote inside a value", "INSERT INTO erp (kind, note, token) VALUES\n  ('acme', 'it''s', NULL),\n  ('beta', 'x', 't0k-v4lue');\n",
			[]string{"row 2: INSERT INTO erp (kind, note, token) VALUES ('acme', 'it''s', NULL),",
				"row 3: INSERT INTO erp (kind, note, token) VALUES ('beta', 'x', 't0k-v4lue');",
				"row 3:  beta x token: 't0k-v4lue'"}},
		{"values ending prose", "the function returns two values\n(a tuple)\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := joinedValues(t, tt.text, "call", "row")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestSeqItems checks what seqItems joins: a credential's key with each
// scalar item of the sequence below it, at the item's line.
func TestSeqItems(t *testing.T) {
	tests := []joinedCase{
		{"cassette header", "    headers:\n      X-Api-Key:\n      - k3y-v4lue\n      Accept:\n      - application/json\n",
			[]string{"seq 3: X-Api-Key: k3y-v4lue"}},
		{"indented items, CRLF", "  Authorization:\r\n    - Basic dXNlcjpwYXNz\r\n    - Bearer k3y\r\n  next: 1\r\n",
			[]string{"seq 2: Authorization: Basic dXNlcjpwYXNz", "seq 3: Authorization: Bearer k3y"}},
		{"quoted key", "\"Private-Token\":\n- \"k3y-v4lue\"\n",
			[]string{`seq 2: "Private-Token": "k3y-v4lue"`}},
		{"not a credential's name", "Content-Type:\n- application/json\n", nil},
		{"a mapping under the key", "api_key:\n- name: acme\n  value: k3y\n", nil},
		{"a sentence", "Set the api key as follows:\n- open the console\n", nil},
		{"item less indented than the key", "  token:\n- k3y\n", nil},
		{"a list item's key", "- token:\n  - k3y\n", nil},
	}
	checkJoined(t, "seq", tests)
}

func TestBlockScalars(t *testing.T) {
	tests := []joinedCase{
		{"folded", "secrets:\n  cohere_api_key: >-\n    k3y-v4lue-42\n  region: eu\n",
			[]string{"block 3: cohere_api_key: k3y-v4lue-42"}},
		{"literal, CRLF, last line", "db_password: |\r\n  p4ss-v4lue\r\n",
			[]string{"block 2: db_password: p4ss-v4lue"}},
		{"not a credential's name", "description: >-\n  a long sentence here\n", nil},
		{"a block of two lines", "script_token: |\n  line one\n  line two\n", nil},
		{"value not indented", "api_key: >\nk3y\n", nil},
		{"at the end of the text", "api_key: >-", nil},
	}
	checkJoined(t, "block", tests)
}

func TestFlagItems(t *testing.T) {
	tests := []joinedCase{
		{"container args", "        args:\n        - --api-key\n        - k3y-v4lue-42\n        - --verbose\n",
			[]string{"arg 3: --api-key=k3y-v4lue-42"}},
		{"quoted, CRLF", "  - \"--auth-token\"\r\n  - \"t0k3n-v4lue\"\r\n",
			[]string{`arg 2: --auth-token="t0k3n-v4lue"`}},
		{"not a credential's flag", "- --log-level\n- debug\n", nil},
		{"flag with its own value", "- --token=abc\n- next\n", nil},
		{"next item another flag", "- --password\n- --user\n", nil},
		{"next item at another indent", "- --secret\n  - v4lue\n", nil},
	}
	checkJoined(t, "arg", tests)
}

// joinedCase is a text and the values of one kind it must decode to, as
// joinedValues writes them.
type joinedCase struct {
	name, text string
	want       []string
}

// checkJoined runs joinedValues on each case for the values of kind.
func checkJoined(t *testing.T, kind string, tests []joinedCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := joinedValues(t, tt.text, kind)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// joinedValues decodes text and returns each value of the given kinds as
// "kind line: joined text", checking that the value's column is where its
// raw text stands on its line.
func joinedValues(t *testing.T, text string, kinds ...string) []string {
	t.Helper()
	budget := DefaultBudget
	lines := strings.Split(text, "\n")
	var got []string
	for _, d := range Decode([]byte(text), false, &budget) {
		if !slices.Contains(kinds, d.Kind) {
			continue
		}
		got = append(got, fmt.Sprintf("%s %d: %s", d.Kind, d.Line, d.Text))
		raw := string(d.Text[d.Lo:d.Hi])
		if col := strings.Index(lines[d.Line-1], raw) + 1; col != d.Col {
			t.Errorf("%q at column %d, want %d", raw, d.Col, col)
		}
		// A finding ending with the value ends where the value does.
		if end := d.Col + utf8.RuneCountInString(raw); d.Column(d.Hi-d.Lo) != end {
			t.Errorf("%q ends at column %d, want %d", raw, d.Column(d.Hi-d.Lo), end)
		}
	}
	return got
}

// TestRowsLeaveBudgetForKeyBlocks checks that INSERT rows, which cost the
// budget one value each, are read after the key blocks: a seed of more
// rows than the budget holds still leaves the private key split over
// literals below it decoded.
func TestRowsLeaveBudgetForKeyBlocks(t *testing.T) {
	var b strings.Builder
	for s := 0; s < 20; s++ {
		b.WriteString("INSERT INTO integrations (provider, api_key) VALUES\n")
		for r := 0; r < 40; r++ {
			fmt.Fprintf(&b, "  ('p%d', 'v%d'),\n", r, r)
		}
		b.WriteString("  ('last', 'v');\n")
	}
	b.WriteString("k = (\"-----BEGIN RSA PRIVATE KEY-----\\n\"\n  \"QUFBQUFB\\n\"\n  \"-----END RSA PRIVATE KEY-----\\n\")\n")
	budget := DefaultBudget
	rows, blocks := 0, 0
	for _, d := range Decode([]byte(b.String()), false, &budget) {
		switch d.Kind {
		case "row":
			rows++
		case "concatenated":
			blocks++
		}
	}
	if rows == 0 || blocks != 1 {
		t.Errorf("%d rows and %d key blocks decoded, want rows and 1 key block", rows, blocks)
	}
}
