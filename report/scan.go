package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// ScanSummary counts what `keyguard scan` covered.
type ScanSummary struct {
	Files  int   // files read
	Bytes  int64 // bytes scanned
	Binary int   // binary files skipped
	Large  int   // files scanned only in part, being over the size limit
}

// ScanText writes scan findings for people: one block per key, then a
// summary line that says what was covered.
func ScanText(w io.Writer, findings []Finding, sum ScanSummary) {
	for _, f := range findings {
		writeKey(w, f)
		fmt.Fprintln(w)
	}
	cover := fmt.Sprintf("%s scanned (%s)", plural(sum.Files, "file"), byteSize(sum.Bytes))
	if sum.Binary > 0 {
		cover += fmt.Sprintf(", %s skipped", plural(sum.Binary, "binary file"))
	}
	if sum.Large > 0 {
		cover += fmt.Sprintf(", %s scanned only in part (too large)", plural(sum.Large, "file"))
	}
	if len(findings) == 0 {
		fmt.Fprintf(w, "keyguard: no secrets found; %s\n", cover)
		return
	}
	fmt.Fprintf(w, "keyguard: %s found; %s\n", plural(len(findings), "secret"), cover)
	fmt.Fprintln(w, "hint: a false positive? add a comment containing keyguard:allow on that line, or allow it in .keyguard.yaml")
	fmt.Fprintln(w, "hint: keys you cannot remove yet: keyguard baseline records them so only new ones block")
}

// JSONFinding is one finding in `--format json` output. The secret itself is
// never included: only its redacted form and fingerprint.
type JSONFinding struct {
	Rule        string `json:"rule"`
	Description string `json:"description"`
	Provider    string `json:"provider"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	EndColumn   int    `json:"end_column"`
	Redacted    string `json:"redacted"`
	Fingerprint string `json:"fingerprint"`
}

// JSON writes key findings as a JSON array (empty, not null, when clean).
func JSON(w io.Writer, findings []Finding) error {
	out := make([]JSONFinding, 0, len(findings))
	for _, f := range findings {
		if f.Secret == nil {
			continue
		}
		s := f.Secret
		out = append(out, JSONFinding{
			Rule: s.Rule.ID, Description: s.Rule.Description, Provider: s.Rule.Provider,
			File: f.Path, Line: f.Line, Column: f.Column, EndColumn: s.EndColumn,
			Redacted: s.Secret.String(), Fingerprint: s.Fingerprint,
		})
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
