package report_test

import (
	"testing"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/report"
)

// TestEnvTemplatesAgreeWithCatalogue checks that the files the advice calls
// templates (fix them with keyguard fix) are exactly the .env.* names the
// sensitive-file catalogue leaves committable (so fix-ignore would not
// touch them): the two must never disagree about one file.
func TestEnvTemplatesAgreeWithCatalogue(t *testing.T) {
	cat := coverage.Default()
	names := []string{
		".env", ".env.local", ".env.production", ".env.test.local", ".env.example", ".env.sample",
		".env.template", ".env.dist", ".env.defaults", ".env.schema", "app/.env.example", ".ENV.EXAMPLE",
		".env.examples", ".env.example.local",
	}
	templates := 0
	for _, n := range names {
		_, sensitive := cat.Classify(n)
		if got := report.IsEnvTemplate(n); got == sensitive {
			t.Errorf("%s: IsEnvTemplate %v, but the catalogue calls it sensitive: %v", n, got, sensitive)
		}
		if report.IsEnvTemplate(n) {
			templates++
		}
	}
	if templates < 6 {
		t.Fatalf("only %d templates among the names: the table tests too little", templates)
	}
}
