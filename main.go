// Command keyguard stops API keys and secret files from being committed.
//
// Usage:
//
//	keyguard install [--force] [--no-pre-push]  guard this repository's commits and pushes (once per clone)
//	keyguard install --template    guard every repository git init or git clone creates from now on
//	keyguard uninstall [--template] remove the guard, restore the hooks it kept (or init.templateDir)
//	keyguard status                is the guard installed; which secret files exist and are they ignored
//	keyguard fix-ignore [--dry-run] add the missing .gitignore entries for secret files
//	keyguard fix [--dry-run] [PATH...]  move keys from the code into .env; the code reads the environment
//	keyguard scan [--format text|json|sarif] [--output FILE] [--no-ignore] [PATH...]  scan files and directories
//	keyguard scan --history [--since REV] [RANGE...] [-- REF-OPTIONS]  scan what every commit added (bare repositories too)
//	keyguard baseline [PATH...]    accept the current findings; only new ones block
//	keyguard hook pre-commit       what the installed hook runs on every commit
//	keyguard hook pre-push REMOTE URL  what the installed hook runs on every push (ref lines on stdin)
//	keyguard version               print the version
//	keyguard completion bash|zsh|fish  print the shell completion script
//
// Global flag: --quiet (-q, or KEYGUARD_QUIET=1) prints only findings and errors.
//
// Exit status: 0 clean, 1 blocked (findings; for status: a hook keyguard is
// not in force on), 2 usage or operational error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/fix"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/hook"
	"github.com/keyguard/keyguard/install"
	"github.com/keyguard/keyguard/internal/term"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/secretfiles"
)

// version is keyguard's release; the installed hook reports it in status.
const version = "0.1.0"

