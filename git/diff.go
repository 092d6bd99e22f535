package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Change is one staged file, as git's raw diff describes it.
type Change struct {
	Status  byte   // 'A' added, 'M' modified, 'R' renamed, 'C' copied, 'T' type changed
	Path    string // path in the index, '/'-separated, exactly as stored (no quoting)
	OldPath string // source path of a rename or copy, else ""
	SrcMode string // octal mode before ("000000" when added)
	DstMode string // octal mode after
	SrcBlob string // object name before (all zeros when added)
	DstBlob string // object name of the staged content
	Binary  bool   // git judged the content binary; its lines are not scanned
	// AddedLines and AddedBytes count the change's added lines as the
	// diff gives them (each line's newline counted), also when
	// DiffHandler.Lines declined them; they are complete once the diff has
	// been read.
	AddedLines int
	AddedBytes int64
}

// Symlink reports whether the staged entry is a symbolic link: its "content"
// is the link target, which keyguard does not follow or scan.
func (c *Change) Symlink() bool { return c.DstMode == "120000" }

// Submodule reports whether the staged entry is a gitlink (a submodule's
// commit), which carries no file content.
func (c *Change) Submodule() bool { return c.DstMode == "160000" }

// Fragment is a run of consecutive added lines of one change, with the
// unchanged lines around it (Lead, Trail) when the diff has context.
type Fragment struct {
	Change    *Change
	StartLine int    // 1-based line number of the first line in the staged file
	Text      []byte // the added lines, each ending in '\n' except possibly the last
	// StartColumn is the 1-based column, in characters, where Text begins
	// on StartLine: 1, except for the later pieces of a line too long to
	// hold at once (a minified bundle).
	StartColumn int
	// Overlap is how many bytes at the start of Text repeat the end of the
	// previous piece of the same long line, so that a secret cut by the
	// split is still seen whole; 0 otherwise.
	Overlap int
	// Lead and Trail are how many bytes at the start and at the end of
	// Text are unchanged lines around the added ones (a staged diff's
	// context, see StagedContext): there for the rules that read a line
	// with the lines around it (a YAML parent, an XML element's tags, a
	// name/value pair's name), and not themselves added. StartLine is the
	// line of Text's first byte, Lead included.
	Lead, Trail int
}

// StagedContext is how many unchanged lines around each run of added lines
// a staged diff carries (git's -U): enough for a name/value pair's name, an
// XML element's tags, a property list's key and most YAML parents.
const StagedContext = 3

// maxContextLine bounds an unchanged line kept as context: a longer one (a
// minified bundle) ends the context instead.
const maxContextLine = 4 << 10

// maxFragment bounds the memory held for one run of added lines: longer runs
// are handed over in pieces, split at line boundaries, and a single longer
// line in pieces that overlap by lineOverlap bytes.
const maxFragment = 4 << 20

// lineOverlap is longer than any single-line secret.
const lineOverlap = 16 << 10

// DiffHandler receives a parsed staged diff: Change once per file, before
// that file's fragments. Returning an error stops the parse.
type DiffHandler struct {
	Change   func(*Change) error
	Fragment func(Fragment) error
	// Buffer, when set, supplies an empty slice with room for at least n
	// bytes to collect a fragment in, and Release takes back one the parser
	// has outgrown, so the receiver can recycle fragments' memory; nil
	// allocates afresh.
	Buffer  func(n int) []byte
	Release func([]byte)
	// Lines, when set, is asked once per change, after Change, whether its
	// added lines are wanted; when it says no, they are read past without
	// being copied and Fragment is not called for them (the receiver reads
	// that file another way).
	Lines func(*Change) bool
	// Raw, when set, is given every change of a diff once git has listed
	// them, before any patch is read. An error stops the parse there (and
	// git with it: see Repo.stream), so that the receiver can read the
	// changes another way.
	Raw func([]*Change) error
}

