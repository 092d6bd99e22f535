package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Change is one staged file, as git's raw diff describes it.
type Change struct {
	Status  byte   // 'A' added, 'M' modified, 'R' renamed, 'C' copied, 'T' type changed
	Path    string // path in the index, '/'-separated, exactly as stored (no quoting)
	OldPath string // source path of a rename or copy, else ""
	SrcMode string // octal mode before ("000000" when added)
	DstMode string // octal mode after
	Binary  bool   // git judged the content binary; its lines are not scanned
}

// Symlink reports whether the staged entry is a symbolic link: its "content"
// is the link target, which keyguard does not follow or scan.
func (c *Change) Symlink() bool { return c.DstMode == "120000" }

// Submodule reports whether the staged entry is a gitlink (a submodule's
// commit), which carries no file content.
func (c *Change) Submodule() bool { return c.DstMode == "160000" }

// Fragment is a run of consecutive added lines of one change.
type Fragment struct {
	Change    *Change
	StartLine int    // 1-based line number of the first line in the staged file
	Text      []byte // the added lines, each ending in '\n' except possibly the last
}

// maxFragment bounds the memory held for one run of added lines: longer runs
// are handed over in pieces, split at line boundaries.
const maxFragment = 4 << 20

// DiffHandler receives a parsed staged diff: Change once per file, before
// that file's fragments. Returning an error stops the parse.
type DiffHandler struct {
	Change   func(*Change) error
	Fragment func(Fragment) error
	// Buffer, when set, supplies an empty slice to collect a fragment in, so
	// the receiver can recycle fragments' memory; nil allocates afresh.
	Buffer func() []byte
}

// StagedDiff streams what the next commit would add compared with HEAD (or
// with the empty tree before the first commit). It reads the index git uses
// for this commit (GIT_INDEX_FILE is inherited), skips deletions, detects
// renames so a pure rename adds nothing, and pins every option that user
// configuration could otherwise change.
func (r *Repo) StagedDiff(ctx context.Context, h DiffHandler) error {
	base := r.Head
	if base == "" {
		base = r.EmptyTree()
	}
	args := []string{"diff-index", "--cached", "--raw", "-p", "-z", "-M", "--diff-filter=d",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-U0",
		"--src-prefix=a/", "--dst-prefix=b/", base, "--"}
	cmd := r.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git diff-index: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git diff-index: %w", err)
	}
	parseErr := ParseDiff(stdout, h)
	if parseErr != nil {
		// Stop git before waiting: it may be blocked writing a large diff.
		_ = cmd.Process.Kill()
		_, _ = io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()
	if parseErr != nil {
		return parseErr
	}
	if waitErr != nil {
		return commandError(args, waitErr, stderr.Bytes())
	}
	return nil
}

// ParseDiff parses the output of `git diff-index --raw -p -z -U0`: first the
// NUL-separated raw records (exact path names), then one patch section per
// record, in the same order. Paths are taken from the raw records, so quoted
// or ambiguous names in patch headers never matter.
func ParseDiff(rd io.Reader, h DiffHandler) error {
	p := patchParser{br: bufio.NewReaderSize(rd, 64<<10), h: h}
	if err := p.diff(); err != nil {
		return err
	}
	// Anything left over means our picture of the diff is wrong: fail closed.
	if line, err := p.next(); err == nil || len(line) > 0 {
		return fmt.Errorf("parse diff: unexpected output after the last file")
	} else if !errors.Is(err, io.EOF) {
		return fmt.Errorf("read diff: %w", err)
	}
	return nil
}

// ParseCommits parses `git diff-tree --stdin -z --raw -p` output: for each
// commit its object name and a NUL, then a diff as ParseDiff reads it.
// Commits whose diff is empty (only deletions) do not appear.
func ParseCommits(rd io.Reader, commit func(hash string) error, h DiffHandler) error {
	p := patchParser{br: bufio.NewReaderSize(rd, 64<<10), h: h, history: true}
	for {
		if _, err := p.br.Peek(1); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		hash, ok := p.commitStart()
		if !ok {
			return fmt.Errorf("parse history: expected a commit name")
		}
		if _, err := p.br.Discard(len(hash) + 1); err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		if err := commit(hash); err != nil {
			return err
		}
		if err := p.diff(); err != nil {
			return fmt.Errorf("commit %s: %w", hash, err)
		}
	}
}

