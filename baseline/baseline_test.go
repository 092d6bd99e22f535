package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	entries := []Entry{
		{Rule: "github-token", Fingerprint: "0123456789ab", File: "b.py"},
		{Rule: "aws-access-key-id", Fingerprint: "ba9876543210", File: "a.py"},
		{Rule: "github-token", Fingerprint: "0123456789ab", File: "moved.py"}, // same finding elsewhere
	}
	if err := Write(dir, entries); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 || !s.Contains("github-token", "0123456789ab") || !s.Contains("aws-access-key-id", "ba9876543210") {
		t.Fatalf("round trip lost entries: len %d", s.Len())
	}
	if s.Contains("github-token", "ba9876543210") {
		t.Fatal("a fingerprint matched under another rule")
	}
	first, _ := os.ReadFile(filepath.Join(dir, FileName))
	if err := Write(dir, []Entry{entries[1], entries[0]}); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(dir, FileName))
	if string(first) != string(second) {
		t.Fatal("the file depends on entry order")
	}
}

func TestLoadMissingAndBroken(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(dir)
	if err != nil || s.Len() != 0 || s.Contains("x", "y") {
		t.Fatalf("missing file: %v", err)
	}
	var nilSet *Set
	if nilSet.Contains("x", "y") || nilSet.Len() != 0 {
		t.Fatal("nil set not empty")
	}
	tests := []struct{ doc, want string }{
		{`{`, "unexpected EOF"},
		{`{"version": 2, "findings": []}`, "version 2"},
		{`{"version": 1, "findings": [{"rule": "x"}]}`, "needs a rule"},
		{`{"version": 1, "findings": [{"rule": "x", "fingerprint": "not-hex!"}]}`, "needs a rule"},
		{`{"version": 1, "findings": [], "extra": 1}`, "unknown field"},
	}
	for _, tt := range tests {
		if _, err := Parse([]byte(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s): %v, want %q", tt.doc, err, tt.want)
		}
	}
}

func TestLoadRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("got %v", err)
	}
}
