package report

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	tests := []struct {
		name  string
		out   Output
		shown bool
	}{
		{"terminal", Output{}, true},
		{"terminal in colour", Output{Color: true}, true},
		{"quiet", Output{Quiet: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			var mu sync.Mutex
			o := tt.out
			o.W = writerFunc(func(p []byte) (int, error) {
				mu.Lock()
				defer mu.Unlock()
				return b.Write(p)
			})
			p := NewProgress(&o)
			// History's workers report from several goroutines, out of order.
			var wg sync.WaitGroup
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i <= 200; i += 4 {
						p.Update(i, 200)
					}
				}()
			}
			wg.Wait()
			p.Done()
			mu.Lock()
			got := b.String()
			mu.Unlock()
			if !tt.shown {
				if p != nil || got != "" {
					t.Fatalf("quiet progress drew %q", got)
				}
				return
			}
			if !strings.Contains(got, "scanning history") || !strings.Contains(got, "/200") {
				t.Fatalf("no progress bar drawn: %q", got)
			}
			if tt.out.Color != strings.Contains(got, "\x1b[36m") {
				t.Fatalf("colour %v, output %q", tt.out.Color, got)
			}
			// Done moves the cursor back up over the bar and erases it, so
			// the report starts on a clean line.
			if !strings.HasSuffix(got, "\x1b[1A\x1b[J") {
				t.Fatalf("the bar is not cleared at the end: %q", got)
			}
		})
	}
}

// TestProgressDoneEarly: a scan that stops before its last commit (an
// error) still clears its bar.
func TestProgressDoneEarly(t *testing.T) {
	var b strings.Builder
	var mu sync.Mutex
	read := func() string {
		mu.Lock()
		defer mu.Unlock()
		return b.String()
	}
	p := NewProgress(&Output{W: writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return b.Write(p)
	})})
	p.Update(1, 200)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(read(), "/200") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // the bar is drawn ten times a second
	}
	p.Done()
	got := read()
	if !strings.Contains(got, "1/200") || !strings.HasSuffix(got, "\x1b[1A\x1b[J") {
		t.Fatalf("bar not drawn, then cleared: %q", got)
	}
	p.Done() // twice is fine
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