// diff parses one diff: raw records, then their patch sections.
func (p *patchParser) diff() error {
	changes, err := readRaw(p.br)
	if err != nil {
		return err
	}
	for i, c := range changes {
		if err := p.section(c); err != nil {
			return fmt.Errorf("parse diff of %q (file %d of %d): %w", c.Path, i+1, len(changes), err)
		}
	}
	return nil
}

// commitStart reports whether the reader is at "<40 or 64 hex digits>\x00",
// the start of the next commit in history output, and returns the name.
func (p *patchParser) commitStart() (string, bool) {
	if p.pending != nil {
		return "", false
	}
	b, _ := p.br.Peek(65)
	i := bytes.IndexByte(b, 0)
	if i != 40 && i != 64 {
		return "", false
	}
	for _, c := range b[:i] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	return string(b[:i]), true
}

// readRaw reads the -z raw records up to the NUL that separates them from the
// patches.
func readRaw(br *bufio.Reader) ([]*Change, error) {
	var changes []*Change
	for {
		b, err := br.Peek(1)
		if errors.Is(err, io.EOF) {
			return changes, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read diff: %w", err)
		}
		if b[0] == 0 {
			_, _ = br.ReadByte()
			return changes, nil
		}
		if b[0] != ':' {
			return nil, fmt.Errorf("parse diff: raw record does not start with ':'")
		}
		meta, err := readZ(br)
		if err != nil {
			return nil, err
		}
		fields := bytes.Fields(meta[1:])
		if len(fields) != 5 || len(fields[4]) == 0 {
			return nil, fmt.Errorf("parse diff: malformed raw record %q", meta)
		}
		c := &Change{SrcMode: string(fields[0]), DstMode: string(fields[1]), Status: fields[4][0]}
		path, err := readZ(br)
		if err != nil {
			return nil, err
		}
		c.Path = string(path)
		if c.Status == 'R' || c.Status == 'C' {
			dst, err := readZ(br)
			if err != nil {
				return nil, err
			}
			c.OldPath, c.Path = c.Path, string(dst)
		}
		changes = append(changes, c)
	}
}

func readZ(br *bufio.Reader) ([]byte, error) {
	field, err := br.ReadBytes(0)
	if err != nil {
		return nil, fmt.Errorf("parse diff: truncated raw record: %w", err)
	}
	return field[:len(field)-1], nil
}

type patchParser struct {
	br      *bufio.Reader
	h       DiffHandler
	pending []byte // a line read ahead and not yet consumed (a copy)
	scratch []byte // holds a line longer than the read buffer
	history bool   // the stream holds several commits (ParseCommits)
}

// next returns the next line including its '\n' (absent on the last line).
// The slice is only valid until the next read: lines are not copied, since
// a huge commit is mostly lines that are looked at once.
func (p *patchParser) next() ([]byte, error) {
	if p.pending != nil {
		line := p.pending
		p.pending = nil
		return line, nil
	}
	line, err := p.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		p.scratch = append(p.scratch[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = p.br.ReadSlice('\n')
			p.scratch = append(p.scratch, line...)
		}
		line = p.scratch
	}
	if errors.Is(err, io.EOF) && len(line) > 0 {
		return line, nil
	}
	return line, err
}

func (p *patchParser) unread(line []byte) { p.pending = append([]byte{}, line...) }

var (
	diffHeader   = []byte("diff --git ")
	hunkHeader   = []byte("@@ -")
	binaryMarker = []byte("Binary files ")
	gitBinary    = []byte("GIT binary patch")
)

// section parses one file's patch: extended headers, then hunks.
func (p *patchParser) section(c *Change) error {
	line, err := p.next()
	if err != nil {
		return fmt.Errorf("missing patch header: %w", err)
	}
	if !bytes.HasPrefix(line, diffHeader) {
		return fmt.Errorf("expected a patch header, got %q", clip(line))
	}
	announced := false
	announce := func() error {
		if announced {
			return nil
		}
		announced = true
		if p.h.Change != nil {
			return p.h.Change(c)
		}
		return nil
	}
	scan := !c.Symlink() && !c.Submodule()
	for {
		if p.history {
			if _, ok := p.commitStart(); ok {
				return announce() // the next commit begins
			}
		}
		line, err := p.next()
		if errors.Is(err, io.EOF) {
			return announce()
		}
		if err != nil {
			return fmt.Errorf("read diff: %w", err)
		}
		switch {
		case bytes.HasPrefix(line, diffHeader):
			p.unread(line)
			return announce()
		case bytes.HasPrefix(line, binaryMarker), bytes.HasPrefix(line, gitBinary):
			c.Binary = true
		case bytes.HasPrefix(line, hunkHeader):
			if err := announce(); err != nil {
				return err
			}
			if err := p.hunk(c, line, scan); err != nil {
				return err
			}
		}
	}
}

