package reader

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// openCall and openCallCR are what callArgs looks for: a line that ends by
// opening a call's argument list.
var openCall, openCallCR = []byte("(\n"), []byte("(\r\n")

// Bounds on what the multi-line readers join.
const (
	maxArgLines = 3   // string arguments read below a call's opening line
	maxHead     = 200 // longest opening line (or SQL header) joined
	maxRows     = 64  // rows of one multi-line INSERT read
	maxRowLine  = 400 // longest row read
	maxSeqItems = 3   // items of one YAML sequence read
)

// callArgs reads the string arguments of a call that opens at the end of
// a line and gives them one to a line below it:
//
//	client = AcmeClient(
//	    "…",
//	)
//
// Each argument line becomes the call's line with the arguments up to it
// appended (`client = AcmeClient("…",`), at the argument's place, so that
// the rules for keys given to constructors, which keep to one line, read
// it. Only positional string literals count: a named argument
// (`api_key="…"`) is read on its own line as it stands.
func (d *decoder) callArgs(lineNo int, line []byte) {
	head := bytes.TrimRight(line, " \t\r")
	if len(head) > maxHead {
		return
	}
	head = bytes.TrimLeft(head, " \t")
	parts := [][]byte{head}
	n := len(head)
	end := d.lineEnd(d.lineAt)
	for k := 1; k <= maxArgLines && end < len(d.text) && d.left(); k++ {
		var l []byte
		var lo int
		end, l, lo = d.nextLine(end)
		arg := bytes.TrimRight(l[lo:], " \t")
		lit := stringArg(arg)
		if lit == 0 || len(arg) > maxValue {
			return
		}
		if k > 1 {
			parts = append(parts, space)
			n++
		}
		parts = append(parts, arg)
		if lit == len(arg) {
			// The last argument, the call closing on the line below:
			// read as closed here.
			d.takeJoined("call", lineNo+k, utf8.RuneCount(l[:lo])+1, arg, n, append(parts, closeParen)...)
			return
		}
		d.takeJoined("call", lineNo+k, utf8.RuneCount(l[:lo])+1, arg, n, parts...)
		n += len(arg)
		if arg[lit] == ')' {
			return // the call closes on this line
		}
	}
}

// nextLine returns the line after the newline at end: where it ends, its
// text without a carriage return, and the length of its indent.
func (d *decoder) nextLine(end int) (next int, line []byte, indent int) {
	start := end + 1
	next = d.lineEnd(start)
	line = bytes.TrimRight(d.text[start:next], "\r")
	return next, line, len(line) - len(bytes.TrimLeft(line, " \t"))
}

// space separates the parts callArgs and sqlRows join; closeParen closes
// a call whose last argument has a line of its own.
var space, closeParen = []byte(" "), []byte(")")

// colonQuote and quote wrap a SQL value read under its column's name.
var colonQuote, quote = []byte(": '"), []byte("'")

// stringArg returns the length of the string literal that arg starts
// with when nothing but a comma, a closing parenthesis or a semicolon
// follows it (`"…",`, `'…')`, `"…");`); 0 when arg is not such a line.
func stringArg(arg []byte) int {
	if len(arg) < 2 {
		return 0
	}
	q := arg[0]
	if q != '"' && q != '\'' && q != '`' {
		return 0
	}
	i := bytes.IndexByte(arg[1:], q)
	if i < 0 {
		return 0
	}
	end := i + 2
	for _, c := range arg[end:] {
		if c != ',' && c != ')' && c != ';' {
			return 0
		}
	}
	return end
}

// valuesUpper and valuesLower are what sqlRows looks for.
var valuesUpper, valuesLower = []byte("VALUES"), []byte("values")

// insertWord opens the statement whose rows sqlRows reads.
var insertWord = []byte("insert")

