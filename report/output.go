package report

import (
	"bufio"
	"io"
)

// Output is a stream together with how keyguard may write to it. main
// decides Color and Quiet once, from the command line, the environment and
// internal/term; the renderers here obey and never probe a terminal. Every
// renderer takes a plain io.Writer too, which means plain text, not quiet.
type Output struct {
	W     io.Writer
	Color bool // ANSI colour: only when W is a terminal and NO_COLOR is unset
	Quiet bool // findings and errors only: no clean line, summary, hints or progress
}

// Write writes to the underlying stream, so an *Output is an io.Writer.
func (o *Output) Write(p []byte) (int, error) { return o.W.Write(p) }

// optionsOf returns how to write to w: its settings when it is an *Output,
// plain text otherwise.
func optionsOf(w io.Writer) Output {
	if o, ok := w.(*Output); ok && o != nil {
		return *o
	}
	return Output{W: w}
}

// buffered returns a writer that gathers what is written to w, with w's
// settings, and the function that writes it out. A report of many
// findings is thousands of small writes; unbuffered, each is a system call
// (3-5 ms for 70 findings on stderr).
func buffered(w io.Writer) (io.Writer, func()) {
	o := optionsOf(w)
	b := bufio.NewWriterSize(o.W, 32<<10)
	o.W = b
	return &o, func() { _ = b.Flush() } // a failed write to stderr has nowhere to be reported
}

// Quiet reports whether w asks for findings and errors only.
func Quiet(w io.Writer) bool { return optionsOf(w).Quiet }

// paint wraps text in ANSI styles when colour is on and returns it
// unchanged otherwise, so plain output is byte for byte the same.
type paint bool

const (
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiReset  = "\x1b[0m"
)

func (p paint) wrap(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

func (p paint) bold(s string) string   { return p.wrap(ansiBold, s) }
func (p paint) alarm(s string) string  { return p.wrap(ansiBold+ansiRed, s) }
func (p paint) ok(s string) string     { return p.wrap(ansiGreen, s) }
func (p paint) warn(s string) string   { return p.wrap(ansiYellow, s) }
func (p paint) label(s string) string  { return p.wrap(ansiCyan, s) }
func (p paint) secret(s string) string { return p.wrap(ansiYellow, s) }

func painter(w io.Writer) paint { return paint(optionsOf(w).Color) }
