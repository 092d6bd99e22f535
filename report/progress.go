package report

import (
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress draws the progress bar of a history scan. Create it only for a
// terminal (main decides; see internal/term): it redraws one line in place.
// Update may be called from any goroutine; Done clears the bar, so what is
// printed next starts on a clean line. A nil *Progress draws nothing.
type Progress struct {
	w     io.Writer
	color bool

	mu   sync.Mutex
	bar  *progressbar.ProgressBar // created on the first Update, when the total is known
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
		desc := "keyguard: scanning history"
		if p.color {
			desc = "[cyan]keyguard:[reset] scanning history"
		}
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionEnableColorCodes(p.color),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("commits"),
			progressbar.OptionShowIts(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	// Workers report out of order; the bar only moves forward.
	if done > p.last {
		p.last = done
		_ = p.bar.Set(done) // a write error on a terminal must not stop the scan
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
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
