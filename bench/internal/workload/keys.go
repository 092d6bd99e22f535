package workload

import "github.com/keyguard/keyguard/internal/fakekey"

// keyLines are the lines that plant a fake key, one per language, as
// fakekey templates: well-known prefixes are split with {{lit}} so this
// file matches no rule, and the key-shaped value exists only in the
// generated repositories.
var keyLines = map[Lang][]string{
	Go: {
		"\tconst slackBot = \"{{lit xo}}xb-{{digit 12}}-{{digit 13}}-{{alnum 24}}\"",
		"\tclient := github.NewClient(nil).WithAuthToken(\"{{lit gh}}p_{{b62crc 30}}\")",
	},
	Python: {
		"    client = Groq(api_key=\"{{lit gs}}k_{{alnum 52}}\")",
		"    aws_access_key_id = \"{{lit AK}}IA{{upper 16}}\"",
	},
	JS: {
		"  const octokit = new Octokit({ auth: '{{lit gh}}o_{{b62crc 30}}' });",
		"  const gitlab = new Gitlab({ token: '{{lit glp}}at-{{alnum 20}}' });",
	},
	YAML: {
		"            - name: GITHUB_TOKEN\n              value: \"{{lit gh}}p_{{b62crc 30}}\"",
		"            - name: AWS_ACCESS_KEY_ID\n              value: {{lit AK}}IA{{upper 16}}",
	},
	Markdown: {
		"export GROQ_API_KEY={{lit gs}}k_{{alnum 52}}",
	},
}

// KeyLine returns the n-th fake key line for a file in language l, with a
// trailing newline; n also seeds the value, so every planted key differs.
func KeyLine(l Lang, n uint64) []byte {
	ts, ok := keyLines[l]
	if !ok {
		ts = keyLines[JS]
	}
	return []byte(fakekey.ExpandSeed(ts[n%uint64(len(ts))], n+1) + "\n")
}
