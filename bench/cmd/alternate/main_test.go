package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{[]time.Duration{5}, 5},
		{[]time.Duration{3, 1, 2}, 2},
		{[]time.Duration{4, 1, 3, 2}, 3},
		{[]time.Duration{-2, 7, -5}, -2},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestRunAlternates runs two real commands and checks the report: one line
// each, the first compared with itself, and a command that sleeps longer
// shown as slower than the first in every way that is measured.
func TestRunAlternates(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-n", "3", "true", "sleep 0.05"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got:\n%s", out.String())
	}
	if !strings.HasPrefix(lines[0], "true ") || !strings.Contains(lines[0], "vs first    +0.0ms") {
		t.Errorf("first line: %q", lines[0])
	}
	wall, diff := field(t, lines[1], "wall"), field(t, lines[1], "first")
	if wall < 50 || diff < 40 {
		t.Errorf("sleep 0.05: wall %.1f ms, %.1f ms slower than true; want at least 50 and 40", wall, diff)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-n", "0", "true"}} {
		if err := run(args, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}

// field reads the milliseconds printed after name in a report line.
func field(t *testing.T, line, name string) float64 {
	t.Helper()
	f := strings.Fields(line)
	for i := range f[:len(f)-1] {
		if f[i] == name {
			v, err := strconv.ParseFloat(strings.TrimSuffix(f[i+1], "ms"), 64)
			if err != nil {
				t.Fatalf("%q: %s: %v", line, name, err)
			}
			return v
		}
	}
	t.Fatalf("%q: no %s", line, name)
	return 0
}
