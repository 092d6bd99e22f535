// Package secretfiles finds the sensitive files in a repository, tells
// whether git keeps each out of commits, and fixes .gitignore for those it
// does not. git is the authority on what is ignored; the coverage package
// says what is sensitive and how to ignore it.
package secretfiles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/regfile"
)

// State is where a sensitive file stands with git.
type State int

// The states, from safest to most exposed.
const (
	Ignored      State = iota // git ignores it through a .gitignore in the repository
	LocalIgnored              // ignored only on this machine (.git/info/exclude, core.excludesFile)
	Untracked                 // present, not ignored: `git add .` would commit it
	Staged                    // added or changed in the index, about to be committed
	Tracked                   // committed already, unchanged in the index
)

func (s State) String() string {
	switch s {
	case Ignored:
		return "ignored"
	case LocalIgnored:
		return "ignored on this machine only"
	case Untracked:
		return "not ignored"
	case Staged:
		return "staged"
	case Tracked:
		return "tracked"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// File is one sensitive file and its state.
type File struct {
	Path   string // repo-relative, '/'-separated
	Entry  coverage.Entry
	State  State
	Ignore git.IgnoreSource // the rule deciding whether it is ignored (set for every state but Untracked)
	Keys   []detect.Finding // keys found in the working-tree copy of a file sensitive by content
}

// Options selects what Inventory looks at.
type Options struct {
	Repo      *git.Repo
	Catalogue *coverage.Catalogue
	Engine    *detect.Engine
	// Ignored also lists ignored files and asks git which rule decides each
	// listed file (status and fix-ignore want both; the hook needs neither).
	Ignored bool
	// Listing, when set, is what git already listed (the hook lists while
	// the diff streams); nil asks git.
	Listing *git.Listing
	// Staged, when set, is the set of paths the commit adds or changes, already
	// known to the caller (the hook reads it from the diff); nil asks git.
	Staged map[string]bool
	// Skip, when set, leaves out paths the configuration allows.
	Skip func(rel string) bool
	// Keep, when set, filters the keys found in files sensitive by content
	// (allowlists, baseline).
	Keep func(rel string, f detect.Finding) bool
	// UntrackedContentOnly skips reading tracked files that are sensitive
	// only by content: the hook would only warn about them, and reading every
	// committed config file on every commit is not worth a warning.
	UntrackedContentOnly bool
}

// maxContent bounds how much of a working-tree file is read to decide
// whether a config-like file holds a key.
const maxContent = 8 << 20

// Inventory lists the sensitive files present in the repository with their
// state, sorted by path. Files sensitive only by content are listed only
// when a key is found in them.
func Inventory(ctx context.Context, o Options) ([]File, error) {
	if o.Listing == nil {
		listing, err := o.Repo.ListFiles(ctx)
		if err != nil {
			return nil, fmt.Errorf("list sensitive files: %w", err)
		}
		o.Listing = &listing
	}
	listing := *o.Listing
	isStaged := o.Staged
	if isStaged == nil {
		staged, err := o.Repo.StagedNames(ctx, o.Catalogue.Pathspecs())
		if err != nil {
			return nil, fmt.Errorf("list staged files: %w", err)
		}
		isStaged = make(map[string]bool, len(staged))
		for _, p := range staged {
			isStaged[p] = true
		}
	}
	var files []File
	add := func(path string, state State) error {
		entry, ok := o.Catalogue.Classify(path)
		if !ok || (o.Skip != nil && o.Skip(path)) {
			return nil
		}
		f := File{Path: path, Entry: entry, State: state}
		if entry.Kind == coverage.ByContent && o.UntrackedContentOnly && state != Untracked {
			return nil
		}
		if entry.Kind == coverage.ByContent {
			keys, err := ScanFile(o.Repo, o.Engine, path)
			if errors.Is(err, fs.ErrNotExist) {
				// Deleted in the work tree (git still tracks it) or a symlink:
				// no content on disk that could leak.
				return nil
			}
			if err != nil {
				return err
			}
			if o.Keep != nil {
				keys = slices.DeleteFunc(keys, func(k detect.Finding) bool { return !o.Keep(path, k) })
			}
			if len(keys) == 0 {
				return nil
			}
			f.Keys = keys
		}
		files = append(files, f)
		return nil
	}
	for _, p := range listing.Tracked {
		state := Tracked
		if isStaged[p] {
			state = Staged
		}
		if err := add(p, state); err != nil {
			return nil, err
		}
	}
	for _, p := range listing.Untracked {
		if err := add(p, Untracked); err != nil {
			return nil, err
		}
	}
	if o.Ignored {
		ignored, err := o.Repo.ListIgnored(ctx, o.Catalogue.Pathspecs())
		if err != nil {
			return nil, fmt.Errorf("list ignored files: %w", err)
		}
		for _, p := range ignored {
			if err := add(p, Ignored); err != nil {
				return nil, err
			}
		}
	}
	if o.Ignored {
		if err := explainIgnores(ctx, o.Repo, files); err != nil {
			return nil, err
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// explainIgnores asks git, in one call, which rule decides each listed file
// that is not plainly untracked, and tells shared from machine-local rules.
func explainIgnores(ctx context.Context, repo *git.Repo, files []File) error {
	var paths []string
	var idx []int
	for i, f := range files {
		if f.State != Untracked {
			paths = append(paths, f.Path)
			idx = append(idx, i)
		}
	}
	sources, err := repo.CheckIgnore(ctx, paths)
	if err != nil {
		return fmt.Errorf("check ignore rules: %w", err)
	}
	for k, src := range sources {
		f := &files[idx[k]]
		f.Ignore = src
		if f.State == Ignored && !src.Shared {
			f.State = LocalIgnored
		}
	}
	return nil
}

// ScanFile scans the working-tree copy of a file for keys. Symlinks are not
// followed and only regular files are read: a missing or non-regular file
// gives an error matching fs.ErrNotExist. Any other read failure is an error
// too: the guard fails closed.
func ScanFile(repo *git.Repo, engine *detect.Engine, rel string) ([]detect.Finding, error) {
	data, _, err := regfile.Read(filepath.Join(repo.Top, filepath.FromSlash(rel)), maxContent)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", rel, err)
	}
	return engine.ScanFile(rel, data), nil
}
