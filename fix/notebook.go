package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/keyguard/keyguard/reader"
)

// planNotebook plans the fix of the keys in a Jupyter notebook, editing
// its JSON in place so that every byte it does not have to change stays:
// a key in a code cell's source becomes os.environ[...] as in a Python
// file (the value goes to .env), inside the one JSON string that holds it;
// an output that shows a key is dropped from its cell's outputs (only that
// output; running the cell again prints it from the environment). Keys in
// markdown cells, metadata or stored encoded are left to the user.
func (p *Plan) planNotebook(rel string, src []byte, keys []Key, env *store, blocked map[string]string) error {
	manual := func(k Key, reason string) {
		p.Manual = append(p.Manual, Manual{Key: k, Reason: reason, Hint: manualHint(rel, k, reason)})
	}
	layout, ok := reader.NotebookLayout(src)
	if !ok {
		for _, k := range keys {
			manual(k, "the notebook is not valid JSON")
		}
		return nil
	}
	var edits []edit
	var moved []Move
	var cleared []Key
	drop := map[int]map[int]bool{} // cell -> outputs to drop (0-based)
	firstEdited := -1              // the first code cell whose source changes
	for _, k := range keys {
		f := k.Finding
		if k.Cell < 1 || k.Cell > len(layout.Cells) || (k.Output == 0 && k.CellLine == 0) {
			manual(k, "the key is in the notebook's metadata")
			continue
		}
		cell := layout.Cells[k.Cell-1]
		if k.Output > 0 {
			if k.Output > len(cell.Outputs) {
				manual(k, "the key is not where the scan found it (did the file change?)")
				continue
			}
			if drop[k.Cell-1] == nil {
				drop[k.Cell-1] = map[int]bool{}
			}
			drop[k.Cell-1][k.Output-1] = true
			cleared = append(cleared, k)
			continue
		}
		if k.Encoding != "" {
			manual(k, "the key is stored "+encodingWords(k.Encoding))
			continue
		}
		if cell.Type != "code" {
			manual(k, fmt.Sprintf("the key is in a %s cell, not code", cell.Type))
			continue
		}
		if why, ok := blocked[env.path]; ok {
			manual(k, fmt.Sprintf("%s %s", env.path, why))
			continue
		}
		value := f.Secret.Reveal()
		at, ok := offsetOf(src, f.Line, f.Column)
		var str reader.Span
		for _, s := range cell.Source {
			if s.Start < at && at < s.End {
				str = s
				break
			}
		}
		var text string
		if !ok || str.End == 0 || json.Unmarshal(src[str.Start:str.End], &text) != nil {
			manual(k, "the key is not where the scan found it (did the file change?)")
			continue
		}
		ds := -1
		for i := 0; ; {
			j := strings.Index(text[i:], value)
			if j < 0 {
				break
			}
			if reader.RawOffset(src, str.Start, i+j) == at {
				ds = i + j
				break
			}
			i += j + 1
		}
		if ds < 0 {
			manual(k, "the key is not where the scan found it (did the file change?)")
			continue
		}
		loc, err := locateText(langPython, []byte(text), ds, ds+len(value))
		if err != nil {
			manual(k, err.Error())
			continue
		}
		name, err := env.name(baseName(f, loc.hint), value)
		if err != nil {
			manual(k, err.Error())
			continue
		}
		read := readExpr(langPython, name, "os", "")
		edits = append(edits, edit{reader.RawOffset(src, str.Start, loc.start), reader.RawOffset(src, str.Start, loc.end), reader.QuoteJSON(read)})
		moved = append(moved, Move{Key: k, Name: name, Dest: env.path, Read: read})
		if firstEdited < 0 || k.Cell-1 < firstEdited {
			firstEdited = k.Cell - 1
		}
	}
	if firstEdited >= 0 && !notebookImportsOS(src, layout) {
		edits = append(edits, importEdit(src, layout.Cells[firstEdited].Source))
	}
	for c, outs := range drop {
		edits = append(edits, dropOutputs(src, layout.Cells[c].Outputs, outs)...)
	}
	if len(edits) == 0 {
		env.discard()
		return nil
	}
	out := applyEdits(src, edits)
	if !json.Valid(out) {
		env.discard()
		for _, k := range append(cleared, keysOf(moved)...) {
			manual(k, "keyguard could not edit the notebook and keep it valid JSON")
		}
		return nil
	}
	env.commit()
	p.Moved = append(p.Moved, moved...)
	p.Cleared = append(p.Cleared, cleared...)
	p.Sources = append(p.Sources, Change{Path: rel, Old: src, New: out, Exists: true})
	return nil
}

func keysOf(moves []Move) []Key {
	out := make([]Key, len(moves))
	for i, m := range moves {
		out[i] = m.Key
	}
	return out
}

// offsetOf turns a 1-based line and rune column into a byte offset.
func offsetOf(src []byte, line, col int) (int, bool) {
	s, _, ok := byteSpan(src, line, col, "")
	return s, ok
}

// notebookImportsOS reports whether some code cell imports os.
func notebookImportsOS(src []byte, layout reader.Layout) bool {
	for _, c := range layout.Cells {
		if c.Type != "code" {
			continue
		}
		var code strings.Builder
		for _, s := range c.Source {
			var text string
			if json.Unmarshal(src[s.Start:s.End], &text) == nil {
				code.WriteString(text)
			}
		}
		if importsOS([]byte(code.String())) {
			return true
		}
	}
	return false
}

// importEdit puts "import os" first in a cell's source: a new line of its
// source list, indented as the first one, or the start of its one string.
func importEdit(src []byte, source []reader.Span) edit {
	first := source[0]
	before := bytes.TrimRight(src[:first.Start], " \t\r\n")
	if len(before) > 0 && before[len(before)-1] == '[' {
		ws := string(src[len(before):first.Start])
		return edit{first.Start, first.Start, `"import os\n",` + ws}
	}
	return edit{first.Start + 1, first.Start + 1, `import os\n`}
}

// dropOutputs removes the outputs of one cell listed in drop, with the
// commas and spacing between them, so the list stays as Jupyter writes it.
func dropOutputs(src []byte, outputs []reader.Span, drop map[int]bool) []edit {
	lastKept := -1
	for i := range outputs {
		if !drop[i] {
			lastKept = i
		}
	}
	if lastKept < 0 {
		// None left: "outputs": [].
		open := bytes.LastIndexByte(src[:outputs[0].Start], '[')
		end := outputs[len(outputs)-1].End
		closing := end + bytes.IndexByte(src[end:], ']')
		return []edit{{open + 1, closing, ""}}
	}
	var edits []edit
	for i := range outputs {
		if drop[i] && i < lastKept {
			edits = append(edits, edit{outputs[i].Start, outputs[i+1].Start, ""})
		}
	}
	if lastKept < len(outputs)-1 {
		edits = append(edits, edit{outputs[lastKept].End, outputs[len(outputs)-1].End, ""})
	}
	return edits
}