// sqlRows reads the rows of an INSERT whose VALUES keyword ends a line and
// whose rows follow one to a line:
//
//	INSERT INTO integrations (provider, api_key) VALUES
//	  ('acme', '…'),
//
// Each row becomes the statement's header (from INSERT to VALUES, its
// lines joined) followed by the row, at the row's place, so that the rule
// for keys inserted into a key column, which keeps to one line, reads it.
// The header may start up to two lines above VALUES.
func (d *decoder) sqlRows(lineNo int, line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) < len(valuesUpper) || !bytes.EqualFold(line[len(line)-len(valuesUpper):], valuesUpper) {
		return
	}
	head := d.sqlHeader(line)
	if head == nil {
		return
	}
	names, secret := sqlColumns(head)
	end := d.lineEnd(d.lineAt)
	for k := 1; k <= maxRows && end < len(d.text) && d.left(); k++ {
		var l []byte
		var lo int
		end, l, lo = d.nextLine(end)
		row := bytes.TrimRight(l[lo:], " \t")
		if len(row) == 0 || row[0] != '(' || len(row) > maxRowLine {
			return
		}
		d.takeJoined("row", lineNo+k, utf8.RuneCount(l[:lo])+1, row, len(head)+1, head, space, row)
		if len(secret) > 0 {
			d.sqlCells(lineNo+k, l, lo, row, names, secret)
		}
		if c := row[len(row)-1]; c == ';' {
			return
		}
	}
}

// sqlColumns returns the column names of an INSERT header ("INSERT INTO t
// (a, b, c) VALUES"), unquoted, and which of them are secret-like
// (secretTag); nil when the header names no columns.
func sqlColumns(head []byte) (names [][]byte, secret []int) {
	open := bytes.IndexByte(head, '(')
	end := bytes.LastIndexByte(head, ')')
	if open < 0 || end < open {
		return nil, nil
	}
	for i, n := range bytes.Split(head[open+1:end], []byte{','}) {
		n = bytes.Trim(bytes.TrimSpace(n), "`\"[]")
		if !isColumnName(n) {
			return nil, nil
		}
		names = append(names, n)
		if secretTag(n) {
			secret = append(secret, i)
		}
	}
	return names, secret
}

// sqlCells reads a row of a multi-column INSERT by its header's names: each
// quoted value in a secret-like column becomes "NAME: 'value'" at the
// value's place, after the row's short quoted cells (the provider's name
// among them), as csvRows reads a CSV export. A row whose cells do not
// match the columns one for one is left to the row reading alone. l is the
// row's line and row its text from offset lo.
func (d *decoder) sqlCells(lineNo int, l []byte, lo int, row []byte, names [][]byte, secret []int) {
	cells := sqlRowCells(row)
	if len(cells) != len(names) {
		return
	}
	var parts [][]byte
	n := 0
	for j, c := range cells {
		if !slices.Contains(secret, j) && c.quoted && len(c.text) > 0 && len(c.text) <= maxContextCell && n+len(c.text) < maxHead {
			parts = append(parts, space, c.text)
			n += 1 + len(c.text)
		}
	}
	for _, i := range secret {
		c := cells[i]
		if !c.quoted || len(c.text) == 0 || len(c.text) > maxValue {
			continue
		}
		at := lo + c.at
		d.takeJoined("row", lineNo, utf8.RuneCount(l[:at])+1, c.text, n+len(names[i])+4,
			append(parts[:len(parts):len(parts)], space, names[i], colonQuote, c.text, quote)...)
	}
}

// sqlCell is a value of an INSERT row: its text (without quotes), where it
// starts in the row, and whether it was a quoted string.
type sqlCell struct {
	text   []byte
	at     int
	quoted bool
}

// sqlRowCells splits a row "(1, 'a', now(), 'b')," into its values: quoted
// strings (a doubled quote inside one stands for a quote), and anything
// else up to a comma outside parentheses. nil when the row is not one
// parenthesised tuple.
func sqlRowCells(row []byte) []sqlCell {
	if len(row) == 0 || row[0] != '(' {
		return nil
	}
	var cells []sqlCell
	i := 1
	for i < len(row) {
		for i < len(row) && (row[i] == ' ' || row[i] == '\t') {
			i++
		}
		if i < len(row) && row[i] == '\'' {
			j := i + 1
			for j < len(row) && (row[j] != '\'' || j+1 < len(row) && row[j+1] == '\'') {
				if row[j] == '\'' {
					j++
				}
				j++
			}
			if j >= len(row) {
				return nil
			}
			cells = append(cells, sqlCell{text: row[i+1 : j], at: i + 1, quoted: true})
			i = j + 1
		} else {
			start, depth := i, 0
			for i < len(row) && (depth > 0 || row[i] != ',' && row[i] != ')') {
				switch row[i] {
				case '(':
					depth++
				case ')':
					depth--
				}
				i++
			}
			cells = append(cells, sqlCell{text: bytes.TrimSpace(row[start:i]), at: start})
		}
		for i < len(row) && (row[i] == ' ' || row[i] == '\t') {
			i++
		}
		if i >= len(row) {
			return nil
		}
		if row[i] == ')' {
			return cells
		}
		if row[i] != ',' {
			return nil
		}
		i++
	}
	return nil
}

