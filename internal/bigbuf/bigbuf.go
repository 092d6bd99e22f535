// Package bigbuf hands out large byte buffers from one region of memory
// that the kernel may back with huge pages, and takes them back for reuse.
//
// Fresh memory is what a large commit's scan pays most for on a virtual
// machine: every 4 KiB page touched for the first time costs a page fault
// (measured at 11-12 us here, 47 ms for 16 MiB, against 1 ms for the same
// memory in 2 MiB pages). The diff's fragments are copied into buffers of
// 64 KiB to 4 MiB; drawn from a region marked for transparent huge pages
// (madvise), they fault once per 2 MiB. Where the kernel has huge pages
// off, the region still works, in 4 KiB pages, as a free list; on other
// platforms than linux, New gives a Region that hands out nothing.
//
// Buffers hold bytes only (no Go pointers), so the garbage collector need
// not see them. The region is never unmapped: buffers cycle through free
// lists for the life of the process, and a full region hands out nothing
// more (callers then allocate on the heap).
package bigbuf

import (
	"sync"
	"unsafe"
)

// Classes are the buffer sizes Min, 2*Min, ... Min<<(N-1).
type Classes struct{ Min, N int }

// Fit returns the smallest class holding n bytes, or N when none does.
func (c Classes) Fit(n int) int {
	k := 0
	for k < c.N && c.Min<<k < n {
		k++
	}
	return k
}

// Held returns the largest class whose size a buffer of capacity cp holds
// (N-1 for any larger one), or -1 when it holds none.
func (c Classes) Held(cp int) int {
	if cp < c.Min {
		return -1
	}
	k := 0
	for k+1 < c.N && c.Min<<(k+1) <= cp {
		k++
	}
	return k
}

// Size returns the bytes of class k.
func (c Classes) Size(k int) int { return c.Min << k }

// Region hands out buffers in size classes, bump-allocated from reserved
// memory and kept on a free list per class when put back. It is safe for
// concurrent use.
type Region struct {
	classes Classes

	mu   sync.Mutex
	mem  []byte // the reserved memory; nil when there is none
	used int    // mem[:used] has been handed out at least once
	free [][][]byte
}

// New reserves size bytes of address space (touched only as buffers are
// used) for buffers of the given classes.
func New(size int, classes Classes) *Region {
	return &Region{classes: classes, mem: reserve(size), free: make([][][]byte, classes.N)}
}

// Get returns an empty buffer with room for at least n bytes (its class's
// size), reused if one was put back, or nil when n is larger than the
// largest class or the region is used up.
func (r *Region) Get(n int) []byte {
	k := r.classes.Fit(n)
	if k == r.classes.N || r.mem == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := k; c < r.classes.N; c++ {
		if l := len(r.free[c]); l > 0 {
			b := r.free[c][l-1]
			r.free[c] = r.free[c][:l-1]
			return b
		}
	}
	size := r.classes.Size(k)
	if len(r.mem)-r.used < size {
		return nil
	}
	b := r.mem[r.used : r.used : r.used+size]
	r.used += size
	return b
}

// Put takes back a buffer that Get handed out, once the caller and
// everything it gave the buffer to are done with it, and reports true; a
// buffer from elsewhere is left alone (false). A buffer's tail (a slice
// starting inside it) is filed under the largest class it holds, or
// dropped when it holds none.
func (r *Region) Put(b []byte) bool {
	if !r.owns(b) {
		return false
	}
	b = b[:0:cap(b)]
	k := r.classes.Held(cap(b))
	if k < 0 {
		return true
	}
	r.mu.Lock()
	r.free[k] = append(r.free[k], b)
	r.mu.Unlock()
	return true
}

// owns reports whether b's memory lies in the region.
func (r *Region) owns(b []byte) bool {
	if r.mem == nil || cap(b) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(r.mem)))
	return base <= p && p < base+uintptr(len(r.mem))
}
