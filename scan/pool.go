package scan

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/bigbuf"
	"github.com/keyguard/keyguard/reader"
	"github.com/keyguard/keyguard/report"
)

// Job is one piece of text to scan: added lines of a file, starting at
// StartLine (1-based) of that file.
type Job struct {
	Path      string // repo-relative, for rules and the policy
	StartLine int
	Text      []byte
	Commit    *report.Commit // set in history scans
	// StartColumn and Overlap place a piece of a very long line (see
	// git.Fragment); zero values mean a whole-line fragment.
	StartColumn int
	Overlap     int
	// Lead and Trail are how many bytes at the start and end of Text are
	// unchanged lines around the added ones (see git.Fragment): read for
	// context, never reported from.
	Lead, Trail int
	// Piece, when set, is the notebook text that Text is lines of, from
	// its line StartLine on; positions map back to the file through it.
	Piece *reader.Piece
	// Done, when set, is called once the job is scanned: the pool uses
	// neither Text nor Piece after that.
	Done func()
}

// Pool scans jobs on every core while the caller keeps producing them (git
// keeps streaming the diff). Its queue is short, so memory stays bounded by
// a few jobs whatever the size of the input: a full queue makes Submit wait.
type Pool struct {
	policy *Policy
	jobs   chan Job
	wg     sync.WaitGroup
	mu     sync.Mutex
	found  []report.Finding
	// big hands out fragment memory in huge pages when it can (nil: never);
	// bufs[k] holds heap buffers of capacity at least minRecycled<<k and
	// less than twice that: scanned jobs' text, reused for new fragments.
	big  *bigbuf.Region
	bufs [bufClasses]sync.Pool
	// workers is how many workers were started (by the goroutine that
	// submits jobs).
	workers int
}

// bigBuffers is the one region that every pool of the process draws
// fragment memory from (see internal/bigbuf): pools come and go, the
// memory they recycle stays for the next. 256 MiB of address space,
// touched only as used; a commit's scan holds a few fragments at a time.
var bigBuffers = sync.OnceValue(func() *bigbuf.Region {
	return bigbuf.New(256<<20, bufSizes)
})

// Buffers of minRecycled to maxRecycled bytes are kept for reuse; smaller
// ones are not worth it, larger (rarer) ones go to the garbage collector
// rather than pin memory.
const (
	minRecycled = 64 << 10
	bufClasses  = 7
	maxRecycled = minRecycled<<bufClasses - 1
)

// bufSizes are the classes of recycled buffers, in the region and out.
var bufSizes = bigbuf.Classes{Min: minRecycled, N: bufClasses}

// Buffer returns an empty slice with room for at least n bytes for the next
// job's text, reusing the memory of jobs already scanned (fit for
// git.DiffHandler.Buffer).
func (p *Pool) Buffer(n int) []byte {
	if p.big != nil {
		if b := p.big.Get(n); b != nil {
			return b
		}
	}
	k := bufSizes.Fit(n)
	for c := k; c < bufClasses; c++ {
		if b, ok := p.bufs[c].Get().(*[]byte); ok {
			return (*b)[:0]
		}
	}
	if k == bufClasses {
		return make([]byte, 0, n)
	}
	return make([]byte, 0, bufSizes.Size(k))
}

// Recycle hands b's memory back for new fragments (see Buffer); the caller
// no longer uses it.
func (p *Pool) Recycle(b []byte) {
	if p.big != nil && p.big.Put(b) {
		return
	}
	k := bufSizes.Held(cap(b))
	if k < 0 || cap(b) > maxRecycled {
		return
	}
	b = b[:0]
	p.bufs[k].Put(&b)
}

// NewPool starts one worker per CPU.
func NewPool(p *Policy) *Pool { return newPool(p, runtime.GOMAXPROCS(0)) }

// newPool starts n workers (at least one).
func newPool(p *Policy, n int) *Pool {
	n = max(1, n)
	pool := &Pool{policy: p, jobs: make(chan Job, 2*n), big: bigBuffers()}
	pool.grow(n)
	return pool
}

