package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keyguard/keyguard/bench/internal/workload"
)

// command is one row of a table: a program (or, for a floor, a sequence
// of programs whose times add up) run in a repository.
type command struct {
	Name    string
	Dir     string
	Steps   [][]string
	OK      []int  // accepted exit codes besides 0 (1: findings)
	Missing string // set: not run, shown as the reason

	samples []sample
	failed  string
}

// sample is one timed run.
type sample struct {
	secs    float64
	treeKiB int64 // ru_maxrss from wait4: the process or its largest child
	ownKiB  int64 // VmHWM of the process itself, polled; 0 when missed
}

// tail keeps the last bytes written to it: enough of stderr to explain a
// failure, never a whole log.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2048 {
		t.b = t.b[len(t.b)-2048:]
	}
	return len(p), nil
}

// run executes every step once and records the sample, or the failure.
func (c *command) run(ctx context.Context) error {
	var s sample
	for _, args := range c.Steps {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir, cmd.Env = c.Dir, workload.Env()
		var errTail tail
		cmd.Stderr = &errTail // stdout goes to /dev/null (nil)
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		stop := make(chan struct{})
		own := make(chan int64, 1)
		go pollHWM(cmd.Process.Pid, stop, own)
		err := cmd.Wait()
		s.secs += time.Since(start).Seconds()
		close(stop)
		s.ownKiB = max(s.ownKiB, <-own)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.treeKiB = max(s.treeKiB, ru.Maxrss)
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) && accepted(exit.ExitCode(), c.OK) {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w: %s", c.Name, strings.Join(args, " "), err, strings.TrimSpace(string(errTail.b)))
		}
	}
	c.samples = append(c.samples, s)
	return nil
}

func accepted(code int, ok []int) bool {
	for _, c := range ok {
		if c == code {
			return true
		}
	}
	return false
}

// pollHWM reads the process's own peak RSS (VmHWM) every few milliseconds
// until stop, and sends the last value read. ru_maxrss alone cannot tell
// keyguard's memory from that of the git processes it starts.
func pollHWM(pid int, stop <-chan struct{}, out chan<- int64) {
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	var last int64
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			if i := bytes.Index(b, []byte("VmHWM:")); i >= 0 {
				f := strings.Fields(string(b[i+6 : i+6+bytes.IndexByte(b[i+6:], '\n')]))
				if len(f) > 0 {
					if v, err := strconv.ParseInt(f[0], 10, 64); err == nil && v > last {
						last = v
					}
				}
			}
		}
		select {
		case <-stop:
			out <- last
			return
		case <-t.C:
		}
	}
}

// runnable reports whether c takes part in the measurements.
func (c *command) runnable() bool { return c.Missing == "" && c.failed == "" }

// interleave runs every command runs times, in rounds, rotating the order
// each round so that no command always runs first (or right after the
// expensive one) on a noisy machine. With warm set, each command first runs
// once untimed to warm the page cache. A failing command is reported and
// dropped; the others go on.
func interleave(ctx context.Context, cmds []*command, runs int, warm bool, progress func(string)) error {
	if warm {
		for _, c := range cmds {
			if c.runnable() {
				if err := c.run(ctx); err != nil {
					c.failed = err.Error()
					progress("FAILED " + c.failed)
				}
				c.samples = nil
			}
		}
	}
	for r := 0; r < runs; r++ {
		progress(fmt.Sprintf("round %d/%d", r+1, runs))
		for i := range cmds {
			c := cmds[(i+r)%len(cmds)]
			if !c.runnable() {
				continue
			}
			if err := c.run(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.failed = err.Error()
				progress("FAILED " + c.failed)
			}
		}
	}
	return nil
}

// median of the samples' times, and the min and max.
func (c *command) stats() (med, lo, hi float64, ok bool) {
	if len(c.samples) == 0 {
		return 0, 0, 0, false
	}
	t := make([]float64, len(c.samples))
	for i, s := range c.samples {
		t[i] = s.secs
	}
	sort.Float64s(t)
	n := len(t)
	med = t[n/2]
	if n%2 == 0 {
		med = (t[n/2-1] + t[n/2]) / 2
	}
	return med, t[0], t[n-1], true
}

// rss returns the largest tree and own peak RSS over the samples, MiB.
func (c *command) rss() (tree, own float64) {
	for _, s := range c.samples {
		tree = max(tree, float64(s.treeKiB)/1024)
		own = max(own, float64(s.ownKiB)/1024)
	}
	return tree, own
}
