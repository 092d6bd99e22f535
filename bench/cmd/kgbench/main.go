// Command kgbench measures keyguard against git's own cost (the floor) and
// gitleaks on generated repositories, and prints a Markdown table per
// workload: median seconds over N interleaved runs, ratio to the floor, and
// peak RSS.
//
// Usage:
//
//	kgbench [-quick] [-work DIR] [-repo DIR] [-only LIST] [-runs N] [-big-runs N]
//	        [-size MiB] [-huge-gitleaks] [-commits N] [-patch MiB]
//	        [-history-files N] [-coverage-files N,N] [-seed N]
//
// Workloads (-only takes a comma-separated subset):
//
//	typical   3 files staged in a repository of 3,000 files:
//	          keyguard hook pre-commit vs git diff --cached + git ls-files
//	          --others --exclude-standard vs gitleaks git --pre-commit --staged.
//	huge      a new repository with -size MiB staged (and -size/4, to show
//	          whether memory grows with the commit): the hook vs the floor
//	          (and gitleaks with -huge-gitleaks: it takes minutes at 400 MiB).
//	history   -commits commits, about -patch MiB of git log -p -U0:
//	          keyguard scan --history vs git log -p -U0 vs gitleaks git.
//	coverage  repositories of the two -coverage-files sizes: the hook vs
//	          git ls-files --others --exclude-standard, and how each grows.
//
// keyguard is built from -repo (default: the module around the working
// directory) into the work directory, so the numbers are for that tree.
// gitleaks is taken from $GITLEAKS, else PATH; without it its rows say how
// to install it. Every repository is generated deterministically under
// -work (default a temporary directory, removed afterwards; a kept -work is
// reused by later runs). Progress goes to stderr, tables to stdout.
//
// Exit status: 0 when everything ran (targets missed or not), 1 when a
// command failed or the setup did, 2 for bad flags.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/keyguard/keyguard/bench/internal/workload"
)

// config is the parsed command line.
type config struct {
	work, repo, only string
	runs, bigRuns    int
	size             int
	hugeGitleaks     bool
	commits, patch   int
	historyFiles     int
	coverageFiles    []int
	seed             uint64
	quick            bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "kgbench: %v\n", err)
		return 2
	}
	b := &bench{cfg: cfg, out: stdout, log: stderr}
	if err := b.main(ctx); err != nil {
		fmt.Fprintf(stderr, "kgbench: %v\n", err)
		return 1
	}
	if b.failures > 0 {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("kgbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&c.quick, "quick", false, "smaller workloads: 40 MiB huge commit, 600 commits of history, 5,000 and 50,000 files for coverage; gitleaks on the huge commit")
	fs.StringVar(&c.work, "work", "", "work directory, kept and reused (default: a temporary directory, removed)")
	fs.StringVar(&c.repo, "repo", "", "keyguard source tree to build (default: the module around the working directory)")
	fs.StringVar(&c.only, "only", "typical,huge,history,coverage,decoding", "workloads to run, comma-separated")
	fs.IntVar(&c.runs, "runs", 5, "timed runs per command, small workloads (typical, coverage)")
	fs.IntVar(&c.bigRuns, "big-runs", 3, "timed runs per command, big workloads (huge, history)")
	fs.IntVar(&c.size, "size", 400, "huge: staged tree, MiB (a second tree of a quarter of it shows how memory grows)")
	fs.BoolVar(&c.hugeGitleaks, "huge-gitleaks", false, "huge: also run gitleaks (minutes at 400 MiB)")
	fs.IntVar(&c.commits, "commits", 3000, "history: commits")
	fs.IntVar(&c.patch, "patch", 100, "history: approximate size of git log -p -U0, MiB")
	fs.IntVar(&c.historyFiles, "history-files", 3000, "history: files in the initial tree")
	cov := fs.String("coverage-files", "10000,100000", "coverage: the two repository sizes, files")
	fs.Uint64Var(&c.seed, "seed", 1, "PRNG seed of every workload")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.quick {
		if !set["size"] {
			c.size = 40
		}
		if !set["huge-gitleaks"] {
			c.hugeGitleaks = true
		}
		if !set["commits"] {
			c.commits = 600
		}
		if !set["patch"] {
			c.patch = 20
		}
		if !set["history-files"] {
			c.historyFiles = 1000
		}
		if !set["coverage-files"] {
			*cov = "5000,50000"
		}
	}
	for _, s := range strings.Split(*cov, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			return c, fmt.Errorf("-coverage-files: %q is not a file count", s)
		}
		c.coverageFiles = append(c.coverageFiles, n)
	}
	if len(c.coverageFiles) != 2 {
		return c, fmt.Errorf("-coverage-files takes two sizes, got %d", len(c.coverageFiles))
	}
	if c.runs < 1 || c.bigRuns < 1 || c.size < 4 || c.commits < 1 || c.patch < 1 || c.historyFiles < 10 {
		return c, fmt.Errorf("-runs, -big-runs, -size, -commits, -patch and -history-files must be positive (size ≥ 4, history-files ≥ 10)")
	}
	for _, w := range strings.Split(c.only, ",") {
		switch w {
		case "typical", "huge", "history", "coverage", "decoding":
		default:
			return c, fmt.Errorf("-only: unknown workload %q", w)
		}
	}
	return c, nil
}

