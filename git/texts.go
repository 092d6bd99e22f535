package git

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Limits of ChangeTexts' memory.
const (
	// maxHeldBlob is the largest blob read into memory. A change with a
	// larger version is diffed by git instead and streamed (TextHandler.Large).
	maxHeldBlob = 8 << 20
	// heldBlobs is how many of the last blobs read ChangeTexts keeps, so
	// that a version the previous change created is not read again as the
	// one the next change replaces.
	heldBlobs = 8
)

// CommitChange is a change one commit made.
type CommitChange struct {
	Commit string
	*Change
}

// CommitChanges lists what each commit changed compared with its first
// parent (the empty tree for a root commit), from one `git diff-tree
// --stdin --raw` that computes no diff: deletions are left out and renames
// detected, as in the staged diff.
func (r *Repo) CommitChanges(ctx context.Context, hashes []string, fn func(hash string, changes []*Change) error) error {
	args := []string{"diff-tree", "--stdin", "-r", "--root", "--raw", "-z", "-M", "--diff-filter=d", "--no-abbrev"}
	return r.stream(ctx, lines(hashes), args, func(out io.Reader) error { return parseRawCommits(out, fn) })
}

// TextHandler receives what ChangeTexts reads, from one goroutine, in the
// order of the changes.
type TextHandler struct {
	// Text is called for each changed regular file whose new content is
	// text: text is that content (UTF-16 decoded to UTF-8, see Text) and old
	// the content it replaced, as text, or nil when the file is new or the
	// old version binary. The slices are only valid during the call.
	Text func(c CommitChange, text, old []byte) error
	// Large returns the receiver of git's own diff of a commit's change
	// with a version too large to hold in memory.
	Large func(c CommitChange) DiffHandler
}

// ChangeTexts reads, for each change next gives until it reports none, the
// new content and the content it replaced, so that the caller can find the
// added lines itself: git only inflates blobs, in one `git cat-file
// --batch`, pipelined, and computes no diff. The last few blobs read are
// kept, so when the caller gives the versions of one file in order, oldest
// first, every blob is inflated once. Symbolic links, submodules and
// changes that keep the content (a pure rename) carry no new lines and are
// skipped. next runs on a goroutine of its own, ahead of the handler.
func (r *Repo) ChangeTexts(ctx context.Context, next func() (CommitChange, bool), h TextHandler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blobs, err := r.openBlobs(ctx)
	if err != nil {
		return err
	}
	plans := make(chan textPlan, 512)
	produced := make(chan error, 1)
	go func() { produced <- planTexts(ctx, next, blobs.stdin, plans) }()

	c := textConsumer{r: r, blobs: blobs, h: h}
	c.cache, _ = simplelru.NewLRU[string, blobText](heldBlobs, nil)
	err = c.consume(ctx, plans)
	if err != nil {
		cancel()
		for range plans { // let the producer end
		}
	}
	perr := <-produced
	if c.misses != nil {
		if cerr := c.misses.close(); err == nil && cerr != nil && ctx.Err() == nil {
			err = cerr
		}
	}
	if err == nil {
		err = perr
	}
	if err != nil {
		_ = blobs.fail(err)
		return err
	}
	return blobs.close()
}

// textPlan is one change for the consumer, with which of its two blobs
// were requested from git (the others are in the cache).
type textPlan struct {
	change   CommitChange
	old, new bool
}

// hasOld reports whether a change replaces content that may hold lines.
func hasOld(c *Change) bool {
	return c.Status != 'A' && regularFile(c.SrcMode) && c.SrcBlob != "" && !isZeroID(c.SrcBlob)
}

