package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// standIn writes an executable that answers `version` and prints report for
// `scan`, in place of a scanner.
func standIn(t *testing.T, report string, exit int) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "keyguard")
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'keyguard 9.9.9'; exit 0; fi\ncat <<'EOF'\n" + report + "\nEOF\nexit " + string(rune('0'+exit)) + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func corpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"labels.yaml":               "- {file: positive/app/dot_env.tmpl, line: 1, provider: Acme, kind: token, family: saas, tier: common, secret: \"tok_{{alnum 20}}\"}\n",
		"positive/app/dot_env.tmpl": "TOKEN=tok_{{alnum 20}}\n",
		"negative/app/main.go.tmpl": "package main\n",
	}
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunWritesResults(t *testing.T) {
	dir := corpus(t)
	out := filepath.Join(t.TempDir(), "RESULTS.md")
	// The stand-in flags the must-not-flag file and nothing else.
	kg := standIn(t, `[{"rule":"x","file":"seed-1/negative/app/main.go","line":1,"column":1,"redacted":"pa…(7 chars)","fingerprint":"000000000000"}]`, 1)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-dir", dir, "-seeds", "1", "-keyguard", kg, "-gitleaks", "none", "-out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, stdout.Bytes()) {
		t.Error("-out differs from what was printed")
	}
	for _, want := range []string{"| keyguard 9.9.9 | 0.0% (0/1) |", "1 (100.00%)", "- seed-1/negative/app/main.go:1 (x)", "- Acme, token: 1 of 1"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestRunFailsWhenTheScanFails(t *testing.T) {
	kg := standIn(t, "boom", 2)
	err := run(context.Background(), []string{"-dir", corpus(t), "-keyguard", kg, "-gitleaks", "none"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "exit 2") {
		t.Fatalf("run = %v, want the scan's exit 2", err)
	}
}

func TestRunRejectsAMalformedCorpus(t *testing.T) {
	dir := corpus(t)
	if err := os.WriteFile(filepath.Join(dir, "labels.yaml"), []byte("- {file: positive/app/dot_env.tmpl, line: 1, provider: Acme, kind: token, family: saas, tier: rare, secret: \"tok_{{alnum 20}}\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-dir", dir, "-keyguard", "/nonexistent", "-gitleaks", "none"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "tier") {
		t.Fatalf("run = %v, want the bad tier reported", err)
	}
}

func TestRunRejectsABadSeed(t *testing.T) {
	err := run(context.Background(), []string{"-dir", corpus(t), "-seeds", "1,x", "-gitleaks", "none"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-seeds") {
		t.Fatalf("run = %v, want the bad seed reported", err)
	}
}

func TestRunSeveralSeeds(t *testing.T) {
	kg := standIn(t, "[]", 0)
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"-dir", corpus(t), "-seeds", "4,5", "-keyguard", kg, "-gitleaks", "none"}, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"seeds 4, 5: 1 labelled keys", "| keyguard 9.9.9 | 0.0% (0/2) |", "-seeds 4,5"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}

// TestRunWritesMisses checks -misses: the label the scanner missed, by its
// template, provider and kind, never its value.
func TestRunWritesMisses(t *testing.T) {
	dir := corpus(t)
	misses := filepath.Join(t.TempDir(), "misses.tsv")
	kg := standIn(t, "[]", 0)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-dir", dir, "-seeds", "1,2", "-keyguard", kg, "-gitleaks", "none", "-misses", misses}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	got, err := os.ReadFile(misses)
	if err != nil {
		t.Fatal(err)
	}
	want := "positive/app/dot_env.tmpl:1\tAcme\ttoken\tcommon\tmissed on 2 seed(s)\n"
	if string(got) != want {
		t.Errorf("misses file %q, want %q", got, want)
	}
}
