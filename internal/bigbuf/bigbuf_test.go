package bigbuf

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
)

func TestGet(t *testing.T) {
	r := New(1<<20, Classes{Min: 64 << 10, N: 3}) // classes 64, 128 and 256 KiB
	if r.mem == nil && runtime.GOOS == "linux" {
		t.Fatal("no memory reserved on linux")
	}
	if r.mem == nil {
		t.Skip("no region on " + runtime.GOOS)
	}
	tests := []struct {
		n       int
		wantCap int // 0: nil
	}{
		{0, 64 << 10},
		{1, 64 << 10},
		{64 << 10, 64 << 10},
		{64<<10 + 1, 128 << 10},
		{256 << 10, 256 << 10},
		{256<<10 + 1, 0}, // larger than every class
	}
	for _, tt := range tests {
		b := r.Get(tt.n)
		switch {
		case tt.wantCap == 0 && b != nil:
			t.Errorf("Get(%d): cap %d, want nil", tt.n, cap(b))
		case tt.wantCap != 0 && (b == nil || len(b) != 0 || cap(b) != tt.wantCap):
			t.Errorf("Get(%d): len %d cap %d (nil %v), want empty with cap %d", tt.n, len(b), cap(b), b == nil, tt.wantCap)
		}
	}
}

// Buffers handed out at the same time never share memory, and each keeps
// what is written to it.
func TestBuffersDoNotOverlap(t *testing.T) {
	r := New(1<<20, Classes{Min: 64 << 10, N: 3})
	if r.mem == nil {
		t.Skip("no region on " + runtime.GOOS)
	}
	var bufs [][]byte
	for i := 0; ; i++ {
		b := r.Get(64 << 10 << (i % 3))
		if b == nil {
			b = r.Get(1) // what is left may hold a smaller one
		}
		if b == nil {
			break
		}
		b = b[:cap(b)]
		for j := range b {
			b[j] = byte(i)
		}
		bufs = append(bufs, b)
	}
	total := 0
	for i, b := range bufs {
		total += cap(b)
		if !bytes.Equal(b, bytes.Repeat([]byte{byte(i)}, len(b))) {
			t.Errorf("buffer %d was overwritten", i)
		}
	}
	if total != 1<<20 {
		t.Errorf("handed out %d bytes of a 1 MiB region", total)
	}
	if b := r.Get(1); b != nil {
		t.Errorf("a used-up region handed out %d bytes", cap(b))
	}
}

func TestPutReuses(t *testing.T) {
	r := New(512<<10, Classes{Min: 64 << 10, N: 3})
	if r.mem == nil {
		t.Skip("no region on " + runtime.GOOS)
	}
	a := r.Get(100 << 10) // 128 KiB
	a = append(a, "written"...)
	if !r.Put(a) {
		t.Fatal("Put refused a buffer Get handed out")
	}
	b := r.Get(1) // the smallest class: the 128 KiB buffer is the only one free
	if &b[:1][0] != &a[:1][0] || len(b) != 0 || cap(b) != 128<<10 {
		t.Errorf("Get after Put: len %d cap %d, want the put-back buffer, empty", len(b), cap(b))
	}
	// A larger request is never given a smaller buffer put back.
	r.Put(b)
	if c := r.Get(200 << 10); c == nil || cap(c) < 200<<10 {
		t.Errorf("Get(200 KiB) with a 128 KiB buffer free: cap %d", cap(c))
	}
}

// A tail of a buffer goes back under the largest class it holds: a later
// Get never receives less room than it asked for.
func TestPutTail(t *testing.T) {
	r := New(128<<10, Classes{Min: 64 << 10, N: 2}) // exactly one 128 KiB buffer
	if r.mem == nil {
		t.Skip("no region on " + runtime.GOOS)
	}
	b := r.Get(128 << 10)
	b = b[:cap(b)]
	if !r.Put(b[100<<10:]) { // 28 KiB: holds no class, dropped
		t.Fatal("Put refused a tail of its own buffer")
	}
	if c := r.Get(1); c != nil {
		t.Errorf("Get(1) after a 28 KiB tail was put back: cap %d, want nil (nothing holds 64 KiB)", cap(c))
	}
	r.Put(b[20<<10:]) // 108 KiB: filed as 64 KiB
	if c := r.Get(100 << 10); c != nil {
		t.Errorf("Get(100 KiB) gave cap %d from a 108 KiB tail filed as 64 KiB", cap(c))
	}
	if c := r.Get(64 << 10); c == nil || cap(c) < 64<<10 {
		t.Errorf("Get(64 KiB) with a 108 KiB tail free: %d", cap(c))
	}
}

func TestPutForeign(t *testing.T) {
	r := New(512<<10, Classes{Min: 64 << 10, N: 3})
	for _, b := range [][]byte{nil, make([]byte, 0, 64<<10), make([]byte, 10)} {
		if r.Put(b) {
			t.Errorf("Put took a buffer of capacity %d that the region did not hand out", cap(b))
		}
	}
	if (&Region{}).Put(make([]byte, 1)) {
		t.Error("a region without memory took a buffer")
	}
	if b := New(0, Classes{Min: 64 << 10, N: 3}).Get(1); b != nil {
		t.Error("a region of size 0 handed out a buffer")
	}
}

// Run with -race: concurrent Get and Put hand each buffer to one user at a
// time.
func TestConcurrent(t *testing.T) {
	r := New(4<<20, Classes{Min: 64 << 10, N: 4})
	if r.mem == nil {
		t.Skip("no region on " + runtime.GOOS)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				b := r.Get((i%4 + 1) * 40 << 10)
				if b == nil {
					continue
				}
				b = b[:cap(b)]
				for j := range b {
					b[j] = byte(w)
				}
				for j := range b {
					if b[j] != byte(w) {
						t.Errorf("worker %d: its buffer changed under it", w)
						return
					}
				}
				r.Put(b)
			}
		}()
	}
	wg.Wait()
}

func TestClasses(t *testing.T) {
	c := Classes{Min: 64, N: 3} // 64, 128, 256
	for _, tt := range []struct{ n, fit, held int }{
		{0, 0, -1}, {1, 0, -1}, {63, 0, -1}, {64, 0, 0}, {65, 1, 0}, {127, 1, 0},
		{128, 1, 1}, {200, 2, 1}, {256, 2, 2}, {257, 3, 2}, {10000, 3, 2},
	} {
		if got := c.Fit(tt.n); got != tt.fit {
			t.Errorf("Fit(%d) = %d, want %d", tt.n, got, tt.fit)
		}
		if got := c.Held(tt.n); got != tt.held {
			t.Errorf("Held(%d) = %d, want %d", tt.n, got, tt.held)
		}
	}
	if c.Size(2) != 256 {
		t.Errorf("Size(2) = %d", c.Size(2))
	}
}