// sqlHeader returns the INSERT statement that ends with line (the line
// ending in VALUES), its lines joined with spaces, when it starts on that
// line or one of the two above; nil otherwise. Its memory is the
// decoder's.
func (d *decoder) sqlHeader(line []byte) []byte {
	lines := [][]byte{line}
	at := d.lineAt
	for k := 0; ; k++ {
		first := lines[0]
		if i := indexFold(first, insertWord); i >= 0 {
			first = first[i:]
			n := 0
			for _, l := range lines[1:] {
				n += 1 + len(l)
			}
			if len(first)+n > maxHead {
				return nil
			}
			h := d.room(len(first) + n)
			h = append(h, first...)
			for _, l := range lines[1:] {
				h = append(append(h, ' '), l...)
			}
			return h
		}
		if k == 2 || at == 0 {
			return nil
		}
		start := bytes.LastIndexByte(d.text[:at-1], '\n') + 1
		prev := bytes.TrimSpace(d.text[start : at-1])
		if len(prev) == 0 || len(prev) > maxHead {
			return nil
		}
		lines = append([][]byte{prev}, lines...)
		at = start
	}
}

// indexFold returns the index of the first occurrence of the lower-case
// ASCII word in b, in any case, or -1.
func indexFold(b, word []byte) int {
	for i := 0; i+len(word) <= len(b); i++ {
		if bytes.EqualFold(b[i:i+len(word)], word) {
			return i
		}
	}
	return -1
}

// openSeq and openSeqCR are what seqItems looks for: a line that ends with
// a YAML key's colon, its value on the lines below.
var openSeq, openSeqCR = []byte(":\n"), []byte(":\r\n")

// seqItems reads a YAML key whose value is a sequence of scalars on the
// lines below it, as VCR and Betamax cassettes record request headers:
//
//	X-Api-Key:
//	- <value>
//
// Each item line becomes the key and the item (`X-Api-Key: <value>`) at
// the item's place, so that the rules for named values read it. Only a
// key named for a credential (credentialKey) is read, and at most
// maxSeqItems items: a cassette's other headers spend no budget.
func (d *decoder) seqItems(lineNo int, line []byte) {
	head := bytes.TrimRight(line, " \t\r")
	if len(head) > maxHead || len(head) < 2 {
		return
	}
	ind := len(head) - len(bytes.TrimLeft(head, " \t"))
	key := head[ind : len(head)-1]
	if !credentialKey(key) {
		return
	}
	end := d.lineEnd(d.lineAt)
	for k := 1; k <= maxSeqItems && end < len(d.text) && d.left(); k++ {
		var l []byte
		var lo int
		end, l, lo = d.nextLine(end)
		if lo < ind || !bytes.HasPrefix(l[lo:], dashSpace) {
			return
		}
		at := lo + len(dashSpace)
		at += len(l[at:]) - len(bytes.TrimLeft(l[at:], " \t"))
		item := bytes.TrimRight(l[at:], " \t")
		if len(item) == 0 || len(item) > maxValue || item[0] == '{' || item[0] == '[' ||
			bytes.HasSuffix(item, colon) || bytes.Contains(item, colonSpace) {
			return // a mapping or a nested sequence, not a scalar
		}
		d.takeJoined("seq", lineNo+k, utf8.RuneCount(l[:at])+1, item, len(key)+len(colonSpace), key, colonSpace, item)
	}
}

// dashSpace opens a YAML sequence item; colon ends a key.
var dashSpace, colon = []byte("- "), []byte(":")