// StagedDiff streams what the next commit would add compared with HEAD (or
// with the empty tree before the first commit). It reads the index git uses
// for this commit (GIT_INDEX_FILE is inherited), skips deletions, detects
// renames so a pure rename adds nothing, and pins every option that user
// configuration could otherwise change.
func (r *Repo) StagedDiff(ctx context.Context, h DiffHandler) error {
	return r.StagedDiffOf(ctx, nil, h)
}

// StagedDiffOf is StagedDiff for the given paths alone (taken literally).
// Renames are still detected among them; a rename whose source is not
// among them shows as an added file.
func (r *Repo) StagedDiffOf(ctx context.Context, paths []string, h DiffHandler) error {
	base := r.Head
	if base == "" {
		base = r.EmptyTree()
	}
	args := []string{"diff-index", "--cached", "--raw", "-p", "-z", "-M", "--diff-filter=d",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-U" + strconv.Itoa(StagedContext), "--inter-hunk-context=0",
		"--src-prefix=a/", "--dst-prefix=b/", base, "--"}
	for _, p := range paths {
		args = append(args, ":(top,literal)"+p)
	}
	return r.stream(ctx, nil, args, func(out io.Reader) error { return ParseDiff(out, h) })
}

// stream runs git, hands its stdout to parse as it is written, and returns
// parse's error or git's (naming the command, with its stderr). If parse
// stops early, git is killed first: it may be blocked writing a large diff.
func (r *Repo) stream(ctx context.Context, stdin io.Reader, args []string, parse func(io.Reader) error) error {
	cmd := r.command(ctx, args...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	growPipe(stdout)
	parseErr := parse(stdout)
	if parseErr != nil {
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
		hash, err := p.nextCommit()
		if hash == "" || err != nil {
			return err
		}
		if err := commit(hash); err != nil {
			return err
		}
		if err := p.diff(); err != nil {
			return fmt.Errorf("commit %s: %w", hash, err)
		}
	}
}

// nextCommit reads the name that starts the next commit of history output;
// "" at the end.
func (p *patchParser) nextCommit() (string, error) {
	if _, err := p.br.Peek(1); errors.Is(err, io.EOF) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("read history: %w", err)
	}
	hash, ok := p.commitStart()
	if !ok {
		return "", fmt.Errorf("parse history: expected a commit name")
	}
	if _, err := p.br.Discard(len(hash) + 1); err != nil {
		return "", fmt.Errorf("read history: %w", err)
	}
	// git log (used for merges) ends its commit line with a newline.
	if b, err := p.br.Peek(1); err == nil && b[0] == '\n' {
		_, _ = p.br.ReadByte()
	}
	return hash, nil
}

// diff parses one diff: raw records, then their patch sections.
//
// Each section is matched to its record by its "diff --git" line, not by
// position: git re-sorts a merge's remerge-diff sections by source path,
// and adds sections of their own, with no record and no content, to carry
// the conflict messages of a path the merge result does not hold
// (modify/delete, rename/delete, rename/rename). Those are read past. A
// record left without its section, or content in a section that has no
// record, means our picture of git's output is wrong: fail closed.
func (p *patchParser) diff() error {
	if p.history {
		if _, ok := p.commitStart(); ok {
			return nil // a commit with nothing to show (a clean merge)
		}
	}
	changes, err := readRaw(p.br, false)
	if err != nil {
		return err
	}
	if p.h.Raw != nil {
		if err := p.h.Raw(changes); err != nil {
			return err
		}
	}
	m := sectionMatcher{changes: changes}
	for {
		if p.history {
			if _, ok := p.commitStart(); ok {
				break
			}
		}
		line, err := p.next()
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil {
			return fmt.Errorf("read diff: %w", err)
		}
		if !bytes.HasPrefix(line, diffHeader) {
			if len(changes) > 0 && m.matched < len(changes) {
				return fmt.Errorf("expected a patch header, got %s", clip(line))
			}
			p.unread(line) // the caller decides what follows
			break
		}
		i, removal := m.take(line)
		if i < 0 {
			if err := p.headerOnly(line); err != nil {
				return err
			}
			continue
		}
		c := changes[i]
		if removal {
			// The first half of a change of type: the old content's
			// removal, which adds nothing. The second half is the record's.
			h := p.h
			p.h = DiffHandler{}
			err := p.section(&Change{Status: 'D', Path: c.Path, SrcMode: c.SrcMode, DstMode: "000000"})
			p.h = h
			if err != nil {
				return fmt.Errorf("parse diff of %q (file %d of %d): %w", c.Path, i+1, len(changes), err)
			}
			continue
		}
		if err := p.section(c); err != nil {
			return fmt.Errorf("parse diff of %q (file %d of %d): %w", c.Path, i+1, len(changes), err)
		}
	}
	if c := m.missing(); c != nil {
		return fmt.Errorf("parse diff of %q: missing patch header", c.Path)
	}
	return nil
}

