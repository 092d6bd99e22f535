package reader

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"net/url"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Decoded is a value found encoded on a line of text, decoded in place:
// Text is that line with the encoded span replaced by its value, so that a
// rule still sees the name the value was given (`OPENAI_API_KEY: …`).
type Decoded struct {
	Kind        string // "base64", "json", "url", "concatenated", "unwrapped", "element", "pair", "plist", "csv", "table", "continued", "call", "row", "seq", "block" or "arg"
	Line        int    // 1-based line of the encoded span's start
	Col, EndCol int    // 1-based rune columns of the encoded span on Line (EndCol just after it)
	Text        []byte // Line with the span replaced by its decoded value
	Lo, Hi      int    // the decoded value's byte range in Text

	raw []byte // the encoded span
}

// Column returns the 1-based rune column on Line of the encoded text of
// the value's byte at offset off (from Lo). Escapes map byte by byte; a
// base64 value or an assembled key block has no finer place than its
// span's start.
func (d Decoded) Column(off int) int {
	if d.Kind == "element" || d.Kind == "pair" || d.Kind == "plist" || d.Kind == "csv" || d.Kind == "continued" ||
		d.Kind == "call" || d.Kind == "row" || d.Kind == "table" || d.Kind == "seq" || d.Kind == "block" || d.Kind == "arg" {
		return d.Col + utf8.RuneCount(d.raw[:min(off, len(d.raw))]) // the value as stored
	}
	if d.Kind == "unwrapped" {
		// The literal stands as stored at the end of its call or prefix.
		lead := max(len(d.raw)-(d.Hi-d.Lo), 0)
		return d.Col + utf8.RuneCount(d.raw[:min(lead+off, len(d.raw))])
	}
	if d.Kind != "url" && d.Kind != "json" {
		return d.Col
	}
	i, v := 0, 0
	for v < off && i < len(d.raw) {
		switch {
		case d.Kind == "url" && d.raw[i] == '%' && i+2 < len(d.raw) && isHex(d.raw[i+1]) && isHex(d.raw[i+2]):
			i, v = i+3, v+1
		case d.Kind == "json" && d.raw[i] == '\\' && i+1 < len(d.raw) && d.raw[i+1] == 'u':
			r, _ := hex4(d.raw, i+2)
			i += 6
			if utf16.IsSurrogate(r) && i+6 <= len(d.raw) && d.raw[i] == '\\' {
				lo, _ := hex4(d.raw, i+2)
				r = utf16.DecodeRune(r, lo)
				i += 6
			}
			v += utf8.RuneLen(r)
		case d.Kind == "json" && d.raw[i] == '\\':
			i, v = i+2, v+1
		default:
			i, v = i+1, v+1
		}
	}
	return d.Col + utf8.RuneCount(d.raw[:min(i, len(d.raw))])
}

// Budget bounds the work Decode does on one text.
type Budget struct {
	Values int // most values decoded
	Bytes  int // most bytes of decoded lines (the line around each value included)
}

// DefaultBudget is the budget of a short text; see BudgetFor.
var DefaultBudget = Budget{Values: 512, Bytes: 1 << 20}

// BudgetFor returns the budget for a text of n bytes: decoded lines to
// scan up to the text's own size again (and a megabyte for short texts),
// so decoding at most doubles the work of a text full of encoded values
// (a data file, a bundle); such a text decodes its first values only.
func BudgetFor(n int) Budget {
	return Budget{Values: DefaultBudget.Values + n/64, Bytes: DefaultBudget.Bytes + n}
}

// Limits on what counts as an encoded value.
const (
	minBase64  = 16       // shortest base64 run decoded: 12 bytes
	maxValue   = 64 << 10 // longest encoded value decoded
	maxLine    = 1 << 20  // longer lines are not searched
	minDecoded = 8        // shorter decoded values hold no key
	maxBlock   = 120      // lines a concatenated key block may span
)

