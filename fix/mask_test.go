package fix

import (
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// TestMaskStore: a destination file is diffed with every value replaced,
// including the lines of a multi-line value and lines keyguard cannot read;
// a value the plan moves shows by its redacted form.
func TestMaskStore(t *testing.T) {
	moved := fakekey.Expand("sk_live_{{alnum 40}}")
	tests := []struct {
		name   string
		format valueFormat
		in     string // template; MOVED stands for the moved value
		want   string
	}{
		{
			name:   "dotenv variables, export, quotes, comments and blank lines",
			format: dotenv,
			in:     "# keys\nDEBUG=1\n\nexport GH='ghp_{{alnum 36}}'\r\nOLD=\"sk_live_{{alnum 30}}\" # rotated\nNEW=MOVED\n",
			want:   "# keys\nDEBUG=<redacted>\n\nGH=<redacted>\r\nOLD=<redacted>\nNEW=sk_l…(48 chars)\n",
		},
		{
			name:   "dotenv multi-line value and unreadable lines",
			format: dotenv,
			in:     "PEM=\"-----BEGIN PRIVATE KEY-----\n{{b64 60}}\nAbCd{{alnum 20}}==\n-----END PRIVATE KEY-----\"\nnot a variable {{alnum 20}}\nAFTER=1",
			want:   "PEM=<redacted>\n<redacted>\n<redacted>\n<redacted>\n<redacted>\nAFTER=<redacted>",
		},
		{
			name:   "secrets.toml top level, tables and multi-line strings",
			format: toml,
			in:     "NEW = \"MOVED\"\n\"quoted key\" = 'x{{alnum 20}}'\n[connections.db]\npassword = \"{{alnum 24}}\"\nnote = \"\"\"\nline {{alnum 20}}\n\"\"\"\n",
			want:   "NEW = sk_l…(48 chars)\n\"quoted key\" = <redacted>\n[connections.db]\npassword = <redacted>\nnote = <redacted>\n<redacted>\n<redacted>\n",
		},
	}
	p := &Plan{secrets: []string{moved}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, tokens := fakekey.ExpandTokens(tt.in)
			in = strings.ReplaceAll(in, "MOVED", moved)
			got := p.maskStore(tt.format, []byte(in))
			if got != tt.want {
				t.Errorf("masked:\n%s\nwant:\n%s", redact(got, append(tokens, moved)), tt.want)
			}
			for i, tok := range tokens {
				if !strings.Contains(in, tok) || strings.Contains(got, tok) {
					t.Errorf("generated run %d is shown", i)
				}
			}
		})
	}
}