// sectionMatcher finds the raw record that a patch section's "diff --git"
// line names. A change of type (a file that became a symbolic link, a
// submodule that became a file) has two sections under the same line, as
// git splits it: the old content's removal, then the new content's
// creation.
type sectionMatcher struct {
	changes []*Change
	seen    []int // sections matched to each record
	matched int   // records with all their sections
	next    int   // the record expected next, in git's usual order
	byLine  map[string]int
}

// take returns the index of the record that header (a "diff --git" line)
// names and that still expects a section, or -1; removal says the section
// is the first half of a change of type.
func (m *sectionMatcher) take(header []byte) (int, bool) {
	if m.seen == nil {
		m.seen = make([]int, len(m.changes))
	}
	found := -1
	if m.next < len(m.changes) && headerNames(header, m.changes[m.next]) {
		found = m.next
	} else if m.matched < len(m.changes) {
		if m.byLine == nil {
			m.byLine = make(map[string]int, 2*len(m.changes))
			for i, c := range m.changes {
				for _, full := range []bool{true, false} {
					m.byLine[patchHeader(c, full)] = i
				}
			}
		}
		if i, ok := m.byLine[string(header)]; ok && m.seen[i] < sections(m.changes[i]) {
			found = i
		}
	}
	if found < 0 {
		return -1, false
	}
	m.seen[found]++
	want := sections(m.changes[found])
	if m.seen[found] == want {
		m.matched++
		for m.next < len(m.changes) && m.seen[m.next] == sections(m.changes[m.next]) {
			m.next++
		}
	}
	return found, m.seen[found] < want
}

// sections is how many patch sections git writes for c.
func sections(c *Change) int {
	if kind(c.SrcMode) != 0 && kind(c.DstMode) != 0 && kind(c.SrcMode) != kind(c.DstMode) {
		return 2
	}
	return 1
}

// kind is the type bits of an octal mode (S_IFMT): a regular file, a
// symbolic link, a submodule; 0 for none.
func kind(mode string) uint64 {
	m, err := strconv.ParseUint(mode, 8, 32)
	if err != nil {
		return 0
	}
	return m & 0o170000
}

// missing returns a record that did not get all its sections, or nil.
func (m *sectionMatcher) missing() *Change {
	for i, c := range m.changes {
		if m.seen == nil || m.seen[i] < sections(c) {
			return c
		}
	}
	return nil
}

// headerNames reports whether header is the "diff --git" line git writes
// for c, with core.quotePath on or off.
func headerNames(header []byte, c *Change) bool {
	return string(header) == patchHeader(c, true) || string(header) == patchHeader(c, false)
}

// patchHeader is the "diff --git" line git writes for c, names quoted as
// git quotes them (quote_c_style); quotePath is core.quotePath, whether
// bytes over 0x7f are quoted too.
func patchHeader(c *Change, quotePath bool) string {
	src := c.Path
	if c.OldPath != "" {
		src = c.OldPath
	}
	return "diff --git " + quoteName("a/", src, quotePath) + " " + quoteName("b/", c.Path, quotePath) + "\n"
}

