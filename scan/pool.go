package scan

import (
	"runtime"
	"sync"
	"unicode/utf8"

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
	bufs   sync.Pool // *[]byte: scanned jobs' text, reused for new fragments
}

// maxRecycled is the largest buffer kept for reuse; rarer, larger ones go to
// the garbage collector rather than pin memory.
const maxRecycled = 8 << 20

// Buffer returns an empty slice for the next job's text, reusing the memory
// of jobs already scanned (fit for git.DiffHandler.Buffer).
func (p *Pool) Buffer() []byte {
	if b, ok := p.bufs.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 64<<10)
}

// NewPool starts one worker per CPU.
func NewPool(p *Policy) *Pool {
	n := runtime.GOMAXPROCS(0)
	pool := &Pool{policy: p, jobs: make(chan Job, 2*n)}
	for range n {
		pool.wg.Add(1)
		go pool.work()
	}
	return pool
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
	for j := range p.jobs {
		overlapRunes := utf8.RuneCount(j.Text[:min(j.Overlap, len(j.Text))])
		for _, f := range engine.ScanFile(j.Path, j.Text) {
			if f.Line == 1 {
				if f.EndColumn-1 <= overlapRunes {
					continue // wholly in the overlap: the previous piece reported it
				}
				if j.StartColumn > 1 {
					f.Column += j.StartColumn - 1
					f.EndColumn += j.StartColumn - 1
				}
			}
			if !p.policy.Keep(j.Path, f) {
				continue
			}
			f := f
			local = append(local, report.Finding{
				Path: j.Path, Line: j.StartLine + f.Line - 1, Column: f.Column, Secret: &f, Commit: j.Commit,
			})
		}
		// Findings hold copies of their secrets, so the text can be reused.
		if cap(j.Text) <= maxRecycled {
			b := j.Text[:0]
			p.bufs.Put(&b)
		}
	}
	p.mu.Lock()
	p.found = append(p.found, local...)
	p.mu.Unlock()
}
