package git

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// Every git child gets keyguard's malloc tunables, followed by the user's
// own (glibc applies them in order, so the user's win), and git runs its
// own children with them: an alias that prints the variable sees it.
func TestChildEnvMallocTunables(t *testing.T) {
	tests := []struct {
		name string
		user *string // GLIBC_TUNABLES in keyguard's environment; nil: unset
		want string
	}{
		{"unset", nil, mallocTunables},
		{"empty", ptr(""), mallocTunables},
		{"user's kept last", ptr("glibc.malloc.mmap_threshold=65536"), mallocTunables + ":glibc.malloc.mmap_threshold=65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t)
			t.Setenv("GLIBC_TUNABLES", "") // restored after the test, whatever the shell had
			if tt.user == nil {
				os.Unsetenv("GLIBC_TUNABLES")
			} else {
				t.Setenv("GLIBC_TUNABLES", *tt.user)
			}
			r := open(t, g.Dir)
			var got []string
			for _, kv := range r.env {
				if v, ok := strings.CutPrefix(kv, "GLIBC_TUNABLES="); ok {
					got = append(got, v)
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("GLIBC_TUNABLES in the children's environment: %q, want exactly [%q]", got, tt.want)
			}
			out, err := r.output(context.Background(), nil, "-c", "alias.kgenv=!printenv GLIBC_TUNABLES", "kgenv")
			if err != nil {
				t.Fatal(err)
			}
			if s := strings.TrimSpace(string(out)); s != tt.want {
				t.Errorf("a git child's own child saw GLIBC_TUNABLES=%q, want %q", s, tt.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }
