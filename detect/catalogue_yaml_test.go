package detect

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/detect/internal/named"
	"gopkg.in/yaml.v3"
)

// catalogueFS holds the rule catalogue with its examples: the source of
// truth that catalogue_gen.go is generated from.
//
//go:embed rules/*.yaml
var catalogueFS embed.FS

// loadBuiltin parses every family file in name order and tags each rule with
// its family, as detect/internal/gencatalogue does.
func loadBuiltin() ([]RuleSpec, error) {
	names, err := fs.Glob(catalogueFS, "rules/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var all []RuleSpec
	for _, name := range names {
		data, err := catalogueFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		specs, err := parseCatalogue(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		family := strings.TrimSuffix(path.Base(name), ".yaml")
		if _, rest, ok := strings.Cut(family, "-"); ok {
			family = rest
		}
		for i := range specs {
			specs[i].family = family
		}
		all = append(all, specs...)
	}
	return all, nil
}

// parseCatalogue decodes a rules document strictly: an unknown field is an
// error, because a misspelt "secretgroup" would otherwise silently become 0.
// Entries of the named-provider table (named:) expand into rules after the
// document's own, as detect/internal/gencatalogue expands them.
func parseCatalogue(data []byte) ([]RuleSpec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c struct {
		Rules []RuleSpec    `yaml:"rules"`
		Named []named.Entry `yaml:"named"`
	}
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("decode rules: %w", err)
	}
	for i := range c.Named {
		r, err := c.Named[i].Rule()
		if err != nil {
			return nil, err
		}
		c.Rules = append(c.Rules, RuleSpec{
			ID: r.ID, Description: r.Description, Provider: r.Provider, Keywords: r.Keywords,
			Regex: r.Regex, SecretGroup: r.SecretGroup, Entropy: r.Entropy, EnvVar: r.EnvVar,
			Revoke: r.Revoke, Validate: r.Validate, Generic: r.Generic, Context: r.Context,
			Examples: Examples{Match: r.Match, NoMatch: r.NoMatch},
		})
	}
	return c.Rules, nil
}

// TestGeneratedCatalogueIsFresh checks that catalogue_gen.go holds exactly
// the rules of rules/*.yaml, less their examples, in the same order.
func TestGeneratedCatalogueIsFresh(t *testing.T) {
	want := builtinSpecs(t)
	for i := range want {
		want[i].Examples = Examples{}
	}
	const fix = "catalogue_gen.go is stale: run go generate ./detect"
	if len(builtinRules) != len(want) {
		t.Fatalf("%s (%d rules, rules/*.yaml has %d)", fix, len(builtinRules), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(builtinRules[i], want[i]) {
			t.Errorf("%s (rule %d: generated %q, rules/*.yaml has %q)", fix, i, builtinRules[i].ID, want[i].ID)
		}
	}
}