// Decode finds the values in text (lines separated by "\n") that are
// stored encoded, and decodes them:
//   - base64 runs (standard or URL alphabet, padded or not) whose value is
//     printable text, not random bytes: Kubernetes Secret data, Docker's
//     auths.*.auth, `Authorization: Basic`, .npmrc `_auth`, Helm values and
//     any other. Data URIs (images, fonts, source maps), subresource
//     integrity hashes (`sha512-…`) and JWT segments are not decoded;
//   - JSON strings with escapes that hide a key's shape (`\"`, `\/`,
//     `\u…`), as in code or JSON embedded in a JSON string;
//   - URL-escaped runs (`%2B`, `%2F`), as in a connection string;
//   - private keys (PEM, PuTTY) written as string literals on successive
//     lines, joined by concatenation or line continuations, and string
//     literals joined on one line (`"sk_" + "…"`, PHP's `'sk_' . '…'`);
//   - XML elements whose value stands on a line of its own between the
//     opening and the closing tag (`<apiToken>`, the value, `</apiToken>`),
//     joined onto one line, when the element's name is secret-like;
//   - name and value pairs, as Kubernetes and ECS list environment
//     variables (`- name: DD_API_KEY` over `value: …`, or
//     `{"name": "DD_API_KEY", "value": "…"}`), read as `DD_API_KEY: …`
//     when the name is secret-like (Postman's `{"key": "password",
//     "value": "…"}` too);
//   - property list entries (Info.plist, GoogleService-Info.plist):
//     `<key>TomTomApiKey</key>` over or before `<string>…</string>`, read
//     as `TomTomApiKey: …` when the key is secret-like;
//   - a curl command continued over lines with "\": each later line that
//     gives a header or a user (`-H "X-Api-Key: …"`, `-u user:…`) is read
//     after the command's name, as `curl -H "X-Api-Key: …"`;
//   - Markdown tables whose header names a secret-like column
//     (`| vendor | key |`): each row's cell in it is read as `key: …`;
//   - a call opened at a line's end whose string arguments stand one to a
//     line below it: each is read after the call's line, as
//     `client = AcmeClient("…",`;
//   - the rows of an INSERT whose VALUES ends a line, one row to a line:
//     each is read after the statement's header, as
//     `INSERT INTO t (provider, api_key) VALUES ('acme', '…'),`.
//
// generated is set for generated files (lockfiles, minified code), where
// only the key blocks are looked for. Decode is pure; budget bounds it.
func Decode(text []byte, generated bool, budget *Budget) []Decoded {
	var dc Decoder
	return dc.Decode(text, generated, budget)
}

// A Decoder is Decode for one text after another, reusing its memory: what
// a call returns, Text included, is valid until the next call. A scanner
// keeps one, so that decoding allocates nothing once it has warmed up.
// The zero Decoder is ready to use.
type Decoder struct {
	out    []Decoded
	chunks [][]byte // memory the values' Text is carved from (see room)
	value  []byte   // a base64 value being decoded
}

// chunkSize is the size of the chunks that values' Text is carved from; a
// Text larger than a quarter of it gets memory of its own. Chunks, unlike
// one growing buffer, are never copied: a buffer that doubles keeps every
// smaller copy alive while the Texts carved from them are, which doubled
// the memory of a text full of encoded values (a history scan of
// trufflehog's repository peaked at 150 MiB instead of 115).
const chunkSize = 64 << 10

// Shrink lets go of the Decoder's memory when it holds more than n bytes:
// what one large text needed is not kept for the small ones after it.
func (dc *Decoder) Shrink(n int) {
	if cap(dc.out)*int(unsafe.Sizeof(Decoded{}))+len(dc.chunks)*chunkSize+cap(dc.value) > n {
		*dc = Decoder{}
	}
}

