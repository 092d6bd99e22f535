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
	"unicode/utf16"
	"unicode/utf8"
)

// blobReader reads blobs one at a time through a single long-running
// `git cat-file --batch`, so any number of blobs costs one process.
type blobReader struct {
	stdin  io.WriteCloser
	out    *bufio.Reader
	wait   func() error
	stderr *bytes.Buffer
}

// openBlobs starts `git cat-file --batch`.
func (r *Repo) openBlobs(ctx context.Context) (*blobReader, error) {
	cmd := r.command(ctx, "cat-file", "--batch")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	growPipe(stdout)
	return &blobReader{stdin: stdin, out: bufio.NewReaderSize(stdout, 64<<10), wait: cmd.Wait, stderr: &stderr}, nil
}

// read asks for blob id and returns its content when want, shown the first
// bytes (up to sniffLen), says yes; otherwise the content is read past unkept, so a
// large binary costs no memory.
func (b *blobReader) read(id string, want func(size int64, head []byte) bool) ([]byte, bool, error) {
	if _, err := io.WriteString(b.stdin, id+"\n"); err != nil {
		return nil, false, b.fail(fmt.Errorf("git cat-file: send %s: %w", id, err))
	}
	return b.receive(id, want)
}

// receive reads the answer to a request for blob id sent earlier: the
// content when want, shown its size and first bytes, says yes; otherwise
// the content is read past unkept.
func (b *blobReader) receive(id string, want func(size int64, head []byte) bool) ([]byte, bool, error) {
	header, err := b.out.ReadString('\n')
	if err != nil {
		return nil, false, b.fail(fmt.Errorf("git cat-file: read the header of %s: %w", id, err))
	}
	// "<name> blob <size>\n", or "<name> missing\n", where name is what was
	// asked for; the stream goes on after a missing object.
	if strings.TrimSuffix(header, "\n") == id+" missing" {
		return nil, false, fmt.Errorf("git cat-file: object %s is not a readable blob (missing): %w", id, errMissing)
	}
	fields := strings.Fields(header)
	if len(fields) == 3 && fields[1] != "blob" && !isHex(id) {
		// An expression ("<commit>:<path>") naming a directory or a
		// submodule: read past it, the stream goes on.
		size, err := strconv.ParseInt(fields[2], 10, 64)
		if err == nil && size >= 0 {
			if _, err = b.out.Discard(int(size)); err == nil {
				_, err = b.out.ReadByte()
			}
		}
		if err != nil || size < 0 {
			return nil, false, b.fail(fmt.Errorf("git cat-file: read %s: bad answer %q", id, strings.TrimSpace(header)))
		}
		return nil, false, fmt.Errorf("git cat-file: %s is a %s: %w", id, fields[1], errMissing)
	}
	if len(fields) != 3 || fields[1] != "blob" || isHex(id) && !strings.HasPrefix(fields[0], id) {
		return nil, false, b.fail(fmt.Errorf("git cat-file: object %s is not a readable blob (%q)", id, strings.TrimSpace(header)))
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil || size < 0 {
		return nil, false, b.fail(fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header)))
	}
	head, _ := b.out.Peek(int(min(size, sniffLen)))
	var data []byte
	keep := want(size, head)
	if keep {
		data = make([]byte, size)
		_, err = io.ReadFull(b.out, data)
	} else {
		_, err = b.out.Discard(int(size))
	}
	if err == nil {
		var nl byte
		if nl, err = b.out.ReadByte(); err == nil && nl != '\n' {
			err = errors.New("no newline after the content")
		}
	}
	if err != nil {
		return nil, false, b.fail(fmt.Errorf("git cat-file: read %s: %w", id, err))
	}
	return data, keep, nil
}

// errMissing: git cat-file does not have the object asked for, or it is
// not a blob.
var errMissing = errors.New("not in the repository")

// isHex reports whether name is an object name (or a prefix of one) rather
// than an expression such as "HEAD^2:path".
func isHex(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return name != ""
}

// fail stops git and returns err, with what git said if it said anything.
func (b *blobReader) fail(err error) error {
	_ = b.stdin.Close()
	_, _ = io.Copy(io.Discard, b.out)
	_ = b.wait()
	if msg := strings.TrimSpace(b.stderr.String()); msg != "" {
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return fmt.Errorf("%w (git said: %s)", err, msg)
	}
	return err
}

// close ends git cat-file and reports how it exited.
func (b *blobReader) close() error {
	_ = b.stdin.Close()
	_, _ = io.Copy(io.Discard, b.out)
	if err := b.wait(); err != nil {
		return commandError([]string{"cat-file"}, err, b.stderr.Bytes())
	}
	return nil
}