// credentialKey reports a YAML key (a header's name in a cassette) named
// for a credential: it holds key, token, secret, auth, pass, pwd or
// credential, in any case, and no space (a sentence ending in a colon, or
// a list item's "- key:", is not one).
func credentialKey(key []byte) bool {
	if len(key) == 0 || len(key) > 64 || bytes.ContainsAny(key, " \t") {
		return false
	}
	for _, w := range credentialWords {
		if indexFold(key, w) >= 0 {
			return true
		}
	}
	return false
}

// credentialWords are what credentialKey looks for, in lower case.
var credentialWords = [][]byte{[]byte("key"), []byte("token"), []byte("secret"), []byte("auth"), []byte("pass"), []byte("pwd"), []byte("credential")}

// blockFolded and blockLiteral are what blockScalars looks for: a YAML
// key whose value is a block scalar (`key: >-`, `key: |`).
var blockFolded, blockLiteral = []byte(": >"), []byte(": |")

// blockScalars reads a YAML key whose value is a block scalar of one line,
// as Helm values and Ansible vars write long secrets:
//
//	cohere_api_key: >-
//	  <value>
//
// The value line becomes the key and the value (`cohere_api_key: <value>`)
// at the value's place. Only a key named for a credential (credentialKey),
// and only a block of one line: a longer block is a script, a certificate
// or a private key, which other readers take.
func (d *decoder) blockScalars(lineNo int, line []byte) {
	head := bytes.TrimRight(line, " \t\r")
	i := bytes.LastIndex(head, colonSpace)
	if i < 0 || len(head) > maxHead {
		return
	}
	ind := len(head) - len(bytes.TrimLeft(head, " \t"))
	if i <= ind {
		return
	}
	switch string(head[i+len(colonSpace):]) {
	case ">", ">-", ">+", "|", "|-", "|+":
	default:
		return
	}
	key := bytes.TrimPrefix(head[ind:i], dashSpace)
	if !credentialKey(key) {
		return
	}
	e := d.lineEnd(d.lineAt)
	if e >= len(d.text) {
		return
	}
	end, l, lo := d.nextLine(e)
	if lo <= ind || len(l) == lo {
		return
	}
	if end < len(d.text) {
		if _, after, alo := d.nextLine(end); len(bytes.TrimSpace(after)) > 0 && alo > ind {
			return // a block of more than one line
		}
	}
	value := bytes.TrimRight(l[lo:], " \t")
	if len(value) > maxValue {
		return
	}
	d.takeJoined("block", lineNo+1, utf8.RuneCount(l[:lo])+1, value, len(key)+len(colonSpace), key, colonSpace, value)
}

// flagItem and flagItemQuoted are what flagItems looks for: a YAML list
// item that is a command-line flag.
var flagItem, flagItemQuoted = []byte("- --"), []byte(`- "--`)

// equals joins a flag and the value flagItems reads after it.
var equals = []byte("=")

// flagItems reads a flag and its value written as two items of a YAML list,
// as Kubernetes and Compose write a container's arguments:
//
//	args:
//	- --api-key
//	- <value>
//
// The value's line becomes `--api-key=<value>` at the value's place. Only a
// flag named for a credential (credentialKey) and without a value of its
// own, and a value item at the same indent that is a scalar.
func (d *decoder) flagItems(lineNo int, line []byte) {
	head := bytes.TrimRight(line, " \t\r")
	ind := len(head) - len(bytes.TrimLeft(head, " \t"))
	if !bytes.HasPrefix(head[ind:], dashSpace) {
		return
	}
	flag := bytes.Trim(head[ind+len(dashSpace):], `"'`)
	if !bytes.HasPrefix(flag, []byte("--")) || bytes.IndexByte(flag, '=') >= 0 || !credentialKey(flag[2:]) {
		return
	}
	e := d.lineEnd(d.lineAt)
	if e >= len(d.text) {
		return
	}
	_, l, lo := d.nextLine(e)
	if lo != ind || !bytes.HasPrefix(l[lo:], dashSpace) {
		return
	}
	at := lo + len(dashSpace)
	item := bytes.TrimRight(l[at:], " \t")
	if len(item) == 0 || len(item) > maxValue || item[0] == '-' || item[0] == '{' || item[0] == '[' || bytes.Contains(item, colonSpace) {
		return
	}
	d.takeJoined("arg", lineNo+1, utf8.RuneCount(l[:at])+1, item, len(flag)+len(equals), flag, equals, item)
}