// Decode is the package's Decode, into the Decoder's memory.
func (dc *Decoder) Decode(text []byte, generated bool, budget *Budget) []Decoded {
	for i := range dc.chunks {
		dc.chunks[i] = dc.chunks[i][:0]
	}
	d := decoder{budget: budget, text: text, out: dc.out[:0], chunks: dc.chunks, value: dc.value}
	defer func() { dc.out, dc.chunks, dc.value = d.out, d.chunks, d.value }()
	if !generated {
		d.base64s()
		// Escapes are searched for only on the lines that hold a
		// backslash or a percent sign.
		d.eachLine(func(b []byte) int { return bytes.IndexByte(b, '\\') }, d.jsonStrings)
		d.eachLine(func(b []byte) int { return bytes.IndexByte(b, '%') }, d.urlEscapes)
		d.eachLine(func(b []byte) int { return bytes.Index(b, closeTag) }, d.element)
		// CloudFormation and SSM write Name and Value: both are searched for.
		d.eachLine(nextOf(d.text, valueWord, valueWordCap), d.pair)
		d.eachLine(func(b []byte) int { return bytes.Index(b, stringTag) }, d.plist)
		d.eachLine(func(b []byte) int { return bytes.Index(b, curlWord) }, d.continued)
		// One pass over the lines holding any of the four joins, so that a
		// line with both a "+" and a "." join is read once.
		plus, dot := nextOf(d.text, plusJoinDQ, plusJoinSQ), nextOf(d.text, dotJoinSQ, dotJoinDQ)
		d.eachLine(func(b []byte) int { return firstOf(plus(b), dot(b)) }, d.joinLiterals)
		d.eachLine(nextOf(d.text, callDQ, callSQ), d.unwrapCalls)
		d.eachLine(nextOf(d.text, bytesDQ, bytesSQ), d.unwrapBytes)
	}
	for _, marker := range [][]byte{pemBegin, puttyBegin} {
		d.eachLine(func(b []byte) int { return bytes.Index(b, marker) }, func(lineNo int, line []byte) {
			end := d.lineEnd(d.lineAt)
			d.keyBlock(lineNo, line, text[min(end+1, len(text)):])
		})
	}
	if !generated {
		// CSV and Markdown tables, call arguments, INSERT rows and YAML
		// sequences under a credential's name come
		// after the key blocks: an export or a seed file of thousands of
		// rows spends the budget one value a row, and must not leave a
		// private key below it unread.
		d.csvRows()
		d.eachLine(nextOf(d.text, tableRule, tableRuleSpaced), d.mdTables)
		d.eachLine(nextOf(d.text, openCall, openCallCR), d.callArgs)
		d.eachLine(nextOf(d.text, valuesUpper, valuesLower), d.sqlRows)
		d.eachLine(nextOf(d.text, openSeq, openSeqCR), d.seqItems)
		d.eachLine(nextOf(d.text, blockFolded, blockLiteral), d.blockScalars)
		d.eachLine(nextOf(d.text, flagItem, flagItemQuoted), d.flagItems)
	}
	slices.SortStableFunc(d.out, func(a, b Decoded) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return d.out
}

// decoder holds one Decode: the text, what was decoded, and a cursor that
// numbers lines as the searches move forward through the text.
type decoder struct {
	budget *Budget
	text   []byte
	out    []Decoded
	chunks [][]byte // where the values' Text is written (see room)
	chunk  int      // the chunk being filled
	value  []byte   // scratch for one base64 value

	counted, lineNo int // text[:counted] holds lineNo-1 newlines
	lineAt, lineTo  int // the line the last lineOf found
}

// lineOf returns the 1-based number and the content of the line holding
// text[pos]; positions may go back (each search starts over).
func (d *decoder) lineOf(pos int) (int, []byte) {
	if d.lineNo > 0 && d.lineAt <= pos && pos < d.lineTo && pos >= d.counted {
		d.counted = pos // the same line: no newline in between
		return d.lineNo, d.text[d.lineAt:d.lineTo]
	}
	if pos < d.counted {
		d.counted, d.lineNo = 0, 1
	}
	if d.lineNo == 0 {
		d.lineNo = 1
	}
	d.lineNo += bytes.Count(d.text[d.counted:pos], []byte{'\n'})
	d.counted = pos
	d.lineAt = bytes.LastIndexByte(d.text[:pos], '\n') + 1
	d.lineTo = d.lineEnd(pos)
	return d.lineNo, d.text[d.lineAt:d.lineTo]
}

// lineEnd returns the offset of the newline ending the line holding pos,
// or the text's length.
func (d *decoder) lineEnd(pos int) int {
	if i := bytes.IndexByte(d.text[pos:], '\n'); i >= 0 {
		return pos + i
	}
	return len(d.text)
}

// eachLine calls fn for each line on which find (an index function over
// the rest of the text) finds something, once per line, within the budget.
func (d *decoder) eachLine(find func([]byte) int, fn func(lineNo int, line []byte)) {
	for at := 0; at < len(d.text) && d.left(); {
		i := find(d.text[at:])
		if i < 0 {
			return
		}
		lineNo, line := d.lineOf(at + i)
		if len(line) <= maxLine {
			fn(lineNo, line)
		}
		at = d.lineEnd(at+i) + 1
	}
}

func (d *decoder) left() bool { return d.budget.Values > 0 && d.budget.Bytes > 0 }

// take records a decoded value, within the budget.
func (d *decoder) take(kind string, lineNo int, line []byte, lo, hi int, value []byte) {
	d.budget.Values--
	d.budget.Bytes -= len(line) - (hi - lo) + len(value) // what the engine will scan
	if d.budget.Bytes < 0 {
		return
	}
	t := d.room(len(line) - (hi - lo) + len(value))
	t = append(t, line[:lo]...)
	t = append(t, value...)
	t = append(t, line[hi:]...)
	col := utf8.RuneCount(line[:lo]) + 1
	d.out = append(d.out, Decoded{Kind: kind, Line: lineNo, Col: col, EndCol: col + utf8.RuneCount(line[lo:hi]),
		Text: t, Lo: lo, Hi: lo + len(value), raw: line[lo:hi]})
}

// room returns an empty slice with room for exactly n bytes: carved from
// the chunk being filled, or the next one, or memory of its own for a
// large n. Nothing written to a chunk is moved or overwritten until the
// next Decode.
func (d *decoder) room(n int) []byte {
	if n > chunkSize/4 {
		return make([]byte, 0, n)
	}
	for ; d.chunk < len(d.chunks); d.chunk++ {
		if c := d.chunks[d.chunk]; cap(c)-len(c) >= n {
			d.chunks[d.chunk] = c[:len(c)+n]
			return c[len(c) : len(c) : len(c)+n]
		}
	}
	d.chunks = append(d.chunks, make([]byte, n, chunkSize))
	return d.chunks[d.chunk][:0:n]
}

// b64Byte holds the bytes of either base64 alphabet; a table, since the
// search for runs looks at every byte of the text.
var b64Byte = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") {
		t[c] = true
	}
	return t
}()