// Exit codes, documented in the README and in the usage text at the top of
// this file.
const (
	exitClean   = 0
	exitBlocked = 1
	exitError   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one keyguard command line and decides its exit code; it is the
// only place that does.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, args)
	switch {
	case err == nil:
		return exitClean
	case errors.Is(err, hook.ErrBlocked), errors.Is(err, secretfiles.ErrUnresolved), errors.Is(err, fix.ErrManual),
		errors.Is(err, hook.ErrUnguarded):
		return exitBlocked
	default:
		fmt.Fprintf(stderr, "keyguard: %v\n", err)
		return exitError
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := commands(stdout, stderr)
	// urfave/cli reports a bad flag through the command's own handler, so
	// every command gets ours: usage errors exit 2 with a pointer to --help.
	var setUsage func([]*cli.Command)
	setUsage = func(cmds []*cli.Command) {
		for _, c := range cmds {
			c.OnUsageError = usageError
			setUsage(c.Subcommands)
		}
	}
	setUsage(app.Commands)
	return app
}

func commands(stdout, stderr io.Writer) *cli.App {
	dryRun := &cli.BoolFlag{Name: "dry-run", Usage: "show what would change, change nothing"}
	out, errOut := streams(stdout, stderr)
	return &cli.App{
		Name:           "keyguard",
		Usage:          "stop API keys and secret files from being committed",
		Version:        version,
		Writer:         stdout,
		ErrWriter:      stderr,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {}, // run decides exit codes
		OnUsageError:   usageError,
		Action:         noCommand,
		// Completion candidates come from the binary itself (see completion.go).
		EnableBashCompletion: true,
		Flags:                []cli.Flag{quietFlag()},
		Before: func(c *cli.Context) error {
			setQuiet(c, out, errOut)
			return nil
		},
		Commands: []*cli.Command{
			{
				Name:      "install",
				Usage:     "guard this repository: run keyguard on every git commit and push",
				ArgsUsage: " ",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "force", Usage: "rewrite keyguard's hook and binary even when they look current"},
					&cli.BoolFlag{Name: "no-pre-push", Usage: "install only the pre-commit hook, not the pre-push hook"},
					&cli.BoolFlag{Name: "template", Usage: "guard every repository that git init or git clone creates from now on (init.templateDir)"},
				},
				Action: func(c *cli.Context) error {
					if c.Bool("template") {
						o, err := templateOptions(c)
						if err != nil {
							return err
						}
						o.Force = c.Bool("force")
						return install.InstallTemplate(c.Context, o)
					}
					o, err := installOptions(c)
					if err != nil {
						return err
					}
					o.Force = c.Bool("force")
					if c.Bool("no-pre-push") {
						o.Skip = []string{"pre-push"}
					}
					if err := install.Install(c.Context, o); err != nil {
						return err
					}
					hook.SuggestStandard(c.Context, o.Repo, stdout)
					return nil
				},
			},
			{
				Name:      "uninstall",
				Usage:     "remove keyguard's hooks and restore the hooks it kept",
				ArgsUsage: " ",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "template", Usage: "stop guarding new repositories: restore init.templateDir as it was"},
				},
				Action: func(c *cli.Context) error {
					if c.Bool("template") {
						o, err := templateOptions(c)
						if err != nil {
							return err
						}
						return install.UninstallTemplate(c.Context, o)
					}
					o, err := installOptions(c)
					if err != nil {
						return err
					}
					return install.Uninstall(c.Context, o)
				},
			},
			{
				Name:      "status",
				Usage:     "show whether the guard runs and whether secret files are ignored",
				ArgsUsage: " ",
				Action: func(c *cli.Context) error {
					o, err := installOptions(c)
					if err != nil {
						return err
					}
					return hook.Status(c.Context, hook.StatusOptions{Install: o, Out: stdout})
				},
			},
			{
				Name:      "fix-ignore",
				Usage:     "add the missing .gitignore entries for secret files",
				ArgsUsage: " ",
				Flags:     []cli.Flag{dryRun},
				Action: func(c *cli.Context) error {
					repo, err := openRepo(c)
					if err != nil {
						return err
					}
					warnUnguarded(c, stderr)
					return hook.FixIgnore(c.Context, repo, c.Bool("dry-run"), stdout)
				},
			},
			{
				Name:      "fix",
				Usage:     "move keys from source files into .env and make the code read them from the environment",
				ArgsUsage: "[PATH...]",
				Flags:     []cli.Flag{dryRun},
				Action: func(c *cli.Context) error {
					repo, err := git.Open(c.Context, ".")
					if err != nil {
						return err
					}
					warnUnguarded(c, stderr)
					return hook.Fix(c.Context, hook.FixOptions{Repo: repo, Paths: c.Args().Slice(), DryRun: c.Bool("dry-run"), Out: stdout})
				},
			},
			{
				Name:      "scan",
				Usage:     "scan files and directories, what is staged (--staged), or every commit (--history) for secrets",
				ArgsUsage: "[PATH...] | --staged | --history [REVISION-RANGE...]",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text, json or sarif (SARIF 2.1.0, for GitHub code scanning)"},
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (atomically) instead of stdout; the summary goes to stderr"},
					quietFlag(),
					&cli.BoolFlag{Name: "staged", Usage: "scan the added lines of what is staged (the content check of the pre-commit hook)"},
					&cli.BoolFlag{Name: "history", Usage: "scan the lines every commit added (all refs, or the given revision ranges; ref options after --, e.g. -- --exclude=refs/pull/* --all); works in a bare repository or mirror"},
					&cli.StringFlag{Name: "since", Usage: "with --history: only commits after `REV` (same as the range REV..HEAD)"},
					&cli.BoolFlag{Name: "no-ignore", Usage: "read files that git ignores too (a directory you name that git ignores is read whole without it)"},
				},
				Action: func(c *cli.Context) error {
					format := c.String("format")
					if format != "text" && format != "json" && format != "sarif" {
						return usageErrorf("--format must be text or json (or sarif, for code scanning), not %q", format)
					}
					setQuiet(c, out, errOut)
					o := hook.ScanOptions{Format: format, Stdout: out, Stderr: errOut, OutputFile: c.String("output"),
						History: c.Bool("history"), Version: version}
					if c.IsSet("output") && o.OutputFile == "" {
						return usageErrorf("--output needs a file name")
					}
					if term.IsTerminal(stderr) {
						o.Progress = errOut
					}
					o.Staged = c.Bool("staged")
					switch {
					case !o.History && c.IsSet("since"):
						return usageErrorf("--since needs --history")
					case o.Staged && (o.History || c.Args().Present()):
						return usageErrorf("--staged takes no paths and cannot be combined with --history")
					case c.Bool("no-ignore") && (o.Staged || o.History):
						return usageErrorf("--no-ignore is for files and directories, not --staged or --history")
					case o.Staged:
					case o.History:
						o.Revs = c.Args().Slice()
						if since := c.String("since"); since != "" {
							o.Revs = append(o.Revs, since+"..HEAD")
						}
					default:
						o.Paths = c.Args().Slice()
						o.NoIgnore = c.Bool("no-ignore")
					}
					warnUnguarded(c, stderr)
					return hook.Scan(c.Context, o)
				},
			},
			{
				Name:      "baseline",
				Usage:     "record the current findings in .keyguard-baseline.json so only new ones block",
				ArgsUsage: "[PATH...]",
				Action: func(c *cli.Context) error {
					warnUnguarded(c, stderr)
					return hook.Baseline(c.Context, c.Args().Slice(), stdout)
				},
			},
			{
				Name:  "hook",
				Usage: "run the check behind an installed git hook",
				Subcommands: []*cli.Command{
					{
						Name:      "pre-commit",
						Usage:     "check what is staged; exit 1 to refuse the commit",
						ArgsUsage: " ",
						Flags:     []cli.Flag{quietFlag()},
						Action: func(c *cli.Context) error {
							detect.WarmBuiltin() // while git starts
							setQuiet(c, out, errOut)
							repo, err := openRepo(c)
							if err != nil {
								return err
							}
							return hook.PreCommit(c.Context, hook.Options{Repo: repo, Stderr: errOut, MidScan: midScanSignal()})
						},
					},
					{
						Name:      "pre-push",
						Usage:     "check the commits a push sends (git's ref lines on stdin); exit 1 to refuse the push",
						ArgsUsage: "REMOTE-NAME REMOTE-URL",
						Flags:     []cli.Flag{quietFlag()},
						Action: func(c *cli.Context) error {
							if c.NArg() != 2 {
								return usageErrorf("hook pre-push takes the remote's name and URL, as git passes them (got %d arguments)", c.NArg())
							}
							// A push from a bare repository (git push --mirror from
							// a mirror clone that a template guards) is checked too.
							repo, err := git.OpenHistory(c.Context, ".")
							if err != nil {
								return err
							}
							setQuiet(c, out, errOut)
							return hook.PrePush(c.Context, hook.PrePushOptions{Repo: repo, Remote: c.Args().First(), Stdin: c.App.Reader, Stderr: errOut})
						},
					},
				},
			},
			completionCommand(stdout),
			{
				Name:      "version",
				Usage:     "print keyguard's version",
				ArgsUsage: " ",
				Action: func(c *cli.Context) error {
					fmt.Fprintf(stdout, "keyguard %s\n", version)
					return nil
				},
			},
		},
	}
}

