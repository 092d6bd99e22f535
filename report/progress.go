package report

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Progress draws the progress bar of a history scan. Create it only for a
// terminal (main decides; see internal/term): it redraws one line in place,
// ten times a second. Update may be called from any goroutine; Done clears
// the bar, so what is printed next starts on a clean line. A nil *Progress
// draws nothing.
//
// The bar is mpb's, chosen over schollz/progressbar because that one
// imports net/http: every keyguard process, the pre-commit hook included,
// paid for initialising the network and TLS packages at start-up.
type Progress struct {
	w     io.Writer
	color bool

	mu   sync.Mutex
	prog *mpb.Progress // created on the first Update, when the total is known
	bar  *mpb.Bar
	last int
}

// NewProgress returns a progress bar drawn on w, or nil when w is quiet.
func NewProgress(w io.Writer) *Progress {
	o := optionsOf(w)
	if o.Quiet {
		return nil
	}
	return &Progress{w: w, color: o.Color}
}

// Update records that done of total commits have been read.
func (p *Progress) Update(done, total int) {
	if p == nil || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		name := "keyguard: scanning history "
		if p.color {
			name = "\x1b[36mkeyguard:\x1b[0m scanning history "
		}
		// The caller has decided that w is a terminal, and w may be a
		// wrapper (an *Output) that mpb cannot tell is one: the bar is
		// redrawn in place whatever w is, as wide as the terminal when w
		// wraps one (80 columns otherwise).
		cw := cupwriter.New(p.w, true)
		if f, ok := optionsOf(p.w).W.(*os.File); ok {
			cw.SetTermFd(int(f.Fd()))
		}
		p.prog = mpb.New(mpb.WithConsoleWriter(cw), mpb.WithAutoRefresh(),
			mpb.WithRefreshRate(100*time.Millisecond))
		p.bar = p.prog.AddBar(int64(total),
			mpb.PrependDecorators(decor.Name(name), decor.CountersNoUnit("%d/%d commits ")),
			mpb.AppendDecorators(decor.AverageSpeed(0, " %.0f commits/s")),
			mpb.BarWidth(30),
			mpb.BarRemoveOnComplete(),
		)
	}
	// Workers report out of order; the bar only moves forward.
	if done > p.last {
		p.last = done
		p.bar.SetCurrent(int64(done))
	}
}

// Done finishes and clears the bar.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Abort(true) // drops it, if not complete yet
		p.prog.Wait()
	}
}