func isB64(c byte) bool { return b64Byte[c] }

// Classes of base64 bytes, a bit each: plausibleBase64 ORs them over a run
// (a table load a byte, where a switch cost a third of the decoding of a
// file of Kubernetes Secrets).
const (
	b64Upper = 1 << iota
	b64Lower
	b64Digit
	b64Std // '+' or '/'
	b64URL // '-' or '_'
)

var b64Class = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = b64Upper
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = b64Lower
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = b64Digit
	}
	t['+'], t['/'], t['-'], t['_'] = b64Std, b64Std, b64URL, b64URL
	return t
}()

// base64s decodes the base64 runs of the text whose value is text. Runs
// never span lines ('\n' is not base64), so the whole text is searched at
// once and a line is only looked at when a run passes.
func (d *decoder) base64s() {
	text := d.text
	// Runs shorter than minBase64 do not matter, so the search probes
	// the last byte of the shortest run that could start at i: when it is
	// not base64, no such run starts at or before it (every run starts
	// right after a byte that is not base64, so none reaches back before i).
	for i := 0; i+minBase64 <= len(text) && d.left(); {
		p := i + minBase64 - 1
		if !b64Byte[text[p]] {
			i = p + 1
			continue
		}
		start := p
		for start > i && b64Byte[text[start-1]] {
			start--
		}
		j := p + 1
		for j < len(text) && b64Byte[text[j]] {
			j++
		}
		body := j
		for j < len(text) && j-body < 2 && text[j] == '=' {
			j++
		}
		i = j
		if body-start < minBase64 || body-start > maxValue {
			continue
		}
		lineNo, line := d.lineOf(start)
		at := start - d.lineAt
		if len(line) > maxLine || !plausibleBase64(line, at, at+body-start, at+j-start) {
			continue
		}
		value, ok := decodeBase64(d.value[:0], text[start:body])
		d.value = value[:0]
		if !ok {
			continue
		}
		d.take("base64", lineNo, line, at, at+j-start, value)
	}
}

// plausibleBase64 rejects runs that are not base64 of text before any
// decoding: identifiers and hex (one letter case, no digits), data URIs,
// integrity hashes, JWT segments, and runs whose first bytes are not
// printable.
func plausibleBase64(line []byte, start, body, end int) bool {
	run := line[start:body]
	// The first four characters are three bytes of the value: most runs
	// (identifiers, paths, hex) fail here.
	var head [3]byte
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(run[:4], "-_") {
		enc = base64.RawURLEncoding
	}
	if _, err := enc.Decode(head[:], run[:4]); err != nil || !printable(head[:]) {
		return false
	}
	var seen uint8 // the classes of the run's bytes (see b64Class)
	for _, c := range run {
		seen |= b64Class[c]
	}
	upper, lower, digit := seen&b64Upper != 0, seen&b64Lower != 0, seen&b64Digit != 0
	std, url := seen&b64Std != 0, seen&b64URL != 0
	if !upper || !lower || !(digit || std || end > body) || (std && url) {
		return false
	}
	before := line[:start]
	for _, p := range [][]byte{[]byte("base64,"), []byte("sha512-"), []byte("sha384-"), []byte("sha256-"), []byte("sha1-")} {
		if bytes.HasSuffix(before, p) {
			return false
		}
	}
	if end < len(line) && line[end] == '.' && bytes.HasPrefix(run, []byte("eyJ")) {
		return false // a JWT: the jwt rule reads it whole
	}
	return true
}

// decodeBase64 decodes a run in either alphabet, padded or not, into
// dst's memory (from dst[:0], grown as needed), and returns its value and
// whether it is printable text.
func decodeBase64(dst, run []byte) ([]byte, bool) {
	body := bytes.TrimRight(run, "=")
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(body, "-_") {
		enc = base64.RawURLEncoding
	}
	if len(body)%4 == 1 {
		return dst[:0], false
	}
	value := slices.Grow(dst[:0], enc.DecodedLen(len(body)))[:enc.DecodedLen(len(body))]
	n, err := enc.Decode(value, body)
	if err != nil {
		return value[:0], false
	}
	value = value[:n]
	if len(run) > 4 && (len(value) < minDecoded || !printable(value)) {
		return value[:0], false
	}
	return value, true
}