// regularFile reports whether mode is that of a plain or executable file.
func regularFile(mode string) bool { return mode == "100644" || mode == "100755" }

// sniffLen is how much of a file git looks at to call it binary: a NUL in
// the first 8,000 bytes (xdiff's buffer_is_binary).
const sniffLen = 8000

// Text returns content as text: decoded to UTF-8 when it starts with a
// UTF-16 byte order mark, as it is when git would call it text (no NUL in
// its first 8,000 bytes); ok is false for binary content.
func Text(content []byte) (text []byte, ok bool) {
	if dec, ok := DecodeUTF16(content); ok {
		return dec, true
	}
	if Binary(content) {
		return nil, false
	}
	return content, true
}

// Binary reports whether git calls content binary: a NUL byte in its first
// 8,000 bytes, its diff then saying "Binary files differ".
func Binary(content []byte) bool {
	return bytes.IndexByte(content[:min(len(content), sniffLen)], 0) >= 0
}

// looksText reports, from a blob's first bytes, whether Text will take it.
func looksText(head []byte) bool {
	return utf16Order(head) != nil || !Binary(head)
}

// ChangedText looks again at the new content of changes that git judged
// binary, and calls fn for each one that is text after all: UTF-16 with a
// byte order mark (as Windows tools write it), decoded to UTF-8; or content
// that git itself would call text, when what made the diff binary was the
// old version or a .gitattributes setting (binary, -diff). old is the
// content it replaces, as text, or nil when there is none or it is binary.
// Binary content is read past without being kept, and all blobs go through
// one git process.
func (r *Repo) ChangedText(ctx context.Context, changes []*Change, fn func(c *Change, text, old []byte) error) error {
	return r.changedText(ctx, sliceChanges(changes), nil, false, fn)
}

// WholeText is ChangedText for changes git calls text too: formats read
// whole rather than as added lines (a notebook's cells). fn is not called
// for a change whose content is binary after all. fn may keep text and
// old: each is read into memory of its own.
func (r *Repo) WholeText(ctx context.Context, changes []*Change, fn func(c *Change, text, old []byte) error) error {
	return r.changedText(ctx, sliceChanges(changes), nil, true, fn)
}

// WholeTextStream is WholeText for changes that arrive on a channel while
// the caller is still reading the diff that announces them, so that git
// reads them meanwhile. It returns when the channel is closed, or at the
// first error; either way it takes every change sent until the close, so a
// sender never waits on it for ever.
func (r *Repo) WholeTextStream(ctx context.Context, changes <-chan *Change, fn func(c *Change, text, old []byte) error) error {
	next := func() (*Change, bool) {
		c, ok := <-changes
		return c, ok
	}
	err := r.changedText(ctx, next, nil, true, fn)
	for range changes { // after an error: let the sender go on
	}
	return err
}

// sliceChanges gives changes one at a time.
func sliceChanges(changes []*Change) func() (*Change, bool) {
	return func() (*Change, bool) {
		if len(changes) == 0 {
			return nil, false
		}
		c := changes[0]
		changes = changes[1:]
		return c, true
	}
}

// MergeChangedText is ChangedText for the changes of merge commits
// (MergeDiffs), whose old version is the automatic merge git recreated: it
// may hold conflict markers and, being git's temporary object, be gone by
// now. Then the versions of the merge's parents stand for it (merge names
// the merge a change belongs to): the lines that neither parent has are
// the merge's own.
func (r *Repo) MergeChangedText(ctx context.Context, changes []*Change, merge func(*Change) string, fn func(c *Change, text, old []byte) error) error {
	return r.changedText(ctx, sliceChanges(changes), merge, false, fn)
}

// Versions reads files as given commits hold them, through one `git
// cat-file --batch`: what a merge's parents held, to tell the lines a merge
// adds from those they brought.
type Versions struct {
	br *blobReader
}

// OpenVersions starts the git process that Versions reads through.
func (r *Repo) OpenVersions(ctx context.Context) (*Versions, error) {
	br, err := r.openBlobs(ctx)
	if err != nil {
		return nil, err
	}
	return &Versions{br: br}, nil
}

// Text returns the file at path in commit, as text (see Text). ok is false
// when commit holds no file there (or a directory, or a submodule), when it
// is binary or larger than maxHeldBlob, and for a path git cat-file cannot
// be asked for (one holding a line break).
func (v *Versions) Text(commit, path string) (text []byte, ok bool, err error) {
	if strings.ContainsAny(path, "\n\r") || !isHex(commit) {
		return nil, false, nil
	}
	raw, ok, err := v.br.read(commit+":"+path, func(size int64, head []byte) bool {
		return size <= maxHeldBlob && looksText(head)
	})
	if errors.Is(err, errMissing) {
		return nil, false, nil
	}
	if err != nil || !ok {
		return nil, false, err
	}
	text, _ = Text(raw)
	return text, true, nil
}

