// Package term decides, in one place, how keyguard may write to a stream:
// colour and progress only on a terminal, and never colour when NO_COLOR is
// set. Renderers take the decision as an option; they never probe.
package term

import (
	"io"
	"os"

	xterm "golang.org/x/term"
)

// IsTerminal reports whether w is an *os.File open on a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && f != nil && xterm.IsTerminal(int(f.Fd()))
}

// Color reports whether ANSI colour may be written to w: w is a terminal,
// NO_COLOR is unset or empty (https://no-color.org) and TERM is not "dumb".
// getenv is os.Getenv outside tests.
func Color(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return IsTerminal(w)
}