// printable reports whether b is UTF-8 text without control characters
// other than tab and line breaks.
func printable(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == utf8.RuneError {
			return false // RuneError: invalid UTF-8, or U+FFFD itself
		}
		i += size
	}
	return true
}

// jsonStrings decodes the JSON strings of a line that hold escapes.
func (d *decoder) jsonStrings(lineNo int, line []byte) {
	for i := 0; i < len(line) && d.left(); i++ {
		if line[i] != '"' {
			continue
		}
		end, escaped, ok := jsonStringEnd(line, i)
		if !ok {
			continue
		}
		// Decoded only when it hides something: most strings hold no escape.
		if raw := line[i+1 : end-1]; escaped && hidingEscape(raw) && len(raw) <= maxValue {
			if value, _, _, _ := unquoteJSON(line, i); len(value) >= minDecoded {
				d.take("json", lineNo, line, i+1, end-1, value)
			}
		}
		i = end - 1
	}
}

// hidingEscape reports whether a JSON string's raw text holds an escape
// that hides a key's shape from a rule: an escaped quote around a value
// (`api_key = \"…\"`), escaped slashes in a URL, \u escapes. Line breaks
// (`\n`) do not: the rules for key blocks read them escaped.
func hidingEscape(raw []byte) bool {
	for i := bytes.IndexByte(raw, '\\'); i >= 0 && i+1 < len(raw); {
		switch raw[i+1] {
		case '"', '/', 'u':
			return true
		}
		next := bytes.IndexByte(raw[i+2:], '\\')
		if next < 0 {
			return false
		}
		i += 2 + next
	}
	return false
}

// urlEscapes decodes the runs of a line that hold %XX escapes.
func (d *decoder) urlEscapes(lineNo int, line []byte) {
	isURLByte := func(c byte) bool {
		return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '`' && c != '<' && c != '>' && c != '\\'
	}
	for i := 0; i < len(line) && d.left(); {
		if !isURLByte(line[i]) {
			i++
			continue
		}
		j := i
		escaped := false
		for j < len(line) && isURLByte(line[j]) {
			if line[j] == '%' && j+2 < len(line) && isHex(line[j+1]) && isHex(line[j+2]) {
				escaped = true
			}
			j++
		}
		start := i
		i = j
		if !escaped || j-start < minDecoded || j-start > maxValue {
			continue
		}
		value, err := url.PathUnescape(string(line[start:j]))
		if err != nil || !printable([]byte(value)) {
			continue
		}
		d.take("url", lineNo, line, start, j, []byte(value))
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Markers of a private key block's first line, and of its last.
var (
	pemBegin   = []byte("-----BEGIN ")
	pemKey     = []byte("PRIVATE KEY")
	pemEnd     = []byte("-----END ")
	puttyBegin = []byte("PuTTY-User-Key-File-")
	puttyEnd   = []byte("Private-MAC:")
)

// keyBlock joins a private key written as string literals over several
// lines (`"-----BEGIN …\n" +`, Python's adjacent literals, a shell string
// continued with backslashes) into the block it stands for. rest is the
// text after line.
func (d *decoder) keyBlock(lineNo int, line, rest []byte) {
	at := bytes.Index(line, pemBegin)
	end := pemEnd
	if at < 0 || !bytes.Contains(line[at:], pemKey) {
		if at = bytes.Index(line, puttyBegin); at < 0 {
			return
		}
		end = puttyEnd
	}
	trimmed := bytes.TrimRight(line, " \t\r")
	quoted := bytes.ContainsAny(line[:at], "\"'`")
	if !quoted && !bytes.HasSuffix(trimmed, []byte{'\\'}) {
		return // a plain block: the rules read it as it is
	}
	var block []byte
	// The marker's literal opened just before it, with the quote nearest.
	in := byte(0)
	if quoted {
		in = line[bytes.LastIndexAny(line[:at], "\"'`")]
	}
	add := func(l []byte) {
		var part []byte
		part, in = literalText(l, in)
		if len(part) > 0 {
			if len(block) > 0 {
				block = append(block, '\n')
			}
			block = append(block, part...)
		}
	}
	add(line[at:])
	for n := 0; n < maxBlock && len(rest) > 0 && !bytes.Contains(line, end); n++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		line, rest = rest[:i], rest[min(i+1, len(rest)):]
		add(line)
	}
	if len(block) > maxValue {
		return
	}
	d.take("concatenated", lineNo, trimmed, at, len(trimmed), block)
}

// literalText returns what one line of a key block contributes: the
// contents of its string literals, escapes undone, or the line itself when
// it holds none; without line breaks and continuation backslashes at its
// ends. in is the quote of the literal open at the line's start (0 for
// none); the one open at its end is returned.
func literalText(line []byte, in byte) ([]byte, byte) {
	var out []byte
	sawQuote := in != 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case in == 0 && (c == '"' || c == '\'' || c == '`'):
			in, sawQuote = c, true
		case in == 0:
		case c == in:
			in = 0
		case c == '\\' && i+1 < len(line):
			i++
			switch line[i] {
			case 'n', 'r':
				out = append(out, '\n')
			case 't':
				out = append(out, '\t')
			default:
				out = append(out, line[i])
			}
		default:
			out = append(out, c)
		}
	}
	if !sawQuote {
		out = bytes.TrimSpace(line)
	}
	out = bytes.TrimRight(out, "\\ \t\r\n")
	return bytes.TrimLeft(out, " \t"), in
}