// planTexts requests from git cat-file (on w) each blob that the
// consumer's cache will not hold. It keeps a mirror of that cache's keys:
// both see the same names in the same order, so they agree on what is
// cached. It closes plans when done.
func planTexts(ctx context.Context, next func() (CommitChange, bool), w io.Writer, plans chan<- textPlan) (err error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	defer func() {
		// Every request announced must reach git, or the consumer waits.
		if ferr := bw.Flush(); err == nil && ferr != nil {
			err = fmt.Errorf("git cat-file: send: %w", ferr)
		}
		close(plans)
	}()
	seen, _ := simplelru.NewLRU[string, struct{}](heldBlobs, nil)
	request := func(id string) bool {
		if _, ok := seen.Get(id); ok {
			return false
		}
		seen.Add(id, struct{}{})
		return true
	}
	for {
		c, ok := next()
		if !ok {
			return nil
		}
		if !regularFile(c.DstMode) || c.SrcBlob == c.DstBlob || isZeroID(c.DstBlob) {
			continue // no content, or no new content
		}
		p := textPlan{change: c}
		if hasOld(c.Change) {
			p.old = request(c.SrcBlob)
		}
		p.new = request(c.DstBlob)
		if p.old {
			bw.WriteString(c.SrcBlob + "\n")
		}
		if p.new {
			bw.WriteString(c.DstBlob + "\n")
		}
		select {
		case plans <- p:
			continue
		default:
		}
		// The consumer waits, or is behind: it must have every answer it
		// will wait for.
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("git cat-file: send: %w", err)
		}
		select {
		case plans <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// parseRawCommits parses `git diff-tree --stdin -z --raw` output (no
// patches): each commit's name, then its raw records.
func parseRawCommits(rd io.Reader, fn func(hash string, changes []*Change) error) error {
	p := patchParser{br: bufio.NewReaderSize(rd, 64<<10), history: true}
	for {
		hash, err := p.nextCommit()
		if hash == "" || err != nil {
			return err
		}
		changes, err := readRaw(p.br, true)
		if err != nil {
			return fmt.Errorf("commit %s: %w", hash, err)
		}
		if err := fn(hash, changes); err != nil {
			return err
		}
	}
}

// blobText is what ChangeTexts knows of one blob.
type blobText struct {
	text   []byte // the content as text; nil when binary or large
	binary bool   // not text (see Text)
	large  bool   // over maxHeldBlob: not read
}

// textConsumer reads the answers planTexts asked for, in the same order.
type textConsumer struct {
	r      *Repo
	blobs  *blobReader
	misses *blobReader // should the cache ever disagree with the plan
	h      TextHandler
	cache  *simplelru.LRU[string, blobText]
}

func (c *textConsumer) consume(ctx context.Context, plans <-chan textPlan) error {
	for p := range plans {
		ch := p.change
		var old blobText
		if hasOld(ch.Change) {
			var err error
			if old, err = c.blob(ctx, ch.SrcBlob, p.old); err != nil {
				return changeError(ch, err)
			}
		}
		now, err := c.blob(ctx, ch.DstBlob, p.new)
		if err != nil {
			return changeError(ch, err)
		}
		switch {
		case now.large || old.large:
			err = c.r.largeDiff(ctx, ch, c.h.Large(ch))
		case now.binary:
		default:
			err = c.h.Text(ch, now.text, old.text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// changeError names the commit and path whose version could not be read.
func changeError(c CommitChange, err error) error {
	if errors.Is(err, errMissing) {
		return fmt.Errorf("commit %s %s: %w", c.Commit, c.Path, err)
	}
	return err
}

// blob returns blob id: the next answer from git when it was requested,
// else the cached copy.
func (c *textConsumer) blob(ctx context.Context, id string, requested bool) (blobText, error) {
	b := c.blobs
	if !requested {
		if t, ok := c.cache.Get(id); ok {
			return t, nil
		}
		if c.misses == nil {
			var err error
			if c.misses, err = c.r.openBlobs(ctx); err != nil {
				return blobText{}, err
			}
		}
		if _, err := io.WriteString(c.misses.stdin, id+"\n"); err != nil {
			return blobText{}, c.misses.fail(fmt.Errorf("git cat-file: send %s: %w", id, err))
		}
		b = c.misses
	}
	t, err := receiveText(b, id)
	if err == nil {
		c.cache.Add(id, t)
	}
	return t, err
}

// receiveText reads the answer for blob id from b.
func receiveText(b *blobReader, id string) (blobText, error) {
	var t blobText
	raw, ok, err := b.receive(id, func(size int64, head []byte) bool {
		t.large = size > maxHeldBlob
		t.binary = !t.large && !looksText(head)
		return !t.large && !t.binary
	})
	if err != nil || !ok {
		return t, err
	}
	t.text, _ = Text(raw)
	return t, nil
}

// largeDiff streams a change too large to hold through git's own diff of
// that commit, limited to its paths.
func (r *Repo) largeDiff(ctx context.Context, c CommitChange, h DiffHandler) error {
	args := []string{"diff-tree", "-r", "--root", "--raw", "-p", "-z", "-M", "--diff-filter=d",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-U0", "--no-commit-id",
		"--src-prefix=a/", "--dst-prefix=b/", c.Commit, "--", ":(literal)" + c.Path}
	if c.OldPath != "" {
		args = append(args, ":(literal)"+c.OldPath)
	}
	return r.stream(ctx, nil, args, func(out io.Reader) error { return ParseDiff(out, h) })
}