// grow starts n more workers; not after Wait.
func (p *Pool) grow(n int) {
	p.workers += max(n, 0)
	for range n {
		p.wg.Add(1)
		go p.work()
	}
}

// Submit queues a job; the pool owns j.Text afterwards.
func (p *Pool) Submit(j Job) { p.jobs <- j }

// Wait stops the pool and returns every finding, in no particular order.
func (p *Pool) Wait() []report.Finding {
	close(p.jobs)
	p.wg.Wait()
	return p.found
}

func (p *Pool) work() {
	defer p.wg.Done()
	engine := p.policy.Engine()
	var local []report.Finding
	var dc decoding
	for j := range p.jobs {
		local = append(local, scanJob(p.policy, engine, &dc, j)...)
		// Findings hold copies of their secrets, so the text can be reused.
		if j.Piece == nil {
			p.Recycle(j.Text)
		}
		if j.Done != nil {
			j.Done()
		}
	}
	p.mu.Lock()
	p.found = append(p.found, local...)
	p.mu.Unlock()
}

// scanJob scans one job's text, decoded values included (in dc's memory),
// and returns the findings the policy keeps, placed in the file.
func scanJob(policy *Policy, engine *detect.Engine, dc *decoding, j Job) []report.Finding {
	var out []report.Finding
	overlapRunes := utf8.RuneCount(j.Text[:min(j.Overlap, len(j.Text))])
	first, last := addedRange(j)
	for _, h := range dc.scanText(engine, j.Path, j.Text) {
		f := h.Finding
		if f.Line < first || f.Line > last {
			continue // on a line of context: not added, not reported
		}
		if f.Line == 1 && j.Piece == nil {
			if f.EndColumn-1 <= overlapRunes {
				continue // wholly in the overlap: the previous piece reported it
			}
			if j.StartColumn > 1 {
				f.Column += j.StartColumn - 1
				f.EndColumn += j.StartColumn - 1
			}
		}
		if !policy.Keep(j.Path, f) {
			continue
		}
		out = append(out, place(j, f, h.encoding))
	}
	return out
}

// addedRange returns the first and last line of j's text that were added,
// 1-based: all of them unless the job carries context (Lead, Trail).
func addedRange(j Job) (first, last int) {
	if j.Lead == 0 && j.Trail == 0 {
		return 1, math.MaxInt
	}
	first = 1 + bytes.Count(j.Text[:j.Lead], []byte{'\n'})
	last = first + bytes.Count(j.Text[j.Lead:len(j.Text)-j.Trail], []byte{'\n'})
	if end := len(j.Text) - j.Trail; end > j.Lead && j.Text[end-1] == '\n' {
		last-- // the added lines end with a newline: the last is the one before
	}
	return first, last
}

// place turns a finding in a job's text into one in the file.
func place(j Job, f detect.Finding, encoding string) report.Finding {
	spans := 0 // further lines the secret runs onto as stored (a key block)
	if encoding == "" {
		spans = strings.Count(string(f.Secret), "\n")
	}
	if j.Piece == nil {
		line := j.StartLine + f.Line - 1
		return report.Finding{Path: j.Path, Line: line, EndLine: line + spans, Column: f.Column,
			Secret: &f, Commit: j.Commit, Encoding: encoding}
	}
	pieceLine := j.StartLine + f.Line - 1
	line, col := j.Piece.Place(pieceLine, f.Column)
	endLine, _ := j.Piece.Place(pieceLine+spans, 1)
	f.EndColumn += col - f.Column
	f.Line, f.Column = line, col
	out := report.Finding{Path: j.Path, Line: line, EndLine: max(line, endLine), Column: col, Secret: &f, Commit: j.Commit, Encoding: encoding,
		Cell: j.Piece.Cell, Output: j.Piece.Output}
	if !j.Piece.Metadata {
		out.CellLine = pieceLine
	}
	return out
}
