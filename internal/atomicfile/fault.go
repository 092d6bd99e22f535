package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FaultEnv names the environment variable through which tests make writes
// fail: a disk that fills up (ENOSPC) or a permission that is denied (EACCES)
// at a chosen step, for chosen files. It is read only by test binaries
// (testing.Testing), so a released keyguard ignores it.
//
// Its value is a comma-separated list of ERRNO[@STAGE]:GLOB. GLOB is
// matched (path.Match) against the base name of the file being replaced,
// e.g. ".env", ".gitignore", "pre-commit", "*". ERRNO is one of ENOSPC,
// EDQUOT, EIO, EACCES, EPERM, EROFS. STAGE is where the error strikes:
// create (the temporary file cannot be created), write (half the data is
// written, then the error), sync, or rename (the last step). Without a stage,
// permission errors strike at create and the others at write, where a real
// system reports them.
//
// Why an environment variable: every package writes through Write, and a
// variable reaches them all, in-process (t.Setenv) and in the scenarios'
// child processes alike, without a fault parameter threaded through
// install, fix and fix-ignore, and without package-level mutable state.
const FaultEnv = "KEYGUARD_TEST_WRITE_FAULT"

// Stages of a write, in order, at which a fault can strike.
const (
	stageCreate = "create"
	stageWrite  = "write"
	stageSync   = "sync"
	stageRename = "rename"
)

// fault decides, for one write, whether a stage fails; nil fails nothing.
type fault func(stage, tmp string) error

// at is the error the fault injects at stage, nil for none.
func (f fault) at(stage, tmp string) error {
	if f == nil {
		return nil
	}
	return f(stage, tmp)
}

var errnos = map[string]syscall.Errno{
	"ENOSPC": syscall.ENOSPC, "EDQUOT": syscall.EDQUOT, "EIO": syscall.EIO,
	"EACCES": syscall.EACCES, "EPERM": syscall.EPERM, "EROFS": syscall.EROFS,
}

// envFault is the fault FaultEnv asks for on a write to path; nil outside
// test binaries, when the variable is unset, or when no entry names path.
func envFault(path string) fault {
	if !testing.Testing() {
		return nil
	}
	spec := os.Getenv(FaultEnv)
	if spec == "" {
		return nil
	}
	f, err := parseFault(spec, filepath.Base(path))
	if err != nil {
		// A mistyped fault must not pass silently as "no fault": the test
		// that set it would then prove nothing.
		return func(string, string) error { return err }
	}
	return f
}

// parseFault reads a FaultEnv value and returns the fault for a file named
// base, nil when no entry matches it.
func parseFault(spec, base string) (fault, error) {
	for _, entry := range strings.Split(spec, ",") {
		kind, glob, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not ERRNO[@STAGE]:GLOB", FaultEnv, entry)
		}
		name, stage, staged := strings.Cut(kind, "@")
		errno, known := errnos[name]
		if !known {
			return nil, fmt.Errorf("%s: unknown errno %q", FaultEnv, name)
		}
		if !staged {
			stage = stageWrite
			if errno == syscall.EACCES || errno == syscall.EPERM || errno == syscall.EROFS {
				stage = stageCreate
			}
		}
		switch stage {
		case stageCreate, stageWrite, stageSync, stageRename:
		default:
			return nil, fmt.Errorf("%s: unknown stage %q", FaultEnv, stage)
		}
		match, err := filepath.Match(glob, base)
		if err != nil {
			return nil, fmt.Errorf("%s: glob %q: %w", FaultEnv, glob, err)
		}
		if match {
			return func(at, tmp string) error {
				if at != stage {
					return nil
				}
				return &fs.PathError{Op: opOf(at), Path: tmp, Err: errno}
			}, nil
		}
	}
	return nil, nil
}

// opOf names the system call a real failure at stage would come from.
func opOf(stage string) string {
	switch stage {
	case stageCreate:
		return "open"
	case stageRename:
		return "rename"
	}
	return stage
}