// quoteName is prefix+name as git writes a name in a patch header: as is,
// or in double quotes with C escapes when a byte needs it.
func quoteName(prefix, name string, quotePath bool) string {
	need := func(b byte) bool {
		return b < 0x20 || b == '"' || b == '\\' || b == 0x7f || b >= 0x80 && quotePath
	}
	quote := false
	for i := 0; i < len(name) && !quote; i++ {
		quote = need(name[i])
	}
	if !quote {
		return prefix + name
	}
	var b strings.Builder
	b.WriteString(`"` + prefix)
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case !need(c):
			b.WriteByte(c)
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x07 && c <= 0x0d:
			b.WriteByte('\\')
			b.WriteByte("abtnvfr"[c-0x07])
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// headerOnly reads past a section that no raw record lists: git's carrier
// for a remerge-diff's conflict messages about a path, which holds those
// messages as extended headers and nothing else. A bare "diff --git" line,
// or content that could not be placed, fails closed.
func (p *patchParser) headerOnly(header []byte) error {
	name := clip(header[len(diffHeader):])
	headers := 0
	for {
		end := false
		if p.history {
			_, end = p.commitStart()
		}
		var line []byte
		if !end {
			var err error
			line, err = p.next()
			end = errors.Is(err, io.EOF) && len(line) == 0
			if err != nil && !end {
				return fmt.Errorf("read diff: %w", err)
			}
		}
		switch {
		case end || bytes.HasPrefix(line, diffHeader):
			if !end {
				p.unread(line)
			}
			if headers == 0 {
				return fmt.Errorf("parse diff: unexpected output: a patch header for %s with no raw record", name)
			}
			return nil
		case bytes.HasPrefix(line, hunkHeader), bytes.HasPrefix(line, binaryMarker), bytes.HasPrefix(line, gitBinary):
			return fmt.Errorf("parse diff: the patch for %s has content but no raw record", name)
		}
		headers++
	}
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
//
// With more, the records may be followed by the next commit's name instead
// of a NUL (raw output without patches): the records end there.
func readRaw(br *bufio.Reader, more bool) ([]*Change, error) {
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
			if more {
				return changes, nil
			}
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
		c := &Change{SrcMode: string(fields[0]), DstMode: string(fields[1]), Status: fields[4][0],
			SrcBlob: string(fields[2]), DstBlob: string(fields[3])}
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

// section parses one file's patch after its "diff --git" line: extended
// headers, then hunks.
func (p *patchParser) section(c *Change) error {
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
			if !announced {
				if err := announce(); err != nil {
					return err
				}
				scan = scan && (p.h.Lines == nil || p.h.Lines(c))
			}
			if err := p.hunk(c, line, scan); err != nil {
				return err
			}
		}
	}
}

// hunk reads one hunk: exactly the number of removed, added and unchanged
// lines its header announces, so content can never be mistaken for
// structure. Lines are read in pieces and added lines copied straight into
// the fragment, so memory stays bounded even for a gigabyte-long line.
// Unchanged lines (a diff with -U context) go around the added ones as
// the fragment's Lead and Trail.
func (p *patchParser) hunk(c *Change, header []byte, scan bool) error {
	oldCount, newStart, newCount, err := parseHunkHeader(header)
	if err != nil {
		return err
	}
	f := fragmenter{p: p, c: c, scan: scan && p.h.Fragment != nil, start: newStart, lineNo: newStart, col: 1}
	for oldCount > 0 || newCount > 0 {
		piece, full, err := p.piece()
		if err != nil {
			return fmt.Errorf("hunk ends early: %w", err)
		}
		if len(piece) == 0 {
			return fmt.Errorf("hunk ends early")
		}
		switch piece[0] {
		case '-':
			oldCount--
			f.lastInBuf = false
			if err := p.skipLine(full); err != nil {
				return err
			}
		case '+':
			newCount--
			if err := f.addLine(piece[1:], full); err != nil {
				return err
			}
		case ' ':
			oldCount--
			newCount--
			if err := f.context(piece[1:], full); err != nil {
				return err
			}
		case '\\':
			// "\ No newline at end of file": drop the newline we kept.
			f.trimNewline()
			if err := p.skipLine(full); err != nil {
				return err
			}
		default:
			// Never quote the line: hunk content may be a secret.
			return fmt.Errorf("unexpected line in hunk starting with byte %#x", piece[0])
		}
		if oldCount < 0 || newCount < 0 {
			return fmt.Errorf("hunk longer than its header says")
		}
	}
	// A "\ No newline" marker may follow the hunk's last line.
	if p.history {
		if _, ok := p.commitStart(); ok {
			return f.flush()
		}
	}
	if line, err := p.next(); err == nil {
		if len(line) > 0 && line[0] == '\\' {
			f.trimNewline()
		} else {
			p.unread(line)
		}
	} else if !errors.Is(err, io.EOF) {
		return fmt.Errorf("read diff: %w", err)
	}
	return f.flush()
}

// piece returns the next line, or its first part when it is longer than the
// read buffer (full is false then; skipLine or more piece calls follow).
func (p *patchParser) piece() (piece []byte, full bool, err error) {
	if p.pending != nil {
		line := p.pending
		p.pending = nil
		return line, true, nil
	}
	piece, err = p.br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return piece, false, nil
	case errors.Is(err, io.EOF) && len(piece) > 0:
		return piece, true, nil
	}
	return piece, true, err
}