// midScanEnv names a file that the pre-commit hook creates once it is part
// way through the staged diff. It exists for fault tests, which kill the
// hook at that moment (testdata/script/fault_hook_killed_midscan.txtar).
// Only test binaries read it, as with KEYGUARD_TEST_WRITE_FAULT: a released
// keyguard never writes a file an environment variable names.
const midScanEnv = "KEYGUARD_TEST_MIDSCAN_FILE"

// midScanSignal returns what the hook calls mid-scan when midScanEnv is set.
func midScanSignal() func() {
	name := os.Getenv(midScanEnv)
	if name == "" || !testing.Testing() {
		return nil
	}
	return func() { _ = os.WriteFile(name, nil, 0o644) }
}

// openRepo locates the repository around the working directory and refuses
// stray arguments, which would otherwise be silently ignored.
func openRepo(c *cli.Context) (*git.Repo, error) {
	if c.Args().Present() {
		return nil, usageErrorf("%s takes no arguments (got %q)", c.Command.FullName(), c.Args().First())
	}
	return git.Open(c.Context, ".")
}

// templateOptions gathers what install --template and uninstall --template
// need: the binary to copy, and no repository.
func templateOptions(c *cli.Context) (install.TemplateOptions, error) {
	if c.Args().Present() {
		return install.TemplateOptions{}, usageErrorf("%s takes no arguments (got %q)", c.Command.FullName(), c.Args().First())
	}
	if c.Bool("no-pre-push") {
		return install.TemplateOptions{}, usageErrorf("--no-pre-push does not combine with --template")
	}
	self, err := selfPath()
	if err != nil {
		return install.TemplateOptions{}, err
	}
	return install.TemplateOptions{Self: self, Version: version, Out: c.App.Writer}, nil
}

