package main

import (
	"testing"

	"github.com/keyguard/keyguard/detect"
)

func TestReadBack(t *testing.T) {
	text := []byte("first line\nx = «é» VALUE-ONE\nBEGIN\nbody\nEND\n")
	tests := []struct {
		name      string
		f         keyguardFinding
		want      string
		wantEnd   int
		wantFound bool
	}{
		{"single line after runes", keyguardFinding{Line: 2, Column: 9, Redacted: "VA…(9 chars)", Fingerprint: detect.Fingerprint("VALUE-ONE")}, "VALUE-ONE", 2, true},
		{"multi-line", keyguardFinding{Line: 3, Column: 1, Redacted: "B…(14 chars)", Fingerprint: detect.Fingerprint("BEGIN\nbody\nEND")}, "BEGIN\nbody\nEND", 5, true},
		{"fingerprint mismatch", keyguardFinding{Line: 2, Column: 9, Redacted: "VA…(9 chars)", Fingerprint: "000000000000"}, "", 2, false},
		{"no length", keyguardFinding{Line: 2, Column: 9, Redacted: "VA…", Fingerprint: detect.Fingerprint("VALUE-ONE")}, "", 2, false},
		{"line past the end", keyguardFinding{Line: 9, Column: 1, Redacted: "V…(1 chars)", Fingerprint: detect.Fingerprint("V")}, "", 9, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, end := readBack(text, tt.f)
			if (got != "") != tt.wantFound || got != tt.want || end != tt.wantEnd {
				t.Errorf("readBack = %q, end line %d; want %q, %d", got, end, tt.want, tt.wantEnd)
			}
		})
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct{ dir, p, want string }{
		{"/tmp/c", "positives/ai/001-1/.env", "positives/ai/001-1/.env"},
		{"/tmp/c", "./negatives/code/s1/a.go", "negatives/code/s1/a.go"},
		{"/tmp/c", "/tmp/c/positives/x/y.py", "positives/x/y.py"},
	}
	for _, tt := range tests {
		if got := relPath(tt.dir, tt.p); got != tt.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", tt.dir, tt.p, got, tt.want)
		}
	}
}