// closeTag starts the closing tag element looks for.
var closeTag = []byte("</")

// secretTagWords are what an element's name must hold (in any case) for
// element to join it: the names the key-like rules take, and no others, so
// that a pom.xml's hundreds of <version> elements cost nothing.
var secretTagWords = [][]byte{
	[]byte("key"), []byte("token"), []byte("secret"), []byte("pass"), []byte("pwd"),
	[]byte("credential"), []byte("auth"), []byte("certificate"),
}

// element joins an XML element written over three lines, the opening tag,
// the value alone, the closing tag, into "<name>value</name>" at the value's
// place, so that the rules that read "<apiToken>value</apiToken>" on one
// line read it too. line holds the closing tag; it and the opening tag must
// be alone on their lines, and the value one word.
func (d *decoder) element(lineNo int, line []byte) {
	closing := bytes.TrimSpace(line)
	if len(closing) < 4 || !bytes.HasPrefix(closing, closeTag) || closing[len(closing)-1] != '>' || lineNo < 3 {
		return
	}
	name := closing[2 : len(closing)-1]
	if !isTagName(name) || !secretTag(name) {
		return
	}
	valueEnd := d.lineAt - 1 // the newline ending the value's line
	valueStart := bytes.LastIndexByte(d.text[:valueEnd], '\n') + 1
	if valueStart == 0 {
		return
	}
	openStart := bytes.LastIndexByte(d.text[:valueStart-1], '\n') + 1
	opening := bytes.TrimSpace(d.text[openStart : valueStart-1])
	if len(opening) < len(name)+2 || opening[0] != '<' || opening[len(opening)-1] != '>' ||
		!bytes.HasPrefix(opening[1:], name) {
		return
	}
	if rest := opening[1+len(name) : len(opening)-1]; len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return // <apiTokenList>, not <apiToken>
	}
	valueLine := bytes.TrimRight(d.text[valueStart:valueEnd], "\r")
	lo := len(valueLine) - len(bytes.TrimLeft(valueLine, " \t"))
	value := bytes.TrimRight(valueLine[lo:], " \t")
	if len(value) == 0 || len(value) > maxValue || bytes.ContainsAny(value, "<> \t") {
		return
	}
	d.takeJoined("element", lineNo-1, utf8.RuneCount(valueLine[:lo])+1, value, len(name)+2,
		[]byte("<"), name, []byte(">"), value, closeTag, name, []byte(">"))
}

// takeJoined records a value read from a line joined with others (an
// element's tags, a pair's name): the rules read the parts joined into one
// line, raw (one of the parts) stands at offset lo of it, and col is raw's
// column on line lineNo. It is within the budget, as take is.
func (d *decoder) takeJoined(kind string, lineNo, col int, raw []byte, lo int, parts ...[]byte) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	d.budget.Values--
	d.budget.Bytes -= n
	if d.budget.Bytes < 0 {
		return
	}
	t := d.room(n)
	for _, p := range parts {
		t = append(t, p...)
	}
	d.out = append(d.out, Decoded{Kind: kind, Line: lineNo, Col: col, EndCol: col + utf8.RuneCount(raw),
		Text: t, Lo: lo, Hi: lo + len(raw), raw: raw})
}

// isTagName reports whether b is an XML element name as config files
// write them: letters, digits, "_", "-", "." and ":".
func isTagName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// secretTag reports whether an element's name holds one of secretTagWords.
func secretTag(name []byte) bool {
	var b [64]byte
	if len(name) > len(b) {
		return false
	}
	lower := b[:len(name)]
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, w := range secretTagWords {
		if bytes.Contains(lower, w) {
			return true
		}
	}
	return false
}

// valueWord is what pair looks for; valueWordCap its CloudFormation form.
var valueWord, valueWordCap = []byte("value"), []byte("Value")

