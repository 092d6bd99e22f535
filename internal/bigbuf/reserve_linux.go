package bigbuf

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on linux/amd64 and arm64
// (with 4 KiB base pages).
const hugePage = 2 << 20

// reserve maps size bytes of anonymous memory, aligned to a huge page and
// marked for transparent huge pages, or returns nil.
func reserve(size int) []byte {
	if size <= 0 {
		return nil
	}
	m, err := unix.Mmap(-1, 0, size+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil
	}
	skip := (hugePage - int(uintptr(unsafe.Pointer(unsafe.SliceData(m)))%hugePage)) % hugePage
	m = m[skip : skip+size : skip+size]
	// A refusal (huge pages compiled out) leaves ordinary pages.
	_ = unix.Madvise(m, unix.MADV_HUGEPAGE)
	return m
}
