package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/atomicfile"
)

// leftovers lists the temporary files atomicfile left under dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	out, err := atomicfile.Leftovers(dir)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestApplyFaults: when the disk fills up or permission is denied while
// keyguard fix writes .env or a source file, every file keeps its old
// content, no temporary file is left, the error names the file, and it never
// quotes the key. The source is never rewritten unless .env holds the key.
func TestApplyFaults(t *testing.T) {
	const src = "import os\nOPENAI_API_KEY = \"" + openaiKey + "\"\n"
	tests := []struct {
		name      string
		fault     string // atomicfile.FaultEnv
		oldEnv    bool   // a .env exists before
		wantFile  string // named in the error
		wantErr   string
		envMoved  bool // .env holds the key afterwards (the source write failed)
		chmodOnly bool // a real permission test: skipped as root
	}{
		{name: "disk full writing a new .env", fault: "ENOSPC:.env", wantFile: EnvFile, wantErr: "no space left on device"},
		{name: "disk full appending to .env", fault: "ENOSPC:.env", oldEnv: true, wantFile: EnvFile, wantErr: "no space left on device"},
		{name: "permission denied creating .env", fault: "EACCES:.env", wantFile: EnvFile, wantErr: "permission denied"},
		{name: "rename of .env fails", fault: "EIO@rename:.env", oldEnv: true, wantFile: EnvFile, wantErr: "input/output error"},
		{name: "disk full writing the source", fault: "ENOSPC:app.py", wantFile: "app.py", wantErr: "no space left on device", envMoved: true},
		{name: "permission denied replacing the source", fault: "EACCES:app.py", oldEnv: true, wantFile: "app.py", wantErr: "permission denied", envMoved: true},
		{name: "read-only work tree", chmodOnly: true, wantFile: EnvFile, wantErr: "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chmodOnly && os.Geteuid() == 0 {
				t.Skip("root ignores directory permissions; the injected EACCES cases cover this")
			}
			files := map[string]string{"app.py": src}
			if tt.oldEnv {
				files[EnvFile] = "DEBUG=1\n"
			}
			p, expanded := planFor(t, files)
			key := strings.TrimSuffix(strings.SplitN(expanded["app.py"], "\"", 3)[1], "\"")
			envPath := filepath.Join(p.Top, EnvFile)
			if tt.fault != "" {
				t.Setenv(atomicfile.FaultEnv, tt.fault)
			}
			if tt.chmodOnly {
				if err := os.Chmod(p.Top, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(p.Top, 0o755) })
			}

			err := p.Apply()
			if err == nil {
				t.Fatal("Apply succeeded; want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, filepath.Join(p.Top, tt.wantFile)) || !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error %q does not name %s and %q", msg, tt.wantFile, tt.wantErr)
			}
			if strings.Contains(msg, key) {
				t.Error("the error quotes the key")
			}
			if got, _ := os.ReadFile(filepath.Join(p.Top, "app.py")); string(got) != expanded["app.py"] {
				t.Error("app.py changed although the fix failed")
			}
			env, envErr := os.ReadFile(envPath)
			switch {
			case tt.envMoved:
				if !strings.Contains(string(env), key) {
					t.Error(".env lacks the key although it was written before the source")
				}
				if fi, err := os.Stat(envPath); !tt.oldEnv && (err != nil || fi.Mode().Perm()&0o077 != 0) {
					t.Errorf("a new .env must be private to its owner: %v %v", fi.Mode(), err)
				}
			case tt.oldEnv:
				if string(env) != "DEBUG=1\n" {
					t.Errorf(".env = %q; want its old content", env)
				}
			default:
				if envErr == nil {
					t.Error("a .env was created although writing it failed")
				}
			}
			if l := leftovers(t, p.Top); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}

			// Without the fault the same plan goes through: the failure
			// above was the fault's.
			os.Unsetenv(atomicfile.FaultEnv)
			os.Chmod(p.Top, 0o755)
			q, _ := planFor(t, files)
			if err := q.Apply(); err != nil {
				t.Errorf("Apply without the fault: %v", err)
			}
		})
	}
}
