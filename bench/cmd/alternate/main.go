// Command alternate compares the wall and CPU time of shell commands run
// alternately in one directory: each round runs every command once, the
// order rotating from round to round, so that a shared machine's drift
// touches them all alike. It prints, per command, the median wall time,
// the median CPU time (user and system, its child processes included),
// and the median of its per-round difference from the first command: the
// figure to compare two builds by, since a few milliseconds' effect is
// smaller than the machine's drift over a minute.
//
// Usage:
//
//	go run ./bench/cmd/alternate [-n ROUNDS] [-C DIR] COMMAND...
//	go run ./bench/cmd/alternate -n 30 -C /tmp/kgwf/typical-3000f-s1-g2/repo \
//	    '/tmp/kg-old hook pre-commit' '/tmp/kg-new hook pre-commit' \
//	    'git diff --cached; git ls-files --others --exclude-standard'
//
// Each COMMAND runs through sh -c with its output discarded; its exit
// status does not matter (the hook exits 1 on findings).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "alternate: %v\n", err)
		os.Exit(2)
	}
}

// sample is one run of one command.
type sample struct {
	wall, cpu time.Duration
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("alternate", flag.ContinueOnError)
	rounds := fs.Int("n", 30, "rounds (each runs every command once)")
	dir := fs.String("C", ".", "directory to run the commands in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cmds := fs.Args()
	if len(cmds) == 0 || *rounds < 1 {
		return fmt.Errorf("usage: alternate [-n ROUNDS] [-C DIR] COMMAND... (at least one command and one round)")
	}
	samples := make([][]sample, len(cmds))
	for r := range *rounds {
		for k := range cmds {
			i := (k + r) % len(cmds) // rotate the order
			s, err := once(*dir, cmds[i])
			if err != nil {
				return err
			}
			samples[i] = append(samples[i], s)
		}
	}
	report(out, cmds, samples)
	return nil
}

// once runs command in dir and measures it.
func once(dir, command string) (sample, error) {
	c := exec.Command("sh", "-c", command)
	c.Dir = dir
	start := time.Now()
	err := c.Run()
	wall := time.Since(start)
	if c.ProcessState == nil {
		return sample{}, fmt.Errorf("%s: %w", command, err)
	}
	var cpu time.Duration
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return sample{wall: wall, cpu: cpu}, nil
}

// report prints one line per command.
func report(out io.Writer, cmds []string, samples [][]sample) {
	for i, cmd := range cmds {
		var wall, cpu, diff []time.Duration
		for r, s := range samples[i] {
			wall = append(wall, s.wall)
			cpu = append(cpu, s.cpu)
			diff = append(diff, s.wall-samples[0][r].wall)
		}
		fmt.Fprintf(out, "%-60s wall %8s  cpu %8s  vs first %9s\n", clip(cmd, 60),
			ms(median(wall), ""), ms(median(cpu), ""), ms(median(diff), "+"))
	}
}

// median returns the middle value (the upper one of an even count).
func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// ms prints d in milliseconds; flags "+" shows the sign of a difference.
func ms(d time.Duration, flags string) string {
	return fmt.Sprintf("%"+flags+".1fms", float64(d.Microseconds())/1000)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