// nextOf returns an eachLine finder of the next a or b in text. Each
// word's next place is remembered until the search passes it, so a text
// with thousands of one word and none of the other is read once per word,
// not once per occurrence (a C# file's .Value with no "value").
func nextOf(text, a, b []byte) func(rest []byte) int {
	nextA, nextB := -2, -2 // offsets in text; -2 not searched yet, -1 none left
	find := func(next *int, word, rest []byte, base int) int {
		if *next != -1 && *next < base {
			*next = -1
			if i := bytes.Index(rest, word); i >= 0 {
				*next = base + i
			}
		}
		if *next < 0 {
			return -1
		}
		return *next - base
	}
	return func(rest []byte) int {
		base := len(text) - len(rest)
		return firstOf(find(&nextA, a, rest, base), find(&nextB, b, rest, base))
	}
}

// firstOf returns the smaller of two indexes that are not -1, or -1.
func firstOf(i, j int) int {
	if i < 0 || j >= 0 && j < i {
		return j
	}
	return i
}

// pair reads a name and value pair as an assignment: "- name: DD_API_KEY"
// over "value: …" (Kubernetes env, Helm, GitHub Actions inputs), or both on
// one line in JSON (ECS task definitions), becomes "DD_API_KEY: …" at the
// value's place. The name must be secret-like (secretTag), so that the
// thousands of name and value pairs of a manifest cost little.
func (d *decoder) pair(lineNo int, line []byte) {
	line = bytes.TrimRight(line, "\r")
	for from := 0; d.left(); {
		at := firstOf(keyAt(line, from, valueWord), keyAt(line, from, valueWordCap))
		if at < 0 {
			return
		}
		d.pairAt(lineNo, line, from, at)
		from = at
	}
}

// pairAt is pair for the value starting at line[at:], whose name is on
// line[from:at] or, for the line's first value, on the line above.
func (d *decoder) pairAt(lineNo int, line []byte, from, at int) {
	rest := line[at:]
	seg := line[from:at]
	if open := bytes.LastIndexByte(seg, '{'); open >= 0 {
		// The name of this value's own object: in [{"name":"password",...},
		// {"name":"csrf_token",...,"value":"..."}] the value is the CSRF
		// token's, not the password's.
		seg = seg[open:]
	}
	name, named := pairName(seg)
	if !named && from == 0 && lineNo > 1 {
		// No name of its own: the name on the line above, in the same
		// list item or object.
		end := d.lineAt - 1
		start := bytes.LastIndexByte(d.text[:end], '\n') + 1
		name, _ = pairName(bytes.TrimRight(d.text[start:end], "\r"))
	}
	if name == nil || len(rest) == 0 || len(rest) > maxValue {
		return
	}
	d.takeJoined("pair", lineNo, utf8.RuneCount(line[:at])+1, rest, len(name)+2, name, []byte(": "), rest)
}

// keyAt returns where the value of the key word starts in line: after
// `word:` or `"word":`, the key standing first on the line (after indent and
// a list's "- "), or after "{" or "," in a JSON object; -1 when it does not.
func keyAt(line []byte, from int, word []byte) int {
	for i := from; i < len(line); {
		j := bytes.Index(line[i:], word)
		if j < 0 {
			return -1
		}
		j += i
		i = j + len(word)
		before := bytes.TrimRight(line[:j], " \t")
		quote := byte(0)
		if len(before) > 0 && (before[len(before)-1] == '"' || before[len(before)-1] == '\'') {
			quote = before[len(before)-1]
			before = bytes.TrimRight(before[:len(before)-1], " \t")
		}
		lead := bytes.TrimLeft(before, " \t")
		if !(len(lead) == 0 || bytes.Equal(lead, []byte("-")) || bytes.HasSuffix(lead, []byte("{")) || bytes.HasSuffix(lead, []byte(","))) {
			continue
		}
		k := j + len(word)
		if quote != 0 {
			if k >= len(line) || line[k] != quote {
				continue
			}
			k++
		}
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		if k >= len(line) || line[k] != ':' {
			continue
		}
		k++
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		return k
	}
	return -1
}

var nameWord, nameWordCap, keyWord = []byte("name"), []byte("Name"), []byte("key")

// pairName returns the secret-like name a "name" key gives in text (a
// line, or the part of one before its value key): `name: DD_API_KEY`,
// `- name: "DD_API_KEY"`, `{"name": "DD_API_KEY",`. named reports whether
// text has a name key at all; name is nil when it has none or when the
// name is not secret-like.
func pairName(text []byte) (name []byte, named bool) {
	at := keyAt(text, 0, nameWord)
	if at < 0 {
		at = keyAt(text, 0, nameWordCap) // CloudFormation's Name and Value
	}
	if at < 0 {
		at = keyAt(text, 0, keyWord) // Postman's variables, headers and auth
	}
	if at < 0 {
		return nil, false
	}
	v := text[at:]
	if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
		end := bytes.IndexByte(v[1:], v[0])
		if end < 0 {
			return nil, true
		}
		v = v[1 : end+1]
	} else if end := bytes.IndexAny(v, " \t,}"); end >= 0 {
		v = v[:end]
	}
	if len(v) == 0 || len(v) > 64 || !isTagName(v) || !secretTag(v) {
		return nil, true
	}
	return v, true
}

