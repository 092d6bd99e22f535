package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// ScanSummary counts what `keyguard scan` covered.
type ScanSummary struct {
	History bool          // a history scan: Commits counts, Files does not
	Commits int           // commits scanned
	Files   int           // files read
	Bytes   int64         // bytes scanned
	Binary  int           // binary files skipped
	AsText  int           // files git calls binary that were decoded and scanned as text
	Large   int           // files scanned only in part, being over the size limit
	Elapsed time.Duration // wall time of the scan
	// Nothing, when set, says why there was nothing to scan (an empty
	// directory, an empty range, nothing staged): the summary says so
	// instead of "no secrets found".
	Nothing string
	// Fetched counts the objects a partial clone lacked and fetched for a
	// history scan.
	Fetched int
	// Shallow lists the commits where a shallow clone's history was cut.
	Shallow []string
}

// ScanText writes scan findings for people: one block per key, then the
// summary (see ScanSummaryLine).
func ScanText(w io.Writer, findings []Finding, sum ScanSummary) {
	w, flush := buffered(w)
	defer flush()
	for _, f := range findings {
		writeKey(w, f)
		fmt.Fprintln(w)
	}
	ScanSummaryLine(w, len(findings), sum)
}

// ScanSummaryLine writes the line that ends every scan: what it covered
// (files or commits, bytes, time) and how many secrets it found, then the
// hints when it found some. A quiet Output gets nothing. JSON and SARIF runs
// write it on stderr so that stdout stays machine-readable.
func ScanSummaryLine(w io.Writer, found int, sum ScanSummary) {
	if Quiet(w) {
		return
	}
	p := painter(w)
	cover := fmt.Sprintf("%s scanned (%s)", plural(sum.Files, "file"), byteSize(sum.Bytes))
	if sum.History {
		cover = fmt.Sprintf("%s scanned (%s of added lines)", plural(sum.Commits, "commit"), byteSize(sum.Bytes))
	}
	if sum.Binary > 0 {
		cover += fmt.Sprintf(", %s skipped", plural(sum.Binary, "binary file"))
	}
	if sum.AsText > 0 {
		cover += fmt.Sprintf(", %s decoded as text", plural(sum.AsText, "file"))
	}
	if sum.Large > 0 {
		cover += fmt.Sprintf(", %s scanned only in part (too large)", plural(sum.Large, "file"))
	}
	if sum.Fetched > 0 {
		cover += fmt.Sprintf(", %s fetched that this partial clone lacked", plural(sum.Fetched, "object"))
	}
	cover += fmt.Sprintf(" in %.2fs", sum.Elapsed.Seconds())
	hint := p.label("hint:")
	if found == 0 && sum.Nothing != "" {
		fmt.Fprintf(w, "keyguard: nothing to scan: %s; %s\n", sum.Nothing, cover)
		shallowNote(w, hint, sum.Shallow)
		return
	}
	if found == 0 {
		fmt.Fprintf(w, "keyguard: %s; %s\n", p.ok("no secrets found"), cover)
		shallowNote(w, hint, sum.Shallow)
		return
	}
	fmt.Fprintf(w, "keyguard: %s; %s\n", p.alarm(plural(found, "secret")+" found"), cover)
	shallowNote(w, hint, sum.Shallow)
	if sum.History {
		fmt.Fprintf(w, "%s a key in history stays readable in every clone: revoke and rotate it; deleting it from the code is not enough\n", hint)
	}
	fmt.Fprintf(w, "%s a false positive? add a comment containing keyguard:allow on that line, or allow it in .keyguard.yaml\n", hint)
	fmt.Fprintf(w, "%s keys you cannot remove yet: keyguard baseline records them so only new ones block\n", hint)
}

// shallowNote says where a shallow clone's history was cut, what that
// means for the scan, and how to scan the rest.
func shallowNote(w io.Writer, hint string, cut []string) {
	if len(cut) == 0 {
		return
	}
	names := make([]string, 0, 3)
	for _, id := range cut[:min(3, len(cut))] {
		names = append(names, id[:min(12, len(id))])
	}
	list := strings.Join(names, ", ")
	if len(cut) > 3 {
		list += fmt.Sprintf(" and %d more", len(cut)-3)
	}
	whose := "their"
	if len(cut) == 1 {
		whose = "its"
	}
	fmt.Fprintf(w, "keyguard: history is cut at %s (a shallow clone): %s; all of %s content was scanned as added there, and older commits were not scanned\n",
		plural(len(cut), "commit"), list, whose)
	fmt.Fprintf(w, "%s git fetch --unshallow fetches the rest of the history, then scan again to cover it\n", hint)
}

// JSONFinding is one finding in `--format json` output. The secret itself is
// never included: only its redacted form and fingerprint.
type JSONFinding struct {
	Rule        string `json:"rule"`
	Description string `json:"description"`
	Provider    string `json:"provider"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	EndLine     int    `json:"end_line"` // the secret's last line: line unless it spans several
	Column      int    `json:"column"`
	EndColumn   int    `json:"end_column"`
	Redacted    string `json:"redacted"`
	Fingerprint string `json:"fingerprint"`
	// Set for a key in a notebook: cell and output (0 for the cell's
	// source) are 1-based; cell_line is the line in that source or output.
	Cell     int `json:"cell,omitempty"`
	Output   int `json:"output,omitempty"`
	CellLine int `json:"cell_line,omitempty"`
	// Set for a key found decoded: how it was stored.
	Encoding string `json:"encoding,omitempty"`
	// Set for history findings.
	Commit string `json:"commit,omitempty"`
	Author string `json:"author,omitempty"`
	Email  string `json:"email,omitempty"`
	Date   string `json:"date,omitempty"`
}

// JSON writes key findings as a JSON array (empty, not null, when clean).
func JSON(w io.Writer, findings []Finding) error {
	out := make([]JSONFinding, 0, len(findings))
	for _, f := range findings {
		if f.Secret == nil {
			continue
		}
		s := f.Secret
		j := JSONFinding{
			Rule: s.Rule.ID, Description: s.Rule.Description, Provider: s.Rule.Provider,
			File: f.Path, Line: f.Line, EndLine: max(f.Line, f.EndLine), Column: f.Column, EndColumn: s.EndColumn,
			Redacted: s.Secret.String(), Fingerprint: s.Fingerprint,
			Cell: f.Cell, Output: f.Output, CellLine: f.CellLine, Encoding: f.Encoding,
		}
		if c := f.Commit; c != nil {
			j.Commit, j.Author, j.Email, j.Date = c.Hash, c.Author, c.Email, c.Date
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
