// Package scan finds keys in what the hooks and `keyguard scan` look at,
// with one engine and one policy (configuration and baseline): the staged
// changes (Staged), every commit's added lines (History, for `scan
// --history` and the pre-push hook) and files and directories (Paths, for
// audits, CI and `keyguard baseline`). The text is scanned on every core
// while it is still being read (Pool).
package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/keyguard/keyguard/baseline"
	"github.com/keyguard/keyguard/config"
	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/regfile"
	"github.com/keyguard/keyguard/reader"
	"github.com/keyguard/keyguard/report"
)

// Policy decides which findings are reported: the rules and allowlists of
// .keyguard.yaml, and the baseline.
type Policy struct {
	Config   *config.Config
	Baseline *baseline.Set
}

// LoadPolicy reads .keyguard.yaml and the baseline from the top of a work
// tree (or any directory).
func LoadPolicy(top string) (*Policy, error) {
	cfg, err := config.Load(top)
	if err != nil {
		return nil, err
	}
	base, err := baseline.Load(top)
	if err != nil {
		return nil, err
	}
	// Every command that loads a policy scans; the engine's automaton is
	// built while the command starts git.
	cfg.Engine.Warm()
	return &Policy{Config: cfg, Baseline: base}, nil
}

// LoadRepoPolicy is the policy of repo: its work tree's files, as
// LoadPolicy reads them, or in a bare repository (a mirror being audited)
// the .keyguard.yaml and baseline committed at HEAD, so an audit of the
// mirror agrees with a scan of a clone. A bare repository whose HEAD is
// unborn gets the defaults.
func LoadRepoPolicy(ctx context.Context, repo *git.Repo) (*Policy, error) {
	if !repo.Bare {
		return LoadPolicy(repo.Top)
	}
	p := &Policy{Baseline: &baseline.Set{}}
	var name string
	var cfg []byte
	if repo.Head != "" {
		data, found, err := repo.CommittedFile(ctx, "HEAD", config.FileName, config.MaxSize)
		if err != nil {
			return nil, err
		}
		if found {
			name, cfg = config.FileName, data
		}
		data, found, err = repo.CommittedFile(ctx, "HEAD", baseline.FileName, maxFile)
		if err != nil {
			return nil, err
		}
		if found {
			if p.Baseline, err = baseline.Parse(data); err != nil {
				return nil, err
			}
		}
	}
	var err error
	if p.Config, err = config.Compile(name, cfg); err != nil {
		return nil, err
	}
	return p, nil
}

// Engine is the detection engine the configuration describes.
func (p *Policy) Engine() *detect.Engine { return p.Config.Engine }

// PathAllowed reports whether nothing under the repo-relative path is
// reported.
func (p *Policy) PathAllowed(rel string) bool { return p.Config.PathAllowed(rel) }

// Keep reports whether a key finding in the file at rel is reported.
func (p *Policy) Keep(rel string, f detect.Finding) bool {
	return !p.Config.PathAllowed(rel) && !p.Baseline.Contains(f.Rule.ID, f.Fingerprint)
}

// maxFile bounds how much of one file a scan reads; the rest is counted as
// skipped rather than silently dropped.
const maxFile = 64 << 20

// Options configures Paths.
type Options struct {
	Policy *Policy
	Repo   *git.Repo // the repository around the working directory, or nil
	Paths  []string  // files and directories; none means "."
	// NoIgnore reads the files git ignores too (--no-ignore).
	NoIgnore bool
	// NamedWhole reads every file under a path named in Paths, ignored or
	// not, as gitleaks dir does (keyguard scan PATH); without it only a
	// named directory that git ignores is read whole (fix, baseline).
	NamedWhole bool
	// Display turns an absolute path into the path shown in findings.
	Display func(abs string) string
}

// Result is what a scan found and covered.
type Result struct {
	Findings []report.Finding
	Files    int   // files read
	Bytes    int64 // bytes scanned
	Binary   int   // binary files skipped
	Large    int   // files larger than the limit, scanned in part
	// Skipped says what the paths held that the scan did not read; it is
	// filled in only when no file was read, to say why.
	Skipped Skipped
}

// Skipped counts files under the scanned paths that were not read.
type Skipped struct {
	Ignored int // files git ignores (read with NoIgnore, or by naming them)
	Allowed int // files whose paths .keyguard.yaml allowlists
	Gone    int // files git lists that are missing from the work tree
}

// Any reports whether anything was skipped.
func (s Skipped) Any() bool { return s.Ignored+s.Allowed+s.Gone > 0 }

