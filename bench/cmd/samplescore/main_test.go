package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileName(t *testing.T) {
	tests := []struct {
		s    sample
		want string
	}{
		{sample{Path: "config/.npmrc"}, ".npmrc"},
		{sample{Context: "go - backticks"}, "sample.go"},
		{sample{Context: "C# - verbatim"}, "sample.cs"},
		{sample{Context: "make - conditional assignment"}, "sample.mk"},
		{sample{Context: "cobol"}, "sample.txt"},
		{sample{}, "sample.txt"},
	}
	for _, tt := range tests {
		if got := fileName(tt.s); got != tt.want {
			t.Errorf("fileName(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(`{"rule":"r","kind":"tp","text":"a"}`+"\n"+`{"rule":"r","kind":"fp","text":"b"}`+"\n"), 0o600)
	got, err := load(good)
	if err != nil || len(got) != 2 || got[1].Kind != "fp" {
		t.Fatalf("load = %+v, %v; want two samples", got, err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"rule":"r"}`+"\nnot json\n"), 0o600)
	if _, err := load(bad); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("load of a broken line: %v; want an error naming line 2", err)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(empty, nil, 0o600)
	if _, err := load(empty); err == nil {
		t.Error("an empty samples file loaded without error")
	}
}
