//go:build !linux

package bigbuf

// reserve reserves nothing where huge pages cannot be asked for: Get hands
// out nothing and callers allocate on the heap.
func reserve(int) []byte { return nil }