// Paths scans the given files and directories. Inside a repository a
// directory contributes the files git tracks or would add, so .gitignore is
// respected, unless the directory was named and git ignores it (a user who
// names a directory means it), it was named and NamedWhole is set, or
// NoIgnore is set; then every file under it is read. Outside a repository a directory contributes
// every regular file under it except .git. Symlinks are not followed.
func Paths(ctx context.Context, o Options) (Result, error) {
	var res Result
	paths, named := o.Paths, true
	if len(paths) == 0 {
		paths, named = []string{"."}, false
	}
	var files []string     // absolute
	var respected []string // repo-relative directories listed with .gitignore respected
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return res, fmt.Errorf("scan %s: %w", p, err)
		}
		fi, err := os.Lstat(abs)
		if err != nil {
			return res, fmt.Errorf("scan %s: %w", p, err)
		}
		switch {
		case fi.Mode().IsRegular():
			files = append(files, abs)
		case fi.IsDir():
			listed, rel, err := listDir(ctx, o.Repo, abs, named, o.NoIgnore || (named && o.NamedWhole))
			if err != nil {
				return res, fmt.Errorf("scan %s: %w", p, err)
			}
			if rel != "" {
				respected = append(respected, rel)
			}
			files = append(files, listed...)
		default:
			// Skipping it would report a clean scan of nothing.
			return res, fmt.Errorf("scan %s: not a regular file or directory (symlinks are not followed)", p)
		}
	}
	slices.Sort(files)
	files = slices.Compact(files)
	display := o.Display
	if display == nil {
		display = func(abs string) string { return abs }
	}
	var dc decoding
	for _, abs := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rel := filepath.ToSlash(abs)
		if o.Repo != nil {
			if r, ok := o.Repo.Rel(abs); ok {
				rel = r
			}
		}
		if o.Policy.PathAllowed(rel) {
			res.Skipped.Allowed++
			continue
		}
		data, truncated, err := regfile.Read(abs, maxFile)
		if errors.Is(err, fs.ErrNotExist) {
			res.Skipped.Gone++
			continue // listed by git but deleted in the work tree, or a symlink
		}
		if err != nil {
			return res, err
		}
		res.Files++
		if git.Binary(data) { // as git decides
			res.Binary++
			continue
		}
		if truncated {
			res.Large++
		}
		res.Bytes += int64(len(data))
		jobs := []Job{{Path: rel, StartLine: 1, Text: data}}
		if reader.IsNotebook(rel) {
			if nb, ok := notebookJobs(rel, data, nil, nil); ok {
				jobs = nb
			}
		}
		for _, j := range jobs {
			for _, f := range scanJob(o.Policy, o.Policy.Engine(), &dc, j) {
				f.Path = display(abs)
				res.Findings = append(res.Findings, f)
			}
		}
	}
	if res.Files == 0 && len(respected) > 0 {
		// Say why nothing was read: what .gitignore kept out.
		ignored, err := o.Repo.ListIgnored(ctx, literal(respected))
		if err != nil {
			return res, err
		}
		res.Skipped.Ignored = len(ignored)
	}
	return res, nil
}

// literal turns repo-relative paths into pathspecs that match them exactly.
func literal(paths []string) []string {
	specs := make([]string, len(paths))
	for i, p := range paths {
		specs[i] = ":(top,literal)" + p
		if p == "." {
			specs[i] = ":(top)"
		}
	}
	return specs
}

// listDir lists the files to scan under dir. Inside a repository it lists
// what git tracks or would add, and returns dir relative to the top as
// respected; a directory that was named and that git ignores, or any
// directory with noIgnore, is walked whole instead.
func listDir(ctx context.Context, repo *git.Repo, dir string, named, noIgnore bool) (files []string, respected string, err error) {
	if repo != nil && !noIgnore {
		if rel, ok := repo.Rel(dir); ok {
			whole := false
			if named && rel != "." {
				srcs, err := repo.CheckIgnore(ctx, []string{rel})
				if err != nil {
					return nil, "", err
				}
				whole = srcs[0].Ignored
			}
			if !whole {
				spec := []string{}
				if rel != "." {
					spec = append(spec, rel)
				}
				names, err := repo.ListAll(ctx, spec)
				if err != nil {
					return nil, "", err
				}
				out := make([]string, len(names))
				for i, n := range names {
					out[i] = filepath.Join(repo.Top, filepath.FromSlash(n))
				}
				return out, rel, nil
			}
		}
	}
	var out []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out, "", err
}
