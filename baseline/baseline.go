// Package baseline records known findings so that they stop blocking: a
// team adopting keyguard on an old repository baselines what is there,
// revokes those keys in its own time, and is still stopped on every new one.
//
// Findings are keyed by rule and content fingerprint, never by line or file,
// so moving code around does not resurrect them. The file stores only
// fingerprints (a truncated SHA-256), never secrets.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keyguard/keyguard/internal/atomicfile"
)

// FileName is the baseline at the top of the work tree, meant to be
// committed so the whole team shares it.
const FileName = ".keyguard-baseline.json"

// version is the schema version written and accepted.
const version = 1

// Entry is one baselined finding.
type Entry struct {
	Rule        string `json:"rule"`
	Fingerprint string `json:"fingerprint"`
	File        string `json:"file,omitempty"` // where it was when baselined; informative only
}

type document struct {
	Version  int     `json:"version"`
	Comment  string  `json:"comment,omitempty"`
	Findings []Entry `json:"findings"`
}

// Set is a loaded baseline. The zero value and nil are empty.
type Set struct {
	keys map[string]bool
}

func key(rule, fingerprint string) string { return rule + "\x00" + fingerprint }

// Contains reports whether the finding of rule with this fingerprint is
// baselined.
func (s *Set) Contains(rule, fingerprint string) bool {
	return s != nil && s.keys[key(rule, fingerprint)]
}

// Len is the number of baselined findings.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.keys)
}

// Load reads top/.keyguard-baseline.json; a missing file is an empty set.
func Load(top string) (*Set, error) {
	path := filepath.Join(top, FileName)
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (a symlink or directory)", FileName)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Set{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", FileName, err)
	}
	return Parse(data)
}

// Parse decodes a baseline document strictly.
func Parse(data []byte) (*Set, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", FileName, err)
	}
	if doc.Version != version {
		return nil, fmt.Errorf("%s: version %d, this keyguard reads version %d", FileName, doc.Version, version)
	}
	s := &Set{keys: make(map[string]bool, len(doc.Findings))}
	for i, e := range doc.Findings {
		if e.Rule == "" || len(e.Fingerprint) < 8 || strings.Trim(e.Fingerprint, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("%s: finding %d: needs a rule and a hex fingerprint", FileName, i+1)
		}
		s.keys[key(e.Rule, e.Fingerprint)] = true
	}
	return s, nil
}

// Write stores entries at top/.keyguard-baseline.json, sorted and
// deduplicated so the file diffs cleanly, replacing it atomically.
func Write(top string, entries []Entry) error {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b Entry) int {
		return strings.Compare(a.Rule+"\x00"+a.Fingerprint+"\x00"+a.File, b.Rule+"\x00"+b.Fingerprint+"\x00"+b.File)
	})
	entries = slices.CompactFunc(entries, func(a, b Entry) bool { return a.Rule == b.Rule && a.Fingerprint == b.Fingerprint })
	if entries == nil {
		entries = []Entry{}
	}
	doc := document{
		Version:  version,
		Comment:  "keyguard baseline: findings accepted on purpose; keyed by fingerprint, never the secret. Revoke these keys.",
		Findings: entries,
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode baseline: %w", err)
	}
	return atomicfile.WriteWithin(top, filepath.Join(top, FileName), append(data, '\n'), 0o644)
}