// curlWord is what continued looks for.
var curlWord = []byte("curl")

// maxContinued bounds how many continuation lines of one command are read.
const maxContinued = 40

// curlFlags are the options whose continuation lines continued joins: the
// ones the curl rules read credentials from.
var curlFlags = [][]byte{[]byte("-H"), []byte("--header"), []byte("-u"), []byte("--user")}

// continued joins the lines of a curl command continued with a trailing
// backslash: each later line that starts with a header or user option is
// read as "curl " and that line, so that the rules for curl's credentials,
// which keep to one line, read `-u user:…` under `curl https://… \`.
func (d *decoder) continued(lineNo int, line []byte) {
	i := bytes.Index(line, curlWord)
	if i < 0 || i > 0 && isWordByte(line[i-1]) || i+len(curlWord) < len(line) && isWordByte(line[i+len(curlWord)]) {
		return // "libcurl", "curly"
	}
	end := d.lineEnd(d.lineAt)
	for n := 1; n <= maxContinued && continues(line) && end < len(d.text) && d.left(); n++ {
		start := end + 1
		end = d.lineEnd(start)
		line = bytes.TrimRight(d.text[start:end], "\r")
		if len(line) > maxLine {
			return
		}
		lo := len(line) - len(bytes.TrimLeft(line, " \t"))
		raw := bytes.TrimRight(line[lo:], " \t\\")
		if startsWithFlag(raw) && len(raw) <= maxValue {
			d.takeJoined("continued", lineNo+n, utf8.RuneCount(line[:lo])+1, raw, len(curlWord)+1,
				curlWord, []byte(" "), raw)
		}
	}
}

// continues reports whether a shell line ends in a backslash that
// continues the command on the next line.
func continues(line []byte) bool {
	line = bytes.TrimRight(line, " \t\r")
	return len(line) > 0 && line[len(line)-1] == '\\'
}

// startsWithFlag reports whether b starts with one of curlFlags and then a
// space, "=" or a quote (`-H "…"`, `--user=…`, `-u'…'`).
func startsWithFlag(b []byte) bool {
	for _, f := range curlFlags {
		if !bytes.HasPrefix(b, f) || len(b) == len(f) {
			continue
		}
		switch b[len(f)] {
		case ' ', '\t', '=', '"', '\'':
			return true
		}
	}
	return false
}

// isWordByte reports a byte of a word: a letter, a digit or "_".
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// stringTag and stringClose frame the value plist looks for; keyOpen and
// keyClose frame its key.
var (
	stringTag, stringClose = []byte("<string>"), []byte("</string>")
	keyOpen, keyClose      = []byte("<key>"), []byte("</key>")
)

// plist reads a property list entry, `<key>NAME</key>` and then
// `<string>VALUE</string>` on the same line or the next, as "NAME: VALUE"
// at the value's place, when NAME is secret-like: Info.plist and
// GoogleService-Info.plist keep keys so.
func (d *decoder) plist(lineNo int, line []byte) {
	line = bytes.TrimRight(line, "\r")
	at := bytes.Index(line, stringTag)
	end := bytes.Index(line, stringClose)
	if at < 0 || end < at {
		return
	}
	value := line[at+len(stringTag) : end]
	if len(value) == 0 || len(value) > maxValue || bytes.IndexByte(value, '<') >= 0 {
		return
	}
	before := bytes.TrimSpace(line[:at])
	if len(before) == 0 && lineNo > 1 { // the key on the line above
		prevEnd := d.lineAt - 1
		before = bytes.TrimSpace(d.text[bytes.LastIndexByte(d.text[:prevEnd], '\n')+1 : prevEnd])
	}
	if !bytes.HasSuffix(before, keyClose) {
		return
	}
	before = before[:len(before)-len(keyClose)]
	open := bytes.LastIndex(before, keyOpen)
	if open < 0 {
		return
	}
	name := before[open+len(keyOpen):]
	if !isTagName(name) || !secretTag(name) {
		return
	}
	col := utf8.RuneCount(line[:at+len(stringTag)]) + 1
	// Quoted, as a JSON member: the rules for PascalCase names (FreshaPartnerKey)
	// read a quoted value.
	d.takeJoined("plist", lineNo, col, value, len(name)+3, name, []byte(`: "`), value, []byte(`"`))
}
