// Command blindscore measures keyguard, and gitleaks when it is installed,
// on the blind-authored corpus (detect/testdata/blind): it expands the
// templates into a temporary directory once per seed, runs
// `keyguard scan --format json .` and `gitleaks dir` there, and scores both
// the same way: a labelled key is found when a finding covers its line and
// its captured value contains the key. It prints Markdown (recall overall,
// on the common tier, per family and per provider; must-not-flag lines
// flagged) and, with -out, writes it to a file, so the figures in docs come
// from a command.
//
// Usage, from the top of the repository:
//
//	go run ./bench/cmd/blindscore [-seeds 1,2,3] [-keyguard BIN [-keyguard-version V]]
//	                              [-gitleaks BIN|none] [-out detect/testdata/blind/RESULTS.md] [-keep DIR]
//
// Without -keyguard it builds keyguard from the working tree. gitleaks comes
// from -gitleaks, else $GITLEAKS, else PATH; "none" leaves it out. Keys
// exist only in the temporary directory (removed on exit unless -keep) and
// in memory; the output names providers, files, lines and rules, never a
// key.
//
// Exit status: 0 when the scores were written, 1 on any error.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/keyguard/keyguard/bench/internal/blind"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "blindscore: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("blindscore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", filepath.FromSlash("detect/testdata/blind"), "the blind corpus (holds labels.yaml)")
	seedList := fs.String("seeds", "1,2,3", "comma-separated seeds; the templates are expanded once per seed")
	kgBin := fs.String("keyguard", "", "keyguard binary (default: build it from the working tree)")
	glBin := fs.String("gitleaks", "", `gitleaks binary (default: $GITLEAKS, else PATH); "none" to leave it out`)
	kgVersionFlag := fs.String("keyguard-version", "", "keyguard's version for the report (default: what `keyguard version` prints)")
	outFile := fs.String("out", "", "also write the Markdown to this file")
	keep := fs.String("keep", "", "expand into this directory and keep it (it must not exist)")
	missesFile := fs.String("misses", "", "write the labels keyguard missed (template file, line, provider, kind, seeds missed) to this file; for a corpus that is read, never a held-out one")
	check := fs.Bool("check", false, "only check that the corpus loads and expands (for its authors: no scanner runs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var seeds []uint64
	for _, f := range strings.Split(*seedList, ",") {
		s, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return fmt.Errorf("-seeds: %q is not a seed", f)
		}
		seeds = append(seeds, s)
	}
	corpus, err := blind.Load(*dir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "keyguard-blind-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "corpus")
	if *keep != "" {
		if _, err := os.Stat(*keep); err == nil {
			return fmt.Errorf("-keep %s: already exists", *keep)
		}
		if work, err = filepath.Abs(*keep); err != nil {
			return err
		}
	}
	x, err := corpus.ExpandSeeds(seeds, work)
	if err != nil {
		return fmt.Errorf("expand the corpus: %w", err)
	}
	if *check {
		fmt.Fprintf(stdout, "blindscore: %s is well formed: %d labels in %d positive files, %d must-not-flag files\n",
			*dir, len(corpus.Labels), len(corpus.Positives), len(corpus.Negatives))
		return nil
	}
	read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(work, filepath.FromSlash(rel))) }

	if *kgBin == "" {
		*kgBin = filepath.Join(tmp, "keyguard")
		fmt.Fprintln(stderr, "blindscore: building keyguard")
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", *kgBin, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v: %s", err, bytes.TrimSpace(out))
		}
	}
	var tools []*blind.Tool
	kgVersion, _ := exec.CommandContext(ctx, *kgBin, "version").Output()
	kgReport, err := runTool(ctx, stderr, work, *kgBin, []int{0, 1}, "scan", "--format", "json", ".")
	if err != nil {
		return err
	}
	kgFindings, err := blind.ParseKeyguard(kgReport, x, read)
	if err != nil {
		return err
	}
	version := strings.TrimPrefix(strings.TrimSpace(string(kgVersion)), "keyguard ")
	if *kgVersionFlag != "" {
		version = *kgVersionFlag
	}
	tools = append(tools, &blind.Tool{Name: "keyguard", Version: version, Findings: kgFindings})

	gl := *glBin
	if gl == "" {
		gl = os.Getenv("GITLEAKS")
	}
	if gl == "" {
		gl, _ = exec.LookPath("gitleaks")
	}
	if gl != "" && gl != "none" {
		glTool, err := runGitleaks(ctx, stderr, gl, work, tmp, x)
		if err != nil {
			return err
		}
		tools = append(tools, glTool)
	} else if gl == "" {
		fmt.Fprintln(stderr, "blindscore: gitleaks not found; install it with `go install github.com/zricethezav/gitleaks/v8@v8.30.1` or pass -gitleaks")
	}

	results, err := blind.Score(x, tools, read)
	if err != nil {
		return err
	}
	if *missesFile != "" {
		if err := writeMisses(*missesFile, x, results[0]); err != nil {
			return err
		}
	}
	var md bytes.Buffer
	fmt.Fprintf(&md, "<!-- written by `go run ./bench/cmd/blindscore%s`; do not edit -->\n\n", flagsNote(*seedList, *outFile))
	blind.Markdown(&md, x, results)
	if _, err := stdout.Write(md.Bytes()); err != nil {
		return err
	}
	if *outFile != "" {
		if err := os.WriteFile(*outFile, md.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func flagsNote(seeds, out string) string {
	s := ""
	if seeds != "1,2,3" {
		s += " -seeds " + seeds
	}
	if out != "" {
		s += " -out " + filepath.ToSlash(out)
	}
	return s
}

// runTool runs bin in dir and returns its stdout; an exit code outside ok
// is an error carrying its stderr.
func runTool(ctx context.Context, stderr io.Writer, dir, bin string, ok []int, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	for _, c := range ok {
		if c == code {
			fmt.Fprintf(stderr, "blindscore: %s %s: %s\n", filepath.Base(bin), args[0], time.Since(start).Round(time.Millisecond))
			return out.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("%s %s: exit %d: %s", bin, strings.Join(args, " "), code, bytes.TrimSpace(errb.Bytes()))
}

func runGitleaks(ctx context.Context, stderr io.Writer, bin, work, tmp string, x *blind.Expanded) (*blind.Tool, error) {
	version := ""
	if v, err := exec.CommandContext(ctx, bin, "version").Output(); err == nil {
		version = strings.TrimSpace(string(v))
	}
	if !strings.HasPrefix(strings.TrimPrefix(version, "v"), "8") {
		// `go install` leaves the version unset; the module version is in the binary.
		if v, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output(); err == nil {
			for _, l := range strings.Split(string(v), "\n") {
				if f := strings.Fields(l); len(f) >= 3 && f[0] == "mod" && f[1] == "github.com/zricethezav/gitleaks/v8" {
					version = f[2]
				}
			}
		}
	}
	report := filepath.Join(tmp, "gitleaks.json")
	// Its default rules only: a config from the environment would skew the
	// comparison. The report is written outside the scanned directory.
	args := []string{"dir", "--no-banner", "--log-level", "error", "--exit-code", "0",
		"--report-format", "json", "--report-path", report, "."}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = work
	cmd.Env = withoutEnv(os.Environ(), "GITLEAKS_CONFIG", "GITLEAKS_CONFIG_TOML")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("gitleaks dir: %v: %s", err, bytes.TrimSpace(out))
	}
	fmt.Fprintf(stderr, "blindscore: gitleaks dir: %s\n", time.Since(start).Round(time.Millisecond))
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, err
	}
	fs, err := blind.ParseGitleaks(data, x)
	if err != nil {
		return nil, err
	}
	return &blind.Tool{Name: "gitleaks", Version: version, Findings: fs}, nil
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
outer:
	for _, e := range env {
		for _, n := range names {
			if strings.HasPrefix(e, n+"=") {
				continue outer
			}
		}
		out = append(out, e)
	}
	return out
}

// writeMisses writes one line per label that r missed on at least one seed:
// its template file and line, provider, kind, how many seeds missed it and
// whether a finding covered the line without containing the key. Lines
// name templates, never expanded values.
func writeMisses(path string, x *blind.Expanded, r *blind.Result) error {
	type miss struct {
		label  blind.Label
		seeds  int
		onLine bool
	}
	var order []string
	byLabel := map[string]*miss{}
	for i, k := range x.Keys {
		if r.Found[i] {
			continue
		}
		id := fmt.Sprintf("%s:%d %s", k.File, k.Line, k.Secret)
		m := byLabel[id]
		if m == nil {
			m = &miss{label: k.Label}
			byLabel[id] = m
			order = append(order, id)
		}
		m.seeds++
		m.onLine = m.onLine || r.OnLine[i]
	}
	var b strings.Builder
	for _, id := range order {
		m := byLabel[id]
		fmt.Fprintf(&b, "%s:%d\t%s\t%s\t%s\tmissed on %d seed(s)", m.label.File, m.label.Line, m.label.Provider, m.label.Kind, m.label.Tier, m.seeds)
		if m.onLine {
			b.WriteString("\tpartly covered")
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write misses: %w", err)
	}
	return nil
}