// skipLine discards the rest of a line whose first piece was not full.
func (p *patchParser) skipLine(full bool) error {
	for !full {
		var err error
		if _, full, err = p.piece(); err != nil {
			return fmt.Errorf("read diff: %w", err)
		}
	}
	return nil
}

// fragmenter gathers a hunk's added lines into fragments of at most
// maxFragment bytes.
type fragmenter struct {
	p      *patchParser
	c      *Change
	scan   bool
	buf    []byte
	start  int // line of buf's first byte
	col    int // column of buf's first byte on that line
	over   int // overlap bytes at buf's start
	lineNo int // line being added
	inLine int // offset in buf where the line being added starts

	lead, trail int      // context bytes at buf's start and end (Fragment.Lead, Trail)
	added       bool     // buf holds an added line
	lastInBuf   bool     // the last line read ends buf ("\ No newline" applies to it)
	recent      [][]byte // the unchanged lines just before lineNo, at most StagedContext
	ring        [StagedContext][]byte
}

// context takes one unchanged line: after added lines it is their trailing
// context, up to StagedContext lines; it is also kept as leading context
// for added lines that may follow.
func (f *fragmenter) context(first []byte, full bool) error {
	f.lastInBuf = false
	if !full || len(first) > maxContextLine || !f.scan {
		if err := f.p.skipLine(full); err != nil {
			return err
		}
		if err := f.flush(); err != nil {
			return err
		}
		f.recent = f.recent[:0] // too long to carry: no context across it
		f.lineNo++
		f.start = f.lineNo
		return nil
	}
	if f.added {
		if countLines(f.buf[len(f.buf)-f.trail:]) < StagedContext && len(f.buf)+len(first) <= maxFragment {
			f.buf = append(f.buf, first...)
			f.trail += len(first)
			f.lastInBuf = true
			f.lineNo++
			return nil
		}
		if err := f.flush(); err != nil {
			return err
		}
	}
	f.push(first)
	f.lineNo++
	f.start = f.lineNo
	return nil
}

// push keeps a copy of line (the reader's buffer) as the latest of the
// recent lines, dropping the oldest beyond StagedContext.
func (f *fragmenter) push(line []byte) {
	if len(f.recent) == StagedContext {
		oldest := f.ring[0]
		copy(f.ring[:], f.ring[1:])
		f.ring[StagedContext-1] = oldest
		f.recent = f.ring[:StagedContext-1]
	}
	i := len(f.recent)
	f.ring[i] = append(f.ring[i][:0], line...)
	f.recent = f.ring[:i+1]
}

