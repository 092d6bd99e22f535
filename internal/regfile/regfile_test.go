package regfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(file, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		path      string
		limit     int64
		want      string
		truncated bool
		notExist  bool
	}{
		{"whole file", file, 10, "0123456789", false, false},
		{"longer than the limit", file, 4, "0123", true, false},
		{"missing", filepath.Join(dir, "nope"), 10, "", false, true},
		{"symlink not followed", link, 10, "", false, true},
		{"directory", dir, 10, "", false, true},
		{"device", os.DevNull, 10, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, truncated, err := Read(tt.path, tt.limit)
			if tt.notExist {
				if !errors.Is(err, fs.ErrNotExist) || data != nil {
					t.Fatalf("got %q, %v; want no data and an error matching fs.ErrNotExist", data, err)
				}
				return
			}
			if err != nil || string(data) != tt.want || truncated != tt.truncated {
				t.Fatalf("got %q, truncated %v, err %v; want %q, truncated %v", data, truncated, err, tt.want, tt.truncated)
			}
		})
	}
}
