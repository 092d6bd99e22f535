// Package git is the only package in keyguard that runs git.
//
// Every output it parses is pinned: -z for path names, --no-color,
// --no-ext-diff and --no-textconv for diffs, plumbing where it exists, so a
// user's configuration (color.ui=always, diff.noprefix, textconv drivers,
// diff.external) can never change what keyguard scans. Errors name the
// command and carry git's stderr.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Errors for the places keyguard cannot work in; callers print them as the
// one-line reason.
var (
	ErrNotRepo     = errors.New("not a git repository (run keyguard inside a repository's work tree)")
	ErrBare        = errors.New("this is a bare repository: this command needs a work tree (keyguard scan --history scans a bare repository's commits)")
	ErrNotWorkTree = errors.New("not inside the work tree (run keyguard from the repository, not from its .git directory)")
	ErrNoGit       = errors.New("git is not installed or not on PATH")
)

// Repo is a located git repository. All paths are absolute. Open gives
// only repositories with a work tree; OpenHistory also a bare one, whose
// Top is "".
type Repo struct {
	Top          string // root of the work tree; "" in a bare repository
	Bare         bool   // no work tree, no index: only its history can be read
	GitDir       string // this work tree's git directory (differs from CommonDir in a linked worktree)
	CommonDir    string // the shared git directory (hooks, config, objects)
	HooksDir     string // where git runs hooks from (core.hooksPath aware)
	ObjectFormat string // "sha1" or "sha256"
	Head         string // object name of HEAD, "" before the first commit

	env []string // environment for every git child process
}

// Open locates the repository that dir is in with a single rev-parse. A
// bare repository is ErrBare: what needs a work tree or an index uses Open.
func Open(ctx context.Context, dir string) (*Repo, error) {
	return locate(ctx, dir, false)
}

// OpenHistory locates the repository that dir is in, for reading its
// history only: a bare repository (a `git clone --mirror`, a server's
// copy) is accepted, with Bare set and no Top.
func OpenHistory(ctx context.Context, dir string) (*Repo, error) {
	return locate(ctx, dir, true)
}

func locate(ctx context.Context, dir string, bareOK bool) (*Repo, error) {
	env, err := childEnv(dir)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--path-format=absolute",
		"--is-bare-repository", "--is-inside-work-tree", "--git-dir", "--git-common-dir",
		"--git-path", "hooks", "--show-object-format", "--show-toplevel", "--verify", "-q", "HEAD")
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if errors.Is(runErr, exec.ErrNotFound) {
		return nil, ErrNoGit
	}
	lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	if len(lines) < 2 || lines[0] == "" {
		if strings.Contains(stderr.String(), "not a git repository") {
			return nil, ErrNotRepo
		}
		return nil, commandError([]string{"rev-parse"}, runErr, stderr.Bytes())
	}
	if lines[0] == "true" {
		if !bareOK {
			return nil, ErrBare
		}
		return openBare(ctx, env, lines, stderr.Bytes())
	}
	if lines[1] != "true" {
		return nil, ErrNotWorkTree
	}
	if len(lines) < 7 {
		return nil, commandError([]string{"rev-parse", "--show-toplevel"}, runErr, stderr.Bytes())
	}
	// rev-parse cannot quote paths: a newline in one would shift every field.
	if len(lines) > 8 {
		return nil, fmt.Errorf("git rev-parse: the repository path holds a newline, which keyguard cannot handle")
	}
	r := &Repo{
		GitDir:       lines[2],
		CommonDir:    lines[3],
		HooksDir:     lines[4],
		ObjectFormat: lines[5],
		Top:          lines[6],
		env:          env,
	}
	if len(lines) >= 8 {
		r.Head = lines[7]
	}
	// rev-parse exits 1 when only the -q --verify HEAD part failed: a repository
	// with no commits yet. Anything else is a real error.
	var exitErr *exec.ExitError
	if runErr != nil && !(errors.As(runErr, &exitErr) && exitErr.ExitCode() == 1 && r.Head == "") {
		return nil, commandError([]string{"rev-parse"}, runErr, stderr.Bytes())
	}
	return r, nil
}

// openBare completes a bare repository from the fields rev-parse gave
// before --show-toplevel stopped it, and reads HEAD (unborn in an empty
// repository) with a second rev-parse.
func openBare(ctx context.Context, env, lines []string, stderr []byte) (*Repo, error) {
	if len(lines) < 6 {
		return nil, commandError([]string{"rev-parse"}, errors.New("incomplete answer"), stderr)
	}
	r := &Repo{Bare: true, GitDir: lines[2], CommonDir: lines[3], HooksDir: lines[4], ObjectFormat: lines[5], env: env}
	out, err := r.command(ctx, "rev-parse", "-q", "--verify", "HEAD^{commit}").Output()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		r.Head = strings.TrimSpace(string(out))
	case errors.As(err, &exitErr) && exitErr.ExitCode() == 1:
		// no commit yet
	default:
		return nil, fmt.Errorf("git rev-parse HEAD: %w", err)
	}
	return r, nil
}