// Added returns the added lines of f, without its context.
func (f Fragment) Added() []byte { return f.Text[f.Lead : len(f.Text)-f.Trail] }

// AddedLine returns the line of f's first added byte.
func (f Fragment) AddedLine() int { return f.StartLine + countLines(f.Text[:f.Lead]) }

// keepRecent makes the last lines of text (whole lines, each ending in a
// newline) the recent lines: what the buffer being handed over ends with
// leads the next fragment.
func (f *fragmenter) keepRecent(text []byte) {
	f.recent = f.recent[:0]
	var lines [StagedContext][]byte
	n := 0
	for end := len(text); end > 0 && n < StagedContext && text[end-1] == '\n'; n++ {
		start := bytes.LastIndexByte(text[:end-1], '\n') + 1
		if end-start > maxContextLine {
			break
		}
		lines[n] = text[start:end]
		end = start
	}
	for i := n - 1; i >= 0; i-- {
		f.push(lines[i])
	}
}

// countLines counts the lines of b, which ends with a newline.
func countLines(b []byte) int { return bytes.Count(b, []byte{'\n'}) }

// addLine adds one added line, given as its first piece and, if that was
// not the whole line, the pieces still to be read.
func (f *fragmenter) addLine(first []byte, full bool) error {
	if f.trail > 0 {
		// The added lines resume after unchanged ones: what is gathered
		// goes, and its trailing context leads the next fragment.
		if err := f.flush(); err != nil {
			return err
		}
	}
	if !f.added && f.scan && len(f.buf) == 0 && len(f.recent) > 0 {
		for _, l := range f.recent {
			if err := f.append(l); err != nil {
				return err
			}
			f.lead += len(l)
		}
		f.start = f.lineNo - len(f.recent)
	}
	f.recent = f.recent[:0] // the buffer holds the latest lines now
	f.added, f.lastInBuf = true, true
	f.inLine = len(f.buf)
	data := first
	f.c.AddedLines++
	for {
		f.c.AddedBytes += int64(len(data))
		if f.scan {
			if err := f.append(data); err != nil {
				return err
			}
		}
		if full {
			break
		}
		var err error
		if data, full, err = f.p.piece(); err != nil {
			return fmt.Errorf("hunk ends early: %w", err)
		}
	}
	f.lineNo++
	return nil
}

// append copies data into the fragment, handing over full fragments.
func (f *fragmenter) append(data []byte) error {
	for len(data) > 0 {
		if len(f.buf) >= maxFragment {
			if err := f.split(); err != nil {
				return err
			}
		}
		n := min(maxFragment-len(f.buf), len(data))
		if need := len(f.buf) + n; need > cap(f.buf) {
			// Double: append grows a large slice by a quarter, which copied
			// a 200 KiB file's lines five times over.
			f.grow(min(max(need, 2*cap(f.buf)), maxFragment))
		}
		f.buf = append(f.buf, data[:n]...)
		data = data[n:]
	}
	return nil
}

// grow moves the fragment into a buffer with room for n bytes, handing the
// outgrown one back.
func (f *fragmenter) grow(n int) {
	var grown []byte
	if f.p.h.Buffer != nil {
		grown = f.p.h.Buffer(n)
	}
	if cap(grown) < n {
		grown = make([]byte, 0, n)
	}
	grown = append(grown, f.buf...)
	if f.buf != nil && f.p.h.Release != nil {
		f.p.h.Release(f.buf)
	}
	f.buf = grown
}

