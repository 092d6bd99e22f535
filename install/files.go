package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/keyguard/keyguard/internal/atomicfile"
)

// binaryChange says what placeBinary did.
type binaryChange int

const (
	binaryKept      binaryChange = iota // dst already held the same bytes
	binaryCreated                       // dst did not exist
	binaryUpdated                       // dst held other bytes
	binaryRewritten                     // dst held the same bytes, rewritten because of --force
)

// placeBinary copies the running keyguard (self) to dst, unless dst already
// holds the same executable bytes and force is false.
func placeBinary(self, dst string, force bool) (binaryChange, error) {
	want, err := os.ReadFile(self)
	if err != nil {
		return binaryKept, fmt.Errorf("read the keyguard binary %s: %w", self, err)
	}
	change := binaryCreated
	if fi, err := os.Stat(dst); err == nil {
		change = binaryUpdated
		if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 && fi.Size() == int64(len(want)) {
			have, err := os.ReadFile(dst)
			if err != nil {
				return binaryKept, fmt.Errorf("read %s: %w", dst, err)
			}
			if bytes.Equal(have, want) {
				if !force {
					return binaryKept, nil
				}
				change = binaryRewritten
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return binaryKept, fmt.Errorf("create %s: %w", filepath.Dir(dst), err)
	}
	if err := atomicfile.WriteMode(dst, want, 0o755); err != nil {
		return binaryKept, err
	}
	return change, nil
}

// lexists reports whether name exists, without following a final symlink
// (a dangling symlink exists: it is a user's hook all the same).
func lexists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// isExecutable reports whether name (following symlinks) is a regular file
// with an execute bit: what git needs to run it as a hook.
func isExecutable(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// keptHooks lists the user hooks keyguard kept for hook name in dir, in the
// order they run: name.keyguard-chained, then name.keyguard-chained.2, .3, ...
// (numbered ones exist only after install --force met a conflict). A file
// name, not a path, so the hook script finds them even after a move.
func keptHooks(dir, name string) ([]string, error) {
	base := name + chainedSuffix
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	numbered := regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `\.([1-9][0-9]*)$`)
	type kept struct {
		name string
		n    int
	}
	var found []kept
	for _, e := range entries {
		if e.Name() == base {
			found = append(found, kept{e.Name(), 1})
		} else if m := numbered.FindStringSubmatch(e.Name()); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil && n >= 2 {
				found = append(found, kept{e.Name(), n})
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].n < found[j].n })
	names := make([]string, len(found))
	for i, k := range found {
		names[i] = k.name
	}
	return names, nil
}

// freeKeptSlot returns the first unused numbered slot for one more kept hook.
func freeKeptSlot(dir, name string) string {
	for n := 2; ; n++ {
		p := filepath.Join(dir, name+chainedSuffix+"."+strconv.Itoa(n))
		if !lexists(p) {
			return p
		}
	}
}

// stateFile records what install wrote, so that uninstall removes exactly
// that: it lives beside the binary, under the common git directory.
const stateFile = "state.json"

// state is the content of the state file.
type state struct {
	Format   int          `json:"format"`   // 1
	Keyguard string       `json:"keyguard"` // version of the keyguard that wrote it
	Hooks    []hookRecord `json:"hooks"`
	// Skipped lists the hooks the last install left out on request
	// (--no-pre-push), so status does not call them missing.
	Skipped []string `json:"skipped,omitempty"`
}

// skipped reports whether the last install left hook name out on request.
func (st state) skipped(name string) bool {
	for _, s := range st.Skipped {
		if s == name {
			return true
		}
	}
	return false
}

// installed returns a record of hook name, if keyguard wrote it anywhere.
func (st state) installed(name string) (hookRecord, bool) {
	for _, r := range st.Hooks {
		if r.Name == name {
			return r, true
		}
	}
	return hookRecord{}, false
}

// hookRecord is one place keyguard wrote a hook into.
type hookRecord struct {
	Name string `json:"name"` // git hook name
	Kind string `json:"kind"` // kindScript or kindBlock
	Path string `json:"path"` // the hook script, or the user script holding the block
	// Created is true when keyguard created the user script for its block;
	// uninstall then deletes it if nothing else was added.
	Created bool `json:"created,omitempty"`
	// CreatedDir is true when keyguard also created the script's directory;
	// uninstall removes it again if that leaves it empty.
	CreatedDir bool `json:"created_dir,omitempty"`
	// AddedNewline is true when keyguard ended the user script's last line
	// before appending its block; uninstall takes that newline away again.
	AddedNewline bool `json:"added_newline,omitempty"`
}

// Record kinds.
const (
	kindScript = "script" // keyguard's own hook script in the hook slot
	kindBlock  = "block"  // keyguard's block in a user's hook script
)

// loadState reads the state file in dir; a missing file is an empty state.
func loadState(dir string) (state, error) {
	name := filepath.Join(dir, stateFile)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("read %s: %w", name, err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return state{}, fmt.Errorf("read %s: %w (delete it and run keyguard install again)", name, err)
	}
	return st, nil
}

// saveState writes the state file in dir unless it already holds st, so an
// unchanged install rewrites nothing. It reports whether it wrote.
func saveState(dir string, st state) (bool, error) {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return false, fmt.Errorf("encode %s: %w", stateFile, err)
	}
	data = append(data, '\n')
	name := filepath.Join(dir, stateFile)
	if have, err := os.ReadFile(name); err == nil && bytes.Equal(have, data) {
		return false, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("create %s: %w", dir, err)
	}
	return true, atomicfile.WriteMode(name, data, 0o644)
}

// record finds the state's record of a hook written at path.
func (st state) record(name, path string) (hookRecord, bool) {
	for _, r := range st.Hooks {
		if r.Name == name && r.Path == path {
			return r, true
		}
	}
	return hookRecord{}, false
}

// within reports whether p is dir or lies below it.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
