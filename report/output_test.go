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

// countingWriter counts the writes it gets, as a file counts system calls.
type countingWriter struct {
	strings.Builder
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.Builder.Write(p)
}

// TestReportsWriteOnce: a report of many findings reaches its stream in
// one write (each would be a system call on stderr), with its settings.
func TestReportsWriteOnce(t *testing.T) {
	found, _ := scanFake(t, `TOKEN = "ghp_{{b62crc 30}}"`+"\n")
	if len(found) != 1 {
		t.Fatalf("want 1 finding, got %d", len(found))
	}
	var keys []Finding
	for i := range 20 {
		keys = append(keys, Finding{Path: "app.py", Line: i + 1, Column: found[0].Column, Secret: &found[0]})
	}
	for name, report := range map[string]func(io.Writer){
		"blocked": func(w io.Writer) { Blocked(w, keys, Summary{Files: 1, Lines: 20}) },
		"scan":    func(w io.Writer) { ScanText(w, keys, ScanSummary{Files: 1, Bytes: 100}) },
	} {
		var c countingWriter
		report(&Output{W: &c, Color: true})
		if c.writes != 1 {
			t.Errorf("%s: %d writes for 20 findings, want 1", name, c.writes)
		}
		if n := strings.Count(c.String(), "app.py:"); n != 20 || !ansi.MatchString(c.String()) {
			t.Errorf("%s: %d findings written, colour %v; want 20 in colour", name, n, ansi.MatchString(c.String()))
		}
	}
}