// installOptions gathers what install, uninstall and status need: the
// repository and the binary that the hook will run.
func installOptions(c *cli.Context) (install.Options, error) {
	repo, err := openRepo(c)
	if err != nil {
		return install.Options{}, err
	}
	self, err := selfPath()
	if err != nil {
		return install.Options{}, err
	}
	return install.Options{Repo: repo, Self: self, Version: version, Out: c.App.Writer}, nil
}

// warnUnguarded tells the user, on stderr, when hooks keyguard installed in
// this repository are no longer in force (a hook manager replaced them):
// the next keyguard command says so, not only status. Outside a repository
// it says nothing; the command itself reports that.
func warnUnguarded(c *cli.Context, stderr io.Writer) {
	repo, err := git.Open(c.Context, ".")
	if err != nil {
		return
	}
	self, _ := selfPath()
	hook.WarnUnguarded(c.Context, install.Options{Repo: repo, Self: self, Version: version}, stderr)
}

// selfPath is the running keyguard binary, symlinks resolved: what install
// copies.
func selfPath() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locate the keyguard binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	return self, nil
}

// streams wraps stdout and stderr with how keyguard may write to each:
// colour only on a terminal and never with NO_COLOR. This is the one place
// that decides; --quiet is added once the flags are parsed (setQuiet).
func streams(stdout, stderr io.Writer) (out, errOut *report.Output) {
	return &report.Output{W: stdout, Color: term.Color(stdout, os.Getenv)},
		&report.Output{W: stderr, Color: term.Color(stderr, os.Getenv)}
}

// quietFlag is --quiet, accepted before the command and by the commands
// that report (scan, hook pre-commit).
func quietFlag() cli.Flag {
	return &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"KEYGUARD_QUIET"},
		Usage: "print only findings and errors: no clean line, summary, hints or progress"}
}

// setQuiet makes both streams quiet when c's --quiet is set.
func setQuiet(c *cli.Context, outs ...*report.Output) {
	if c.Bool("quiet") {
		for _, o := range outs {
			o.Quiet = true
		}
	}
}

func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("usage: "+format, args...)
}

func usageError(c *cli.Context, err error, _ bool) error {
	name := "keyguard"
	if c.Command != nil && c.Command.FullName() != "" {
		name += " " + c.Command.FullName()
	}
	return fmt.Errorf("usage: %w (see %s --help)", err, name)
}

// noCommand runs when no known command was given: a usage error.
func noCommand(c *cli.Context) error {
	if c.Args().Present() {
		return usageErrorf("unknown command %q (see keyguard --help)", c.Args().First())
	}
	_ = cli.ShowAppHelp(c)
	return usageErrorf("no command given")
}
