package git

import (
	"io"
	"syscall"

	"golang.org/x/sys/unix"
)

// pipeSize is the buffer asked for on the pipe git writes a diff into. A
// pipe holds 64 KiB by default, so git stops every 64 KiB until keyguard
// reads, and both pay a context switch each time.
const pipeSize = 1 << 20

// growPipe enlarges the kernel buffer of the pipe r reads from, when r is
// one and the system allows; a refusal (the per-user pipe memory limit) is
// harmless: the pipe keeps its size.
func growPipe(r io.Reader) {
	sc, ok := r.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_, _ = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize)
	})
}
