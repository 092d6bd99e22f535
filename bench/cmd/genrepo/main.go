// Command genrepo generates one of keyguard's benchmark repositories, the
// same ones bench/cmd/kgbench measures, for profiling or a look around.
//
// Usage:
//
//	genrepo -kind typical|huge|history|coverage|encoded [-work DIR] [-seed N]
//	        [-files N] [-size MiB] [-commits N] [-patch MiB]
//
// The repository is created in DIR/<workload name>/repo (DIR defaults to
// the current directory) and reused when it already exists with the same
// parameters; its description is printed as JSON. Generation is
// deterministic: the same flags give the same files, commits and hashes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/keyguard/keyguard/bench/internal/workload"
)

func main() {
	kind := flag.String("kind", workload.Typical, "workload: typical, huge, history, coverage or encoded")
	work := flag.String("work", ".", "directory to generate under")
	seed := flag.Uint64("seed", 1, "PRNG seed")
	files := flag.Int("files", 0, "files in the tree (default: 3000 typical and history, 10000 coverage, from -size for huge)")
	size := flag.Int("size", 400, "huge and encoded: size of the staged tree, MiB")
	commits := flag.Int("commits", 3000, "history: commits")
	patch := flag.Int("patch", 100, "history: approximate size of git log -p -U0, MiB")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "genrepo: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	p := workload.Params{Kind: *kind, Seed: *seed, Files: *files}
	switch *kind {
	case workload.Typical, workload.History:
		if p.Files == 0 {
			p.Files = 3000
		}
		if *kind == workload.History {
			p.Commits, p.PatchMB = *commits, *patch
		}
	case workload.Coverage:
		if p.Files == 0 {
			p.Files = 10000
		}
	case workload.Huge, workload.Encoded:
		p.SizeMB = *size
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	repo, m, err := workload.Ensure(ctx, *work, p, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genrepo: %v\n", err)
		os.Exit(1)
	}
	out, _ := json.MarshalIndent(struct {
		Repo string
		workload.Meta
	}{repo, m}, "", "  ")
	fmt.Println(string(out))
}
