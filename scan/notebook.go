package scan

import (
	"bytes"

	"github.com/keyguard/keyguard/reader"
	"github.com/keyguard/keyguard/report"
)

// notebookJobs reads a notebook (reader.Notebook) into jobs: each cell
// source, output and metadata line, or, when old (the version it replaced)
// is given, only the lines of those texts that no text of old holds, in
// runs of consecutive lines. That is what a commit adds to a notebook: a
// cell's edited lines, a new output, but not a cell that only moved or an
// output that was run again with the same text. ok is false when text is
// not a notebook; the caller scans it as plain text. The jobs point into
// text, which the caller must leave as it is.
func notebookJobs(path string, text, old []byte, commit *report.Commit) (jobs []Job, ok bool) {
	pieces, ok := reader.Notebook(text)
	if !ok {
		return nil, false
	}
	known := map[string]bool{}
	if old == nil {
		jobs = make([]Job, 0, len(pieces))
	} else {
		oldPieces, ok := reader.Notebook(old)
		if !ok {
			oldPieces = []reader.Piece{{Text: old}}
		}
		for _, p := range oldPieces {
			for line := range bytes.Lines(p.Text) {
				known[string(bytes.TrimRight(line, "\r\n"))] = true
			}
		}
	}
	for i := range pieces {
		p := &pieces[i]
		if old == nil {
			jobs = append(jobs, Job{Path: path, StartLine: 1, Text: p.Text, Piece: p, Commit: commit})
			continue
		}
		lineNo, start, runAt := 0, 0, -1
		flush := func(end int) {
			if runAt >= 0 {
				jobs = append(jobs, Job{Path: path, StartLine: start, Text: p.Text[runAt:end], Piece: p, Commit: commit})
				runAt = -1
			}
		}
		at := 0
		for line := range bytes.Lines(p.Text) {
			lineNo++
			if known[string(bytes.TrimRight(line, "\r\n"))] {
				flush(at)
			} else if runAt < 0 {
				runAt, start = at, lineNo
			}
			at += len(line)
		}
		flush(at)
	}
	return jobs, true
}

// jobLines counts the lines and bytes of jobs.
func jobLines(jobs []Job) (lines int, n int64) {
	for _, j := range jobs {
		lines += bytes.Count(j.Text, []byte{'\n'})
		if len(j.Text) > 0 && j.Text[len(j.Text)-1] != '\n' {
			lines++
		}
		n += int64(len(j.Text))
	}
	return lines, n
}