// hunk reads one -U0 hunk: exactly the number of removed and added lines its
// header announces, so content can never be mistaken for structure.
func (p *patchParser) hunk(c *Change, header []byte, scan bool) error {
	oldCount, newStart, newCount, err := parseHunkHeader(header)
	if err != nil {
		return err
	}
	var buf []byte
	start, lineNo := newStart, newStart
	flush := func() error {
		if len(buf) == 0 || !scan || p.h.Fragment == nil {
			buf = buf[:0]
			return nil
		}
		err := p.h.Fragment(Fragment{Change: c, StartLine: start, Text: buf})
		buf = nil
		return err
	}
	for oldCount > 0 || newCount > 0 {
		line, err := p.next()
		if err != nil {
			return fmt.Errorf("hunk ends early: %w", err)
		}
		if len(line) == 0 {
			return fmt.Errorf("hunk ends early")
		}
		switch line[0] {
		case '-':
			oldCount--
		case '+':
			newCount--
			if len(buf)+len(line) > maxFragment && len(buf) > 0 {
				if err := flush(); err != nil {
					return err
				}
				start = lineNo
			}
			if scan {
				if buf == nil && p.h.Buffer != nil {
					buf = p.h.Buffer()
				}
				buf = append(buf, line[1:]...)
			}
			lineNo++
		case ' ':
			oldCount--
			newCount--
		case '\\':
			// "\ No newline at end of file": drop the newline we kept.
			if n := len(buf); n > 0 && buf[n-1] == '\n' {
				buf = buf[:n-1]
			}
		default:
			// Never quote the line: hunk content may be a secret.
			return fmt.Errorf("unexpected line in hunk starting with byte %#x", line[0])
		}
		if oldCount < 0 || newCount < 0 {
			return fmt.Errorf("hunk longer than its header says")
		}
	}
	// A "\ No newline" marker may follow the hunk's last line.
	if p.history {
		if _, ok := p.commitStart(); ok {
			return flush()
		}
	}
	if line, err := p.next(); err == nil {
		if len(line) > 0 && line[0] == '\\' {
			if n := len(buf); n > 0 && buf[n-1] == '\n' {
				buf = buf[:n-1]
			}
		} else {
			p.unread(line)
		}
	} else if !errors.Is(err, io.EOF) {
		return fmt.Errorf("read diff: %w", err)
	}
	return flush()
}

// parseHunkHeader reads "@@ -a[,b] +c[,d] @@...".
func parseHunkHeader(h []byte) (oldCount, newStart, newCount int, err error) {
	rest := h[len(hunkHeader):]
	oldRange, rest, ok := bytes.Cut(rest, []byte(" +"))
	if !ok {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q", clip(h))
	}
	newRange, _, ok := bytes.Cut(rest, []byte(" @@"))
	if !ok {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q", clip(h))
	}
	_, oldCount, err = parseRange(oldRange)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q: %w", clip(h), err)
	}
	newStart, newCount, err = parseRange(newRange)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q: %w", clip(h), err)
	}
	return oldCount, newStart, newCount, nil
}

func parseRange(r []byte) (start, count int, err error) {
	s, c, hasCount := bytes.Cut(r, []byte(","))
	start, err = strconv.Atoi(string(s))
	if err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad line number %q", s)
	}
	count = 1
	if hasCount {
		count, err = strconv.Atoi(string(c))
		if err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad line count %q", c)
		}
	}
	return start, count, nil
}

// clip shortens a line for an error message; diff lines may hold secrets, so
// only a short, structural prefix is ever shown.
func clip(b []byte) string {
	const n = 24
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(bytes.TrimRight(b, "\n"))
}