// split hands over a full fragment: the complete lines before the line
// being added if there are any, else a piece of that (long) line, keeping
// its last lineOverlap bytes to start the next piece.
func (f *fragmenter) split() error {
	if f.inLine > f.lead {
		rest := append([]byte(nil), f.buf[f.inLine:]...)
		f.buf = f.buf[:f.inLine]
		if err := f.flush(); err != nil {
			return err
		}
		f.buf, f.start, f.col, f.over, f.inLine, f.added = rest, f.lineNo, 1, 0, 0, true
		return nil
	}
	if f.lead > 0 {
		// One line longer than a fragment: its pieces go without context.
		f.buf = f.buf[f.lead:]
		f.start, f.inLine, f.lead = f.lineNo, 0, 0
	}
	// Never split a character: the piece ends before an incomplete last
	// one, and the next starts on a character boundary.
	end := len(f.buf)
	last := end - 1
	for last > 0 && end-last < utf8.UTFMax && !utf8.RuneStart(f.buf[last]) {
		last--
	}
	if !utf8.FullRune(f.buf[last:end]) {
		end = last
	}
	keep := end - lineOverlap
	for keep > 0 && !utf8.RuneStart(f.buf[keep]) {
		keep--
	}
	rest := append([]byte(nil), f.buf[keep:]...)
	col := f.col + utf8.RuneCount(f.buf[:keep])
	f.buf = f.buf[:end]
	if err := f.flush(); err != nil {
		return err
	}
	f.buf, f.start, f.col, f.over, f.added = rest, f.lineNo, col, end-keep, true
	return nil
}

// trimNewline drops the newline of the last added line ("\ No newline at
// end of file").
func (f *fragmenter) trimNewline() {
	if n := len(f.buf); f.lastInBuf && n > 0 && f.buf[n-1] == '\n' {
		f.buf = f.buf[:n-1]
		if f.trail > 0 {
			f.trail--
		}
	}
}

// flush hands over what is gathered and starts an empty fragment at the
// next line.
func (f *fragmenter) flush() error {
	if len(f.buf) == 0 || !f.scan {
		f.buf = f.buf[:0]
		return nil
	}
	if !f.added {
		f.buf, f.start, f.lead, f.trail = f.buf[:0], f.lineNo, 0, 0
		return nil // context alone
	}
	f.keepRecent(f.buf) // before the receiver may reuse the buffer
	err := f.p.h.Fragment(Fragment{Change: f.c, StartLine: f.start, Text: f.buf, StartColumn: f.col, Overlap: f.over,
		Lead: f.lead, Trail: f.trail})
	f.buf, f.start, f.col, f.over, f.inLine, f.lead, f.trail, f.added = nil, f.lineNo, 1, 0, 0, 0, 0, false
	return err
}

// parseHunkHeader reads "@@ -a[,b] +c[,d] @@...".
func parseHunkHeader(h []byte) (oldCount, newStart, newCount int, err error) {
	rest := h[len(hunkHeader):]
	oldRange, rest, ok := bytes.Cut(rest, []byte(" +"))
	if !ok {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %s", clip(h))
	}
	newRange, _, ok := bytes.Cut(rest, []byte(" @@"))
	if !ok {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %s", clip(h))
	}
	_, oldCount, err = parseRange(oldRange)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %s: %w", clip(h), err)
	}
	newStart, newCount, err = parseRange(newRange)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %s: %w", clip(h), err)
	}
	return oldCount, newStart, newCount, nil
}

func parseRange(r []byte) (start, count int, err error) {
	s, c, hasCount := bytes.Cut(r, []byte(","))
	start, err = strconv.Atoi(string(s))
	if err != nil || start < 0 {
		return 0, 0, errors.New("bad line number")
	}
	count = 1
	if hasCount {
		count, err = strconv.Atoi(string(c))
		if err != nil || count < 0 {
			return 0, 0, errors.New("bad line count")
		}
	}
	return start, count, nil
}

// clip describes a diff line for an error message, quoted. Diff lines may
// hold secrets: a header line shows at most its first 8 bytes (fewer than
// any key), and hunk content, or what may be, only its length.
func clip(b []byte) string {
	const n = 8
	b = bytes.TrimRight(b, "\r\n")
	if len(b) == 0 {
		return `""`
	}
	switch b[0] {
	case '+', '-', ' ', '\\':
		return fmt.Sprintf("a diff content line of %d bytes", len(b))
	}
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "…"
	}
	return strconv.Quote(string(b))
}