// Close ends git cat-file and reports how it exited.
func (v *Versions) Close() error { return v.br.close() }

// maxParents bounds the parents of an octopus merge read for one file.
const maxParents = 16

func (r *Repo) changedText(ctx context.Context, next func() (*Change, bool), merge func(*Change) string, all bool, fn func(c *Change, text, old []byte) error) error {
	// The next change to read, if any: git cat-file starts only for one.
	wanted := func() (*Change, bool) {
		for {
			c, ok := next()
			if !ok {
				return nil, false
			}
			if (c.Binary || all) && regularFile(c.DstMode) && c.DstBlob != "" && !isZeroID(c.DstBlob) {
				return c, true
			}
		}
	}
	first, ok := wanted()
	if !ok {
		return nil
	}
	br, err := r.openBlobs(ctx)
	if err != nil {
		return err
	}
	// textOf reads name as text; ok is false when it is binary, or missing
	// and missingOK.
	textOf := func(name string, missingOK bool) (text []byte, ok bool, err error) {
		raw, ok, err := br.read(name, func(_ int64, head []byte) bool { return looksText(head) })
		switch {
		case errors.Is(err, errMissing) && missingOK:
			return nil, false, nil
		case errors.Is(err, errMissing): // the stream is still open
			return nil, false, br.fail(err)
		case err != nil: // read has stopped git
			return nil, false, err
		}
		if !ok {
			return nil, false, nil
		}
		text, _ = Text(raw)
		return text, true, nil
	}
	for c, more := first, true; more; c, more = wanted() {
		text, ok, err := textOf(c.DstBlob, false)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		var old []byte
		if hasOld(c) {
			prev, _, err := textOf(c.SrcBlob, merge != nil)
			if err != nil {
				return err
			}
			old = prev
			if prev == nil && merge != nil {
				if old, err = parentsText(c, merge(c), textOf); err != nil {
					return err
				}
			}
		}
		if err := fn(c, text, old); err != nil {
			_ = br.fail(err)
			return err
		}
	}
	return br.close()
}

// parentsText joins the text of the merge's parents' versions of the
// change's file (its old path for a rename); nil when there is none to
// read, so every line counts as new. A path with a newline cannot be asked
// for on git cat-file's input.
func parentsText(c *Change, merge string, textOf func(string, bool) ([]byte, bool, error)) ([]byte, error) {
	path := c.Path
	if c.OldPath != "" {
		path = c.OldPath
	}
	if strings.ContainsAny(path, "\n\r") {
		return nil, nil
	}
	var old []byte
	for i := 1; i <= maxParents; i++ {
		text, ok, err := textOf(fmt.Sprintf("%s^%d:%s", merge, i, path), true)
		if err != nil {
			return nil, err
		}
		if ok {
			if len(old) > 0 && old[len(old)-1] != '\n' {
				old = append(old, '\n')
			}
			old = append(old, text...)
		}
	}
	return old, nil
}

// utf16Order returns the byte order that b's UTF-16 byte order mark names,
// or nil when b does not start with one.
func utf16Order(b []byte) func(hi, lo byte) uint16 {
	switch {
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return func(first, second byte) uint16 { return uint16(second)<<8 | uint16(first) }
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return func(first, second byte) uint16 { return uint16(first)<<8 | uint16(second) }
	}
	return nil
}

// DecodeUTF16 decodes content that starts with a UTF-16 byte order mark
// (little- or big-endian) to UTF-8, without the mark. Unpaired surrogates
// and a lone last byte become U+FFFD, so the result is always valid UTF-8.
// ok is false, and nothing is decoded, when there is no mark.
func DecodeUTF16(b []byte) (text []byte, ok bool) {
	unit := utf16Order(b)
	if unit == nil {
		return nil, false
	}
	b = b[2:]
	out := make([]byte, 0, len(b)/2+len(b)/8)
	for i := 0; i+1 < len(b); i += 2 {
		u := unit(b[i], b[i+1])
		switch {
		case utf16.IsSurrogate(rune(u)) && u < 0xDC00 && i+3 < len(b):
			lo := unit(b[i+2], b[i+3])
			if r := utf16.DecodeRune(rune(u), rune(lo)); r != utf8.RuneError {
				out = utf8.AppendRune(out, r)
				i += 2
				continue
			}
			out = utf8.AppendRune(out, utf8.RuneError)
		case utf16.IsSurrogate(rune(u)):
			out = utf8.AppendRune(out, utf8.RuneError)
		default:
			out = utf8.AppendRune(out, rune(u))
		}
	}
	if len(b)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out, true
}
