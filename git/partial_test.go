package git

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestPromisors reads which remotes a partial clone fetches from, in git's
// order, from the ways git and people write that configuration.
func TestPromisors(t *testing.T) {
	tests := []struct {
		name   string
		config string // appended to .git/config
		want   []string
	}{
		{"complete repository", "", nil},
		{"clone --filter", "[remote \"origin\"]\n\tpromisor = true\n", []string{"origin"}},
		{"extension first", "[extensions]\n\tpartialClone = up\n[remote \"b\"]\n\tpromisor = yes\n[remote \"up\"]\n\tpromisor = true\n", []string{"up", "b"}},
		{"false is not one", "[remote \"origin\"]\n\tpromisor = false\n", nil},
		{"no value is true", "[remote \"my.remote\"]\n\tpromisor\n", []string{"my.remote"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t)
			f, err := os.OpenFile(filepath.Join(g.Dir, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(tt.config); err != nil {
				t.Fatal(err)
			}
			f.Close()
			r := open(t, g.Dir)
			got, err := r.Promisors(context.Background())
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("Promisors = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
