package install

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// hookDef is one git hook that keyguard manages. Adding a hook (pre-push) is
// one more row in managedHooks.
type hookDef struct {
	Name   string // git's name for the hook, e.g. "pre-commit"
	Stdin  bool   // git feeds the hook data on stdin, which the kept hook and keyguard both need
	Bypass string // the command that skips git's hooks once, for the fail-closed message
	Event  string // what the hook guards, for messages: "commit", "push"
	// Create says whether install creates the user's script for this hook in
	// a hooks directory inside the work tree (husky, .githooks) when there is
	// none. Only pre-commit does: a new pre-push script is a new hook for
	// every teammate, so keyguard adds its block only to one the user has.
	Create bool
	// Runs is the `keyguard hook` command the hook runs; "" means Name.
	Runs string
}

// command is the `keyguard hook` subcommand behind h.
func (h hookDef) command() string {
	if h.Runs != "" {
		return h.Runs
	}
	return h.Name
}

// events is Event in the plural, for messages: "commits", "pushes".
func (h hookDef) events() string {
	if strings.HasSuffix(h.Event, "sh") {
		return h.Event + "es"
	}
	return h.Event + "s"
}

// managedHooks lists the hooks keyguard installs; each runs
// `keyguard hook <name> "$@"`. A function, not a variable, so nothing can
// change the table at run time.
func managedHooks() []hookDef {
	return []hookDef{
		{Name: "pre-commit", Bypass: "git commit --no-verify", Event: "commit", Create: true},
		// git feeds pre-push the refs it updates on stdin; keyguard scans the
		// commits that are not on the remote yet, so a commit made with
		// --no-verify is still stopped before it leaves the machine.
		{Name: "pre-push", Stdin: true, Bypass: "git push --no-verify", Event: "push"},
		// git runs pre-merge-commit, not pre-commit, for a merge that needs no
		// conflict resolution; it judges the merge result exactly as pre-commit
		// judges a commit. A conflicted merge is committed through pre-commit.
		{Name: "pre-merge-commit", Bypass: "git merge --no-verify", Event: "merge", Runs: "pre-commit"},
	}
}

// joinAnd lists names for a message: "a", "a and b", "a, b and c".
func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// marker is the exact second line of every hook script keyguard writes. It
// is the only way keyguard recognises its own hook: a user's hook that merely
// mentions keyguard is never mistaken for it.
const marker = "# keyguard-managed-hook v1: do not edit; keyguard uninstall removes it"

// chainedSuffix names the kept user hook, beside the slot it came from.
const chainedSuffix = ".keyguard-chained"

// isOurHook reports whether content is a hook script that keyguard wrote:
// a "#!/bin/sh" line followed by exactly the marker line.
func isOurHook(content []byte) bool {
	first, rest, ok := bytes.Cut(content, []byte("\n"))
	if !ok || string(first) != "#!/bin/sh" {
		return false
	}
	second, _, ok := bytes.Cut(rest, []byte("\n"))
	return ok && string(second) == marker
}

// shQuote quotes s as one POSIX sh word in single quotes, inside which
// nothing is special; an embedded single quote closes the quotes, is escaped
// with a backslash, and reopens them.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shWord returns s as one sh word for a message the user may paste: bare
// when it holds nothing special to sh, quoted otherwise.
func shWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@%+=:,-") == "" {
		return s
	}
	return shQuote(s)
}