// childEnv returns the environment for git children. Variables that would
// change how git reads our arguments or formats its output are removed;
// relative GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE are made absolute so
// the children agree with the hook that git started. glibc's allocator is
// tuned for them (see mallocTunables).
func childEnv(dir string) ([]string, error) {
	base := dir
	if !filepath.IsAbs(base) {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("working directory: %w", err)
		}
		base = filepath.Join(wd, dir)
	}
	var env []string
	tunables := mallocTunables
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		switch name {
		case "GLIBC_TUNABLES":
			if value != "" {
				tunables += ":" + value // the user's settings come last and win
			}
			continue
		case "GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS",
			"GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_PAGER", "GIT_TRACE", "GIT_TRACE2", "GIT_TRACE2_EVENT",
			"GIT_TRACE2_PERF", "GIT_FLUSH":
			continue
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY":
			if value != "" && !filepath.IsAbs(value) {
				kv = name + "=" + filepath.Join(base, value)
			}
		}
		env = append(env, kv)
	}
	// Never prompt, never page, and keep messages in English so errors
	// parse; glibc's allocator tuned (see mallocTunables).
	env = append(env, "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat", "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0",
		"GLIBC_TUNABLES="+tunables)
	return env, nil
}

// mallocTunables keeps a git child's large buffers (an object inflated, a
// file's lines indexed for the diff) on the heap, where the next object
// reuses them, instead of mapping fresh memory for each one and unmapping
// it: glibc otherwise maps every allocation of 128 KiB or more afresh, and
// each new page faults once. On the staged diff of 10 MiB of notebooks and
// YAML, git faulted 1,336 times instead of 500 and took 54 ms instead of 45
// (perf stat -r 20; docs/performance.md). Only a glibc git reads it (other C
// libraries ignore the variable), and it changes no output. A user's own
// GLIBC_TUNABLES is kept after it, so theirs win (glibc applies the
// settings in order: with a user's mmap_threshold after ours, git faulted
// 1,333 times again).
const mallocTunables = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456"

// command builds a git command run at the top of the work tree (in the git
// directory of a bare repository).
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.Top
	if r.Bare {
		cmd.Dir = r.GitDir
	}
	cmd.Env = r.env
	return cmd
}

// output runs git and returns its stdout; the error names the command and
// carries git's stderr.
func (r *Repo) output(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := r.command(ctx, args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, commandError(args, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// commandError formats a failed git command: its name, and the first line
// of what git said.
func commandError(args []string, err error, stderr []byte) error {
	name := "git"
	if len(args) > 0 {
		name += " " + args[0]
	}
	msg := strings.TrimSpace(string(stderr))
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fmt.Errorf("%s: %s (%w)", name, msg, err)
}

// splitZ splits NUL-terminated output into its fields.
func splitZ(out []byte) []string {
	if len(out) == 0 {
		return nil
	}
	// One string for the whole output, cut into fields that share it: two
	// allocations instead of one a path (a listing has thousands).
	return strings.Split(string(bytes.TrimSuffix(out, []byte{0})), "\x00")
}

// EmptyTree returns the object name of the empty tree in this repository's
// object format: what a first commit is compared against.
func (r *Repo) EmptyTree() string {
	if r.ObjectFormat == "sha256" {
		return "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"
	}
	return "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
}

// Config returns the value of a git config key, or "" when it is unset.
func (r *Repo) Config(ctx context.Context, key string) (string, error) {
	cmd := r.command(ctx, "config", "--get", key)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
			return "", nil
		}
		return "", commandError([]string{"config", "--get", key}, err, stderr.Bytes())
	}
	return strings.TrimRight(stdout.String(), "\n"), nil
}

// Tracked returns which of paths (repo-relative, '/'-separated) are in the
// index.
func (r *Repo) Tracked(ctx context.Context, paths ...string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	args := []string{"ls-files", "-z", "--cached", "--"}
	for _, p := range paths {
		args = append(args, ":(literal)"+p)
	}
	out, err := r.output(ctx, nil, args...)
	if err != nil {
		return nil, err
	}
	return splitZ(out), nil
}

// Rel returns path relative to the top of the work tree, '/'-separated, and
// whether it lies inside the work tree at all.
func (r *Repo) Rel(path string) (string, bool) {
	rel, err := filepath.Rel(r.Top, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// Uncommitted reports whether path (repo-relative, '/'-separated) differs
// from HEAD: untracked, staged or modified. Before the first commit every
// existing file is uncommitted.
func (r *Repo) Uncommitted(ctx context.Context, path string) (bool, error) {
	out, err := r.output(ctx, nil, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=no", "--", ":(literal)"+path)
	if err != nil {
		return false, err
	}
	return len(out) > 0, nil
}
