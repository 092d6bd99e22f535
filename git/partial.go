package git

import (
	"bufio"
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

// Promisors returns the remotes that a partial clone (git clone --filter)
// fetches missing objects from, in git's order (extensions.partialClone
// first, then every remote.<name>.promisor that is true), from one git
// config; none when the repository is complete.
func (r *Repo) Promisors(ctx context.Context) ([]string, error) {
	cmd := r.command(ctx, "config", "-z", "--get-regexp", `^(extensions\.partialclone|remote\..*\.promisor)$`)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
			return nil, nil // none set: a complete repository
		}
		return nil, commandError([]string{"config", "--get-regexp"}, err, stderr.Bytes())
	}
	var first string
	var rest []string
	// -z: "<key>\n<value>\0", the key lowercased but for the remote's name
	for _, rec := range splitZ(stdout.Bytes()) {
		key, value, hasValue := strings.Cut(rec, "\n")
		if key == "extensions.partialclone" {
			first = value
			continue
		}
		if !hasValue || isTrue(value) { // a key with no value is true
			rest = append(rest, strings.TrimSuffix(strings.TrimPrefix(key, "remote."), ".promisor"))
		}
	}
	var names []string
	if first != "" {
		names = append(names, first)
	}
	for _, name := range rest {
		if name != first {
			names = append(names, name)
		}
	}
	return names, nil
}

// isTrue reports whether a git config value means true.
func isTrue(value string) bool {
	switch strings.ToLower(value) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// MissingObjects lists the objects reachable from revs (every ref when
// revs is empty) that a partial clone does not hold, without fetching any:
// git rev-list --missing=print walks the trees, which a blob:none clone
// has, and names the blobs it lacks.
func (r *Repo) MissingObjects(ctx context.Context, revs []string) ([]string, error) {
	args := []string{"rev-list", "--objects", "--missing=print", "--no-object-names"}
	if err := checkRevs(revs); err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		args = append(args, "--all")
	}
	args = append(append(args, revs...), "--")
	var missing []string
	err := r.stream(ctx, nil, args, func(out io.Reader) error {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "?"); ok {
				missing = append(missing, id)
			}
		}
		return sc.Err()
	})
	return missing, err
}

// FetchObjects fetches the named objects from the promisor remote in one
// git fetch, as git itself fetches a missing object, but for all of them
// at once: one connection and one pack instead of one per object.
func (r *Repo) FetchObjects(ctx context.Context, remote string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []string{"-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags",
		"--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin"}
	cmd := r.command(ctx, args...)
	cmd.Stdin = lines(ids)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return commandError([]string{"fetch"}, err, stderr.Bytes())
	}
	return nil
}

// ErrPartialMissing: a partial clone lacks an object its promisor remote
// could not send.
var ErrPartialMissing = errors.New("missing from this partial clone")

// FirstChange finds a commit reachable from revs (every ref when revs is
// empty) that adds the blob id, and the path it has there: what to name
// when the blob cannot be read. ok is false when none does.
func (r *Repo) FirstChange(ctx context.Context, revs []string, id string) (commit, path string, ok bool, err error) {
	if err := checkRevs(revs); err != nil {
		return "", "", false, err
	}
	// A raw diff compares object names and reads no blob, so git fetches
	// nothing (--find-object would: it loads the blobs it looks at).
	args := []string{"log", "-z", "--raw", "--no-abbrev", "--no-renames", "--no-textconv", "--no-mailmap", "--format=%H"}
	if len(revs) == 0 {
		args = append(args, "--all")
	}
	args = append(append(args, revs...), "--")
	err = r.stream(ctx, nil, args, func(out io.Reader) error {
		return parseRawCommits(out, func(hash string, changes []*Change) error {
			for _, c := range changes {
				if c.DstBlob == id {
					commit, path, ok = hash, c.Path, true // the oldest is listed last
				}
			}
			return nil
		})
	})
	return commit, path, ok, err
}

// Shallow returns the commits where a shallow clone's history is cut: git
// holds them but not their parents.
func (r *Repo) Shallow() ([]string, error) {
	data, err := os.ReadFile(filepath.Join(r.CommonDir, "shallow"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the shallow clone's boundary: %w", err)
	}
	return strings.Fields(string(bytes.TrimSpace(data))), nil
}
