package term

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func TestColor(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	tests := []struct {
		name string
		w    io.Writer
		env  map[string]string
		want bool
	}{
		{"buffer", &bytes.Buffer{}, nil, false},
		{"regular file", f, nil, false},
		{"nil file", (*os.File)(nil), nil, false},
		{"no_color on a buffer", &bytes.Buffer{}, map[string]string{"NO_COLOR": "1"}, false},
		{"dumb terminal", f, map[string]string{"TERM": "dumb"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Color(tt.w, env(tt.env)); got != tt.want {
				t.Fatalf("Color = %v, want %v", got, tt.want)
			}
		})
	}
}
