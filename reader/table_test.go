package reader

import (
	"strings"
	"testing"
)

// TestMarkdownTables checks what mdTables reads: the cells under a column
// whose header is secret-like, each as "NAME: value" on its own line.
func TestMarkdownTables(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // "line: joined text" for each value
	}{
		{"key column", "| vendor | key |\n|---|---|\n| Acme | `k3y-v4lue` |\n| Beta | v4l |\n\nafter\n",
			[]string{"table 3:  key: k3y-v4lue", "table 4:  key: v4l"}},
		{"spaced rule, CRLF, no outer pipes", "Service | API token | Notes\r\n--- | --- | ---\r\nAcme | t0k3n | prod\r\n",
			[]string{"table 3:  API token: t0k3n"}},
		{"public key column", "| peer | public key | ip |\n|---|---|---|\n| hub | `k3y-v4lue=` | 10.0.0.1 |\n", nil},
		{"key id column", "| Key ID | Owner |\n|---|---|\n| k3y-v4lue | ops |\n", nil},
		{"no secret-like column", "| Option | Default |\n| ------ | ------- |\n| timeout | 30 |\n", nil},
		{"a row short of the column", "| vendor | key |\n|---|---|\n| Acme |\n", nil},
		{"rule without a header", "|---|---|\n| a | b |\n", nil},
		{"dashes in prose", "a -- b -- c |\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := joinedValues(t, tt.text, "table")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}
