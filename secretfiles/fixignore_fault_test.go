package secretfiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/atomicfile"
	"github.com/keyguard/keyguard/internal/gittest"
)

// TestFixIgnoreFaults: when the disk fills up or permission is denied while
// fix-ignore writes .gitignore, the old .gitignore survives byte for byte (or
// stays absent), no temporary file is left, the error names the file, and
// nothing claims the files are now ignored.
func TestFixIgnoreFaults(t *testing.T) {
	tests := []struct {
		name      string
		old       string // "" = no .gitignore before
		fault     string // atomicfile.FaultEnv
		want      string
		chmodOnly bool // a real permission test: skipped as root
	}{
		{name: "disk full, existing file", old: "*.log\r\nbuild/", fault: "ENOSPC:.gitignore", want: "no space left on device"},
		{name: "disk full, new file", fault: "ENOSPC:.gitignore", want: "no space left on device"},
		{name: "permission denied", old: "*.log\n", fault: "EACCES:.gitignore", want: "permission denied"},
		{name: "quota exceeded at sync", old: "*.log\n", fault: "EDQUOT@sync:.gitignore", want: "quota exceeded"},
		{name: "read-only work tree", old: "*.log\n", chmodOnly: true, want: "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chmodOnly && os.Geteuid() == 0 {
				t.Skip("root ignores directory permissions; the injected EACCES case covers this")
			}
			s := newSetup(t, func(g *gittest.Repo) {
				if tt.old != "" {
					g.Write(".gitignore", tt.old)
				}
				g.Write(".env", "A=1\n")
			})
			gitignore := filepath.Join(s.g.Dir, ".gitignore")
			if tt.fault != "" {
				t.Setenv(atomicfile.FaultEnv, tt.fault)
			}
			if tt.chmodOnly {
				if err := os.Chmod(s.g.Dir, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(s.g.Dir, 0o755) })
			}
			var out strings.Builder
			err := FixIgnore(context.Background(), FixOptions{Repo: s.repo, Engine: s.engine, Out: &out})
			if err == nil {
				t.Fatalf("FixIgnore succeeded; want an error\n%s", out.String())
			}
			if !strings.Contains(err.Error(), ".gitignore") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name .gitignore and %q", err, tt.want)
			}
			if strings.Contains(out.String(), "now ignored") || strings.Contains(out.String(), "added") {
				t.Errorf("output claims success:\n%s", out.String())
			}
			got, readErr := os.ReadFile(gitignore)
			if tt.old == "" && readErr == nil {
				t.Errorf(".gitignore created although writing it failed: %q", got)
			}
			if tt.old != "" && string(got) != tt.old {
				t.Errorf(".gitignore = %q; want the old %q", got, tt.old)
			}
			ents, err := os.ReadDir(s.g.Dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if strings.Contains(e.Name(), atomicfile.TempInfix) {
					t.Errorf("temporary file %s left", e.Name())
				}
			}

			// Without the fault the same run succeeds.
			os.Unsetenv(atomicfile.FaultEnv)
			os.Chmod(s.g.Dir, 0o755)
			out.Reset()
			if err := FixIgnore(context.Background(), FixOptions{Repo: s.repo, Engine: s.engine, Out: &out}); err != nil {
				t.Fatalf("FixIgnore without the fault: %v", err)
			}
			if got, _ := os.ReadFile(gitignore); !strings.HasPrefix(string(got), tt.old) || !strings.Contains(string(got), ".env") {
				t.Errorf(".gitignore after the retry = %q", got)
			}
		})
	}
}
