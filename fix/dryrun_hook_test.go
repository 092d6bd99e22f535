package fix_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/fix"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/hook"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

// TestFixDryRunShowsNoKey runs keyguard fix --dry-run (hook.Fix) in a real
// repository holding a key in .env and a key marked keyguard:allow next to
// the one to move: the scan reports neither to the plan, and the printed
// diff, whose context lines hold both, shows neither.
func TestFixDryRunShowsNoKey(t *testing.T) {
	files := map[string]string{
		".env": "DEBUG=1\nSTRIPE_OLD=sk_live_{{alnum 40}}\n",
		"app.py": "import os\n" +
			"LEGACY = \"sk_live_{{alnum 30}}\"  # keyguard:allow\n" +
			"OPENAI_API_KEY = \"sk-proj-{{alnum 74}}{{lit T3Blbk}}FJ{{alnum 74}}\"\n",
	}
	r := gittest.New(t)
	var tokens []string
	for name, tmpl := range files {
		text, toks := fakekey.ExpandTokens(tmpl)
		tokens = append(tokens, toks...)
		r.Write(name, text)
	}
	r.Write(".gitignore", ".env\n")
	t.Chdir(r.Dir) // keyguard fix scans the working directory, as the CLI does
	repo, err := git.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = hook.Fix(context.Background(), hook.FixOptions{Repo: repo, DryRun: true, Out: &out})
	if err != nil && !errors.Is(err, fix.ErrManual) {
		t.Fatal(err)
	}
	got := out.String()
	for i, tok := range tokens {
		if strings.Contains(got, tok) {
			t.Errorf("the dry run prints generated run %d", i)
		}
	}
	for _, want := range []string{
		" STRIPE_OLD=<redacted>\n",
		"+OPENAI_API_KEY=sk-p…(164 chars)\n",
		" LEGACY = \"sk_l…(38 chars)\"  # keyguard:allow\n",
		"+OPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n",
		"keyguard: dry run: nothing was changed\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the dry run lacks %q", want)
		}
	}
	if t.Failed() {
		for _, tok := range tokens {
			got = strings.ReplaceAll(got, tok, "<generated>")
		}
		t.Logf("output:\n%s", got)
	}
}
