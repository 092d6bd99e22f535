package report

import (
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// render writes every kind of report the hook and scan print to w.
func render(t *testing.T, wrap func(*strings.Builder) io.Writer) map[string]string {
	t.Helper()
	found, _ := scanFake(t, `TOKEN = "ghp_{{b62crc 30}}"`+"\n")
	if len(found) != 1 {
		t.Fatalf("want 1 finding, got %d", len(found))
	}
	key := Finding{Path: "app.py", Line: 1, Column: found[0].Column, Secret: &found[0]}
	file := Finding{Path: ".env", FileKind: "environment file", FileState: Staged}
	tracked := Finding{Path: "old/.env", FileKind: "environment file", FileState: Tracked}
	sum := ScanSummary{Files: 3, Bytes: 2048, Elapsed: 10 * time.Millisecond}
	out := map[string]string{}
	for name, f := range map[string]func(o io.Writer){
		"blocked":  func(o io.Writer) { Blocked(o, []Finding{file, key}, Summary{Files: 2, Lines: 3}) },
		"clean":    func(o io.Writer) { Clean(o, Summary{Files: 1, Lines: 1}) },
		"warnings": func(o io.Writer) { Warnings(o, []Finding{tracked}) },
		"scan":     func(o io.Writer) { ScanText(o, []Finding{key}, sum) },
		"scan ok":  func(o io.Writer) { ScanText(o, nil, sum) },
		"summary":  func(o io.Writer) { ScanSummaryLine(o, 1, sum) },
	} {
		var b strings.Builder
		f(wrap(&b))
		out[name] = b.String()
	}
	return out
}

func TestOutputColorAndQuiet(t *testing.T) {
	// A plain writer, as every caller passed before Output existed.
	plain := render(t, func(b *strings.Builder) io.Writer { return b })
	plainOut := render(t, func(b *strings.Builder) io.Writer { return &Output{W: b} })
	color := render(t, func(b *strings.Builder) io.Writer { return &Output{W: b, Color: true} })
	quiet := render(t, func(b *strings.Builder) io.Writer { return &Output{W: b, Quiet: true} })

	for name, text := range plainOut {
		if text == "" {
			t.Errorf("%s: plain output is empty", name)
		}
		if ansi.MatchString(text) {
			t.Errorf("%s: colour escapes without colour: %q", name, text)
		}
		if name != "clean" && name != "scan ok" && color[name] == text {
			t.Errorf("%s: colour on, yet no escapes", name)
		}
		if got := ansi.ReplaceAllString(color[name], ""); got != text {
			t.Errorf("%s: colour changes the text:\n%q\nwant\n%q", name, got, text)
		}
		if plain[name] != text {
			t.Errorf("%s: an Output without options differs from a plain writer", name)
		}
	}
	if !ansi.MatchString(color["clean"]) {
		t.Errorf("clean line not coloured: %q", color["clean"])
	}

	// Quiet: findings and errors only.
	for _, name := range []string{"clean", "scan ok", "summary"} {
		if quiet[name] != "" {
			t.Errorf("%s: quiet still prints %q", name, quiet[name])
		}
	}
	if quiet["blocked"] != plainOut["blocked"] {
		t.Errorf("quiet changes the blocked report:\n%s", quiet["blocked"])
	}
	if quiet["warnings"] != plainOut["warnings"] {
		t.Errorf("quiet drops warnings:\n%s", quiet["warnings"])
	}
	if !strings.Contains(quiet["scan"], "app.py:1:") || strings.Contains(quiet["scan"], "keyguard: 1 secret found") {
		t.Errorf("quiet scan keeps findings and drops the summary:\n%s", quiet["scan"])
	}
	if !strings.Contains(plainOut["scan"], "keyguard: 1 secret found; 3 files scanned (2.0 KB) in 0.01s\n") {
		t.Errorf("scan summary:\n%s", plainOut["scan"])
	}
}
