package detect

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// providersDoc is the user-facing list of every provider family the
// catalogue knows, generated from it; TestProvidersDoc keeps it fresh.
const providersDoc = "../docs/providers.md"

// renderProviders writes the provider table: one row per provider (the
// family), with its rules, the env vars its keys belong in and where to
// revoke them.
func renderProviders(specs []RuleSpec) []byte {
	type family struct {
		name               string
		ids, envs, revokes []string
	}
	byName := map[string]*family{}
	for _, s := range specs {
		f := byName[s.Provider]
		if f == nil {
			f = &family{name: s.Provider}
			byName[s.Provider] = f
		}
		f.ids = append(f.ids, "`"+s.ID+"`")
		if s.EnvVar != "" && !slices.Contains(f.envs, "`"+s.EnvVar+"`") {
			f.envs = append(f.envs, "`"+s.EnvVar+"`")
		}
		if !slices.Contains(f.revokes, s.Revoke) {
			f.revokes = append(f.revokes, s.Revoke)
		}
	}
	fams := make([]*family, 0, len(byName))
	for _, f := range byName {
		fams = append(fams, f)
	}
	slices.SortFunc(fams, func(a, b *family) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.name, b.name))
	})
	var b bytes.Buffer
	b.WriteString("# Providers keyguard detects\n\n")
	b.WriteString("For people who want to know whether keyguard knows their provider's keys,\n")
	b.WriteString("which rule id to disable, or where to revoke a key it found.\n\n")
	b.WriteString("Generated from the rule catalogue (`detect/rules/*.yaml`) by\n")
	b.WriteString("`go test ./detect/ -run TestProvidersDoc -update`; a test fails while it is stale.\n")
	fmt.Fprintf(&b, "%d provider families, %d rules. Each row gives the rules that report the\n", len(fams), len(specs))
	b.WriteString("provider's keys (their ids are what `.keyguard.yaml` disables), the environment\n")
	b.WriteString("variable a key belongs in instead of the code, and where to revoke or rotate it.\n\n")
	b.WriteString("| provider | rules | env var | revoke or rotate |\n|---|---|---|---|\n")
	for _, f := range fams {
		links := make([]string, len(f.revokes))
		for i, u := range f.revokes {
			links[i] = "<" + u + ">"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", escapeCell(f.name), strings.Join(f.ids, ", "),
			strings.Join(f.envs, ", "), strings.Join(links, " "))
	}
	return b.Bytes()
}

// escapeCell keeps a provider name from breaking the Markdown table.
func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// TestProvidersDoc fails while docs/providers.md differs from what the
// catalogue generates; -update rewrites it.
func TestProvidersDoc(t *testing.T) {
	want := renderProviders(builtinSpecs(t))
	if *updateCorpus {
		if err := os.WriteFile(providersDoc, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(providersDoc)
	if err != nil {
		t.Fatalf("%v (run go test ./detect/ -run TestProvidersDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./detect/ -run TestProvidersDoc -update", providersDoc)
	}
	if n := bytes.Count(want, []byte("\n| ")); n < 2 {
		t.Errorf("the table has %d rows", n)
	}
}