// hookScript returns keyguard's own hook script for h. binary is the
// absolute path of the installed keyguard; chained lists, in run order, the
// file names (in the hook's own directory) of the user hooks keyguard kept.
func hookScript(h hookDef, binary string, chained []string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	quotedNames := make([]string, len(chained))
	for i, c := range chained {
		quotedNames[i] = shQuote(c)
	}

	line("#!/bin/sh")
	line("%s", marker)
	line("# git runs this %s hook. It first runs the hook keyguard kept, if any, so tools", h.Name)
	line("# that re-stage files finish before keyguard checks what will be committed.")
	line("# KEYGUARD=0 skips keyguard's check once; the kept hook still runs.")
	line("")
	if h.Stdin {
		// Both the kept hook and keyguard read git's stdin: keep every byte,
		// trailing newlines included (the x guards them from $(...)).
		line("input=$(cat; echo x)")
		line("input=${input%%x}")
	}
	line("hooks_dir=$(dirname -- \"$0\")")
	line("for kept in %s; do", strings.Join(quotedNames, " "))
	line("\tkept=$hooks_dir/$kept")
	line("\tif [ -f \"$kept\" ] && [ -x \"$kept\" ]; then")
	if h.Stdin {
		line("\t\tprintf '%%s' \"$input\" | \"$kept\" \"$@\" || exit $?")
	} else {
		line("\t\t\"$kept\" \"$@\" || exit $?")
	}
	line("\telif [ -e \"$kept\" ] || [ -L \"$kept\" ]; then")
	line("\t\tprintf '%%s\\n' \"keyguard: $kept is not executable, so it was not run (chmod +x it to run it)\" >&2")
	line("\tfi")
	line("done")
	line("")
	line("if [ \"${KEYGUARD-}\" = 0 ]; then")
	line("\tprintf '%%s\\n' %s >&2", shQuote("keyguard: KEYGUARD=0 is set, "+h.Name+" check skipped"))
	line("\texit 0")
	line("fi")
	line("keyguard=%s", shQuote(binary))
	line("if [ ! -x \"$keyguard\" ]; then")
	line("\t# The repository may have moved since install: look in its git directory.")
	line("\tkeyguard=\"$(git rev-parse --git-common-dir 2>/dev/null)/keyguard/keyguard\"")
	line("fi")
	line("if [ ! -x \"$keyguard\" ]; then")
	line("\tfor found in %s \"$keyguard\"; do", shQuote(binary))
	line("\t\tif [ -e \"$found\" ]; then")
	line("\t\t\tprintf %s \"$found\" >&2", shQuote(notExecutableFormat(h)))
	line("\t\t\texit 1")
	line("\t\tfi")
	line("\tdone")
	line("\tprintf '%%s\\n' %s >&2", shQuote(missingBinaryLine(h, binary)))
	line("\texit 1")
	line("fi")
	if h.Stdin {
		line("printf '%%s' \"$input\" | \"$keyguard\" hook %s \"$@\"", h.command())
	} else {
		line("exec \"$keyguard\" hook %s \"$@\"", h.command())
	}
	return b.String()
}

// notExecutableFormat is the printf format (one %s: the binary's path) of
// what a hook prints when keyguard's binary is there but cannot be run; it
// then fails closed. install writes the binary back with its execute bit.
func notExecutableFormat(h hookDef) string {
	return "keyguard: the keyguard binary behind this hook is not executable (%s); run keyguard install again, or bypass once with " +
		strings.ReplaceAll(h.Bypass, "%", "%%") + `\n`
}

// missingBinaryLine is what a hook prints when it cannot find keyguard; it
// then fails closed.
func missingBinaryLine(h hookDef, binary string) string {
	return fmt.Sprintf("keyguard: the keyguard binary behind this hook is missing (%s); run keyguard install again, or bypass once with %s", binary, h.Bypass)
}

// blockBegin and blockEnd are the exact lines around the block keyguard adds
// to a user's hook script (a core.hooksPath inside the work tree).
func blockBegin(h hookDef) string {
	return "# >>> keyguard " + h.Name + ": added by keyguard install, removed by keyguard uninstall >>>"
}

func blockEnd(h hookDef) string { return "# <<< keyguard " + h.Name + " <<<" }