// bench holds a run's tools and output.
type bench struct {
	cfg      config
	out, log io.Writer

	keyguard, gitleaks string
	hasHistory         bool
	failures           int
}

func (b *bench) progress(msg string) { fmt.Fprintf(b.log, "kgbench: %s\n", msg) }

func (b *bench) main(ctx context.Context) error {
	work := b.cfg.work
	if work == "" {
		tmp, err := os.MkdirTemp("", "kgbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(work, "bin"), 0o755); err != nil {
		return err
	}
	if err := b.tools(ctx, work); err != nil {
		return err
	}
	b.header(ctx)
	for _, w := range strings.Split(b.cfg.only, ",") {
		var err error
		switch w {
		case "typical":
			err = b.typical(ctx, work)
		case "huge":
			err = b.huge(ctx, work)
		case "history":
			err = b.history(ctx, work)
		case "coverage":
			err = b.coverage(ctx, work)
		case "decoding":
			err = b.decoding(ctx, work)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// tools builds keyguard from the tree under test and finds gitleaks.
func (b *bench) tools(ctx context.Context, work string) error {
	src := b.cfg.repo
	if src == "" {
		out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			return fmt.Errorf("find the keyguard module (run inside it or pass -repo): %w", err)
		}
		src = strings.TrimSpace(string(out))
	}
	b.keyguard = filepath.Join(work, "bin", "keyguard")
	b.progress("building keyguard from " + src)
	build := exec.CommandContext(ctx, "go", "build", "-o", b.keyguard, ".")
	build.Dir, build.Stderr = src, b.log
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build keyguard: %w", err)
	}
	help, _ := exec.CommandContext(ctx, b.keyguard, "scan", "--help").CombinedOutput()
	b.hasHistory = strings.Contains(string(help), "--history")

	gl := os.Getenv("GITLEAKS")
	if gl == "" {
		gl, _ = exec.LookPath("gitleaks")
	}
	if gl != "" {
		if fi, err := os.Stat(gl); err != nil || fi.IsDir() {
			b.progress("GITLEAKS=" + gl + " is not a program; skipping gitleaks")
			gl = ""
		}
	}
	b.gitleaks = gl
	return nil
}

// header prints what was measured with what.
func (b *bench) header(ctx context.Context) {
	src := b.cfg.repo
	if src == "" {
		src = "."
	}
	rev, _ := exec.CommandContext(ctx, "git", "-C", src, "describe", "--always", "--dirty").Output()
	gitv, _ := exec.CommandContext(ctx, "git", "version").Output()
	fmt.Fprintf(b.out, "## keyguard benchmarks\n\n")
	fmt.Fprintf(b.out, "- keyguard: built from %s (%s)\n", src, strings.TrimSpace(string(rev)))
	fmt.Fprintf(b.out, "- %s, %s, %s/%s, %d CPUs, %s\n", strings.TrimSpace(string(gitv)), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	if b.gitleaks != "" {
		fmt.Fprintf(b.out, "- gitleaks: %s (%s)\n", b.gitleaks, gitleaksVersion(ctx, b.gitleaks))
	} else {
		fmt.Fprintf(b.out, "- gitleaks: not found (set $GITLEAKS or install it: `go install github.com/zricethezav/gitleaks/v8@v8.30.1`)\n")
	}
	fmt.Fprintf(b.out, "- medians of interleaved runs; peak RSS is ru_maxrss (the process or its largest child, e.g. git); own RSS is the process's VmHWM, polled every 5 ms (\"-\": ended before the first poll)\n\n")
}

// gitleaksVersion asks gitleaks, or the module data of a `go install`ed
// binary, which leaves the version unset.
func gitleaksVersion(ctx context.Context, gl string) string {
	out, _ := exec.CommandContext(ctx, gl, "version").Output()
	v := strings.TrimSpace(string(out))
	if d := strings.TrimPrefix(v, "v"); d != "" && d[0] >= '0' && d[0] <= '9' {
		return v
	}
	out, _ = exec.CommandContext(ctx, "go", "version", "-m", gl).Output()
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "mod" && f[1] == "github.com/zricethezav/gitleaks/v8" {
			return f[2]
		}
	}
	return "version unknown"
}

// gitleaksCmd is a gitleaks row, or one that says how to get gitleaks.
func (b *bench) gitleaksCmd(name, dir string, args ...string) *command {
	c := &command{Name: name, Dir: dir, OK: []int{1}}
	if b.gitleaks == "" {
		c.Missing = "not installed: `go install github.com/zricethezav/gitleaks/v8@v8.30.1`"
		return c
	}
	c.Steps = [][]string{append([]string{b.gitleaks}, append(args, "--no-banner", "--redact", "--log-level", "warn")...)}
	return c
}

func (b *bench) hookCmd(dir string) *command {
	return &command{Name: "keyguard hook pre-commit", Dir: dir, OK: []int{1}, Steps: [][]string{{b.keyguard, "hook", "pre-commit"}}}
}

// hookFloor is what any pre-commit check must at least do: read the staged
// diff and walk the working tree for files that are not ignored.
func hookFloor(dir string) *command {
	return &command{Name: "floor: git diff --cached + git ls-files --others --exclude-standard", Dir: dir,
		Steps: [][]string{{"git", "diff", "--cached"}, {"git", "ls-files", "--others", "--exclude-standard"}}}
}

func (b *bench) typical(ctx context.Context, work string) error {
	p := workload.Params{Kind: workload.Typical, Seed: b.cfg.seed, Files: 3000}
	dir, m, err := workload.Ensure(ctx, work, p, b.log)
	if err != nil {
		return err
	}
	hook, floor := b.hookCmd(dir), hookFloor(dir)
	gl := b.gitleaksCmd("gitleaks git --pre-commit --staged", dir, "git", "--pre-commit", "--staged", ".")
	cmds := []*command{hook, floor, gl}
	if err := interleave(ctx, cmds, b.cfg.runs, true, b.progress); err != nil {
		return err
	}
	fmt.Fprintf(b.out, "### Typical commit: %d files staged in a repository of %s files (%s), %d runs\n\n",
		m.Staged, thousands(m.Files), mib(m.Bytes), b.cfg.runs)
	b.table(cmds, floor)
	b.verdict("keyguard hook ≤ 2× floor", hook, floor, 2, true)
	fmt.Fprintln(b.out)
	return nil
}

// decoding stages what keyguard decodes (notebooks with plots, base64
// YAML, lockfiles; see workload.Encoded), a quarter of the huge size: the
// hook with decoding must stay within the same target as on code.
func (b *bench) decoding(ctx context.Context, work string) error {
	p := workload.Params{Kind: workload.Encoded, Seed: b.cfg.seed, SizeMB: max(4, b.cfg.size/4)}
	dir, m, err := workload.Ensure(ctx, work, p, b.log)
	if err != nil {
		return err
	}
	hook := b.hookCmd(dir)
	floor := &command{Name: "floor: git diff --cached", Dir: dir, Steps: [][]string{{"git", "diff", "--cached"}}}
	cmds := []*command{hook, floor}
	if err := floor.run(ctx); err != nil { // into the page cache
		return err
	}
	floor.samples = nil
	if err := interleave(ctx, cmds, b.cfg.bigRuns, false, b.progress); err != nil {
		return err
	}
	fmt.Fprintf(b.out, "### Decoding: %s in %s notebooks, base64 YAML files and lockfiles staged, %d keys stored encoded, %d runs\n\n",
		mib(m.Bytes), thousands(m.Files), m.Keys, b.cfg.bigRuns)
	b.table(cmds, floor)
	b.verdict("keyguard hook ≤ 2× floor", hook, floor, 2, true)
	fmt.Fprintln(b.out)
	return nil
}

func (b *bench) huge(ctx context.Context, work string) error {
	sizes := []int{b.cfg.size, max(4, b.cfg.size/4)}
	type section struct {
		m               workload.Meta
		hook, floor, gl *command
		cmds            []*command
	}
	var secs []section
	var all []*command
	for _, size := range sizes {
		p := workload.Params{Kind: workload.Huge, Seed: b.cfg.seed, SizeMB: size}
		dir, m, err := workload.Ensure(ctx, work, p, b.log)
		if err != nil {
			return err
		}
		s := section{m: m, hook: b.hookCmd(dir)}
		s.floor = &command{Name: "floor: git diff --cached", Dir: dir, Steps: [][]string{{"git", "diff", "--cached"}}}
		s.cmds = []*command{s.hook, s.floor}
		if b.cfg.hugeGitleaks {
			s.gl = b.gitleaksCmd("gitleaks git --pre-commit --staged", dir, "git", "--pre-commit", "--staged", ".")
		} else {
			s.gl = &command{Name: "gitleaks git --pre-commit --staged", Missing: "skipped (-huge-gitleaks to run it)"}
		}
		s.cmds = append(s.cmds, s.gl)
		all = append(all, s.cmds...)
		secs = append(secs, s)
	}
	// One untimed pass of the floors brings the objects into the page cache.
	for _, s := range secs {
		if err := s.floor.run(ctx); err != nil {
			return err
		}
		s.floor.samples = nil
	}
	if err := interleave(ctx, all, b.cfg.bigRuns, false, b.progress); err != nil {
		return err
	}
	for _, s := range secs {
		fmt.Fprintf(b.out, "### Huge commit: %s in %s files staged in a new repository, %d runs\n\n",
			mib(s.m.Bytes), thousands(s.m.Files), b.cfg.bigRuns)
		b.table(s.cmds, s.floor)
		b.verdict("keyguard hook ≤ 2× floor", s.hook, s.floor, 2, true)
		fmt.Fprintln(b.out)
	}
	_, big := secs[0].hook.rss()
	_, small := secs[1].hook.rss()
	state := "**met**"
	if big >= 150 || big <= 0 {
		state = "**not met**"
	}
	fmt.Fprintf(b.out, "keyguard own peak RSS: %.1f MiB at %s, %.1f MiB at %s (%+.1f MiB for %.1f× the data); target < 150 MiB and independent of size: %s\n\n",
		big, mib(secs[0].m.Bytes), small, mib(secs[1].m.Bytes), big-small,
		float64(secs[0].m.Bytes)/float64(max(1, secs[1].m.Bytes)), state)
	return nil
}

func (b *bench) history(ctx context.Context, work string) error {
	p := workload.Params{Kind: workload.History, Seed: b.cfg.seed, Files: b.cfg.historyFiles, Commits: b.cfg.commits, PatchMB: b.cfg.patch}
	dir, m, err := workload.Ensure(ctx, work, p, b.log)
	if err != nil {
		return err
	}
	kg := &command{Name: "keyguard scan --history --format json", Dir: dir, OK: []int{1},
		Steps: [][]string{{b.keyguard, "scan", "--history", "--format", "json"}}}
	if !b.hasHistory {
		kg.Missing = "not available (this keyguard has no scan --history)"
	}
	floor := &command{Name: "floor: git log -p -U0", Dir: dir, Steps: [][]string{{"git", "log", "-p", "-U0"}}}
	gl := b.gitleaksCmd("gitleaks git", dir, "git", ".")
	cmds := []*command{kg, floor, gl}
	if err := floor.run(ctx); err != nil { // page cache
		return err
	}
	floor.samples = nil
	if err := interleave(ctx, cmds, b.cfg.bigRuns, false, b.progress); err != nil {
		return err
	}
	fmt.Fprintf(b.out, "### History: %s commits, %s files, %s of `git log -p -U0`, %d fake keys, %d runs\n\n",
		thousands(m.Commits), thousands(m.Files), mib(m.PatchBytes), m.Keys, b.cfg.bigRuns)
	b.table(cmds, floor)
	b.verdict("keyguard scan --history < 0.8× floor", kg, floor, 0.8, false)
	fmt.Fprintln(b.out)
	return nil
}

func (b *bench) coverage(ctx context.Context, work string) error {
	type size struct {
		m         workload.Meta
		hook, git *command
	}
	var sizes []size
	var all []*command
	for _, n := range b.cfg.coverageFiles {
		p := workload.Params{Kind: workload.Coverage, Seed: b.cfg.seed, Files: n}
		dir, m, err := workload.Ensure(ctx, work, p, b.log)
		if err != nil {
			return err
		}
		s := size{m: m, hook: b.hookCmd(dir),
			git: &command{Name: "git ls-files --others --exclude-standard", Dir: dir, Steps: [][]string{{"git", "ls-files", "--others", "--exclude-standard"}}}}
		sizes = append(sizes, s)
		all = append(all, s.hook, s.git)
	}
	if err := interleave(ctx, all, b.cfg.runs, true, b.progress); err != nil {
		return err
	}
	a, z := sizes[0], sizes[1]
	fmt.Fprintf(b.out, "### Coverage walk: 1 file staged, %s vs %s tracked files (plus ignored and untracked ones), %d runs\n\n",
		thousands(a.m.Files), thousands(z.m.Files), b.cfg.runs)
	fmt.Fprintf(b.out, "| command | %s files: median s | %s files: median s | growth | own RSS MiB at %s |\n|---|---:|---:|---:|---:|\n",
		thousands(a.m.Files), thousands(z.m.Files), thousands(z.m.Files))
	growth := map[*command]float64{}
	for i, c := range []*command{a.hook, a.git} {
		big := []*command{z.hook, z.git}[i]
		m1, _, _, ok1 := c.stats()
		m2, _, _, ok2 := big.stats()
		if !ok1 || !ok2 {
			b.failures++
			fmt.Fprintf(b.out, "| %s | failed | failed | | |\n", c.Name)
			continue
		}
		growth[c] = m2 / m1
		_, own := big.rss()
		fmt.Fprintf(b.out, "| %s | %.3f | %.3f | %.2f× | %s |\n", c.Name, m1, m2, m2/m1, rssCell(own))
	}
	fmt.Fprintln(b.out)
	if g1, ok := growth[a.hook]; ok {
		if g2, ok := growth[a.git]; ok {
			state := "**met**"
			if g1 > g2 {
				state = "**not met**"
			}
			hm, _, _, _ := z.hook.stats()
			gm, _, _, _ := z.git.stats()
			fmt.Fprintf(b.out, "Target: the hook grows no faster than git's own walk: %.2f× vs %.2f× — %s (at %s files the hook takes %.2f× the walk)\n\n",
				g1, g2, state, thousands(z.m.Files), hm/gm)
		}
	}
	b.failuresFrom(all)
	return nil
}

// failuresFrom reports the commands that failed under the table.
func (b *bench) failuresFrom(cmds []*command) {
	for _, c := range cmds {
		if c.failed != "" {
			b.failures++
			fmt.Fprintf(b.out, "- FAILED %s\n", c.failed)
		}
	}
}

// table prints one Markdown table; ratios are to floor's median.
func (b *bench) table(cmds []*command, floor *command) {
	fm, _, _, fok := floor.stats()
	fmt.Fprintf(b.out, "| command | median s | min–max s | × floor | peak RSS MiB | own RSS MiB |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range cmds {
		if c.Missing != "" {
			fmt.Fprintf(b.out, "| %s | %s | | | | |\n", c.Name, c.Missing)
			continue
		}
		med, lo, hi, ok := c.stats()
		if !ok {
			fmt.Fprintf(b.out, "| %s | failed | | | | |\n", c.Name)
			continue
		}
		ratio := "-"
		if fok && fm > 0 {
			ratio = fmt.Sprintf("%.2f", med/fm)
		}
		tree, own := c.rss()
		fmt.Fprintf(b.out, "| %s | %.3f | %.3f–%.3f | %s | %.1f | %s |\n", c.Name, med, lo, hi, ratio, tree, rssCell(own))
	}
	fmt.Fprintln(b.out)
	b.failuresFrom(cmds)
}

// verdict prints whether subject's median is within limit× the floor's.
func (b *bench) verdict(target string, subject, floor *command, limit float64, inclusive bool) {
	sm, _, _, ok1 := subject.stats()
	fm, _, _, ok2 := floor.stats()
	if !ok1 || !ok2 || fm == 0 {
		fmt.Fprintf(b.out, "Target: %s — not measured\n", target)
		return
	}
	r := sm / fm
	met := r < limit || (inclusive && r == limit)
	state := "**not met**"
	if met {
		state = "**met**"
	}
	fmt.Fprintf(b.out, "Target: %s — %s (%.2f×)\n", target, state, r)
}

func rssCell(mib float64) string {
	if mib <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", mib)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// thousands formats n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