// blockLines returns the block for a user's script. It runs keyguard when
// this clone has it installed, and otherwise lets the commit through with a
// note, so a teammate without keyguard is not blocked.
func blockLines(h hookDef) []string {
	bin := `"$(git rev-parse --git-common-dir)/keyguard/keyguard"`
	return []string{
		blockBegin(h),
		`if [ "${KEYGUARD-}" = 0 ]; then`,
		"\tprintf '%s\\n' " + shQuote("keyguard: KEYGUARD=0 is set, "+h.Name+" check skipped") + " >&2",
		"elif [ -x " + bin + " ]; then",
		"\t" + bin + " hook " + h.command() + ` "$@" || exit $?`,
		"else",
		"\tprintf '%s\\n' " + shQuote("keyguard: keyguard is not installed in this clone, so the "+h.Name+" check did not run (run keyguard install)") + " >&2",
		"fi",
		blockEnd(h),
	}
}

// blockText joins the block's lines with eol, ending with one.
func blockText(h hookDef, eol string) string {
	return strings.Join(blockLines(h), eol) + eol
}

// isPOSIXShell reports whether an interpreter runs keyguard's block as written.
func isPOSIXShell(name string) bool {
	switch name {
	case "sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "yash", "busybox":
		return true
	}
	return false
}

// scriptShell reports which interpreter runs a hook script and whether it is
// a POSIX shell that keyguard's block can be appended to. A script without
// "#!" is run by sh: git falls back to it, and husky always uses it.
func scriptShell(content []byte) (string, bool) {
	if bytes.IndexByte(content, 0) >= 0 {
		return "a binary file", false
	}
	if !bytes.HasPrefix(content, []byte("#!")) {
		return "sh", true
	}
	first, _, _ := bytes.Cut(content[2:], []byte("\n"))
	fields := strings.Fields(strings.TrimSuffix(string(first), "\r"))
	if len(fields) == 0 {
		return "sh", true
	}
	name := path.Base(fields[0])
	if name == "env" {
		// #!/usr/bin/env [-S] [VAR=x] bash: the first plain word names it.
		name = ""
		for _, f := range fields[1:] {
			if !strings.HasPrefix(f, "-") && !strings.Contains(f, "=") {
				name = path.Base(f)
				break
			}
		}
	}
	if name == "" {
		return "env", false
	}
	return name, isPOSIXShell(name)
}

// lineEnding returns the line ending a file already uses, so an appended
// block matches it.
func lineEnding(content []byte) string {
	if i := bytes.IndexByte(content, '\n'); i > 0 && content[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// span is a byte range [start, end) of a file.
type span struct{ start, end int }

// findBlock locates keyguard's block for h in content: from the start of its
// begin line to the end of its end line. ok is false when no complete block
// is there.
func findBlock(content []byte, h hookDef) (span, bool) {
	begin, end := blockBegin(h), blockEnd(h)
	start := -1
	for off := 0; off < len(content); {
		next := bytes.IndexByte(content[off:], '\n')
		lineEnd := len(content)
		if next >= 0 {
			lineEnd = off + next + 1
		}
		text := strings.TrimRight(string(content[off:lineEnd]), "\r\n")
		switch {
		case start < 0 && text == begin:
			start = off
		case start >= 0 && text == end:
			return span{start, lineEnd}, true
		}
		off = lineEnd
	}
	return span{}, false
}

// topLevelExit reports a line that starts with exit or exec at column 0:
// such a line would end the script before an appended block runs.
func topLevelExit(content []byte) (string, bool) {
	for _, l := range strings.Split(string(content), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "exit" || l == "exec" || strings.HasPrefix(l, "exit ") || strings.HasPrefix(l, "exec ") {
			return l, true
		}
	}
	return "", false
}

// appendedLines returns what follows keyguard's own script in content:
// lines another tool appended (ggshield install --append). "" when content
// is keyguard's script as written, for any binary path, or when what
// follows is only comments and blank lines.
func appendedLines(h hookDef, content []byte, chained []string) string {
	bin, ok := scriptBinary(content)
	if !ok {
		return ""
	}
	own := hookScript(h, bin, chained)
	if len(content) <= len(own) || string(content[:len(own)]) != own {
		return ""
	}
	extra := string(content[len(own):])
	for _, l := range strings.Split(extra, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return extra
		}
	}
	return "" // only comments: nothing that would run
}
