package reader

import "bytes"

// Conversion calls that code wraps around a key's literal where it needs
// bytes rather than a string: Go's `[]byte("…")`, Python's
// `bytes.fromhex("…")` and `base64.b64decode("…")`, Node's
// `Buffer.from("…", "hex")`, jose's `new TextEncoder().encode("…")`,
// Java's `Base64.getDecoder().decode("…")`, .NET's
// `Encoding.UTF8.GetBytes("…")`, PHP's `hex2bin('…')`, Ruby's
// `Base64.decode64('…')`. Only these: a call that looks a value up
// (`os.getenv("…")`, `vault.read("…")`, `input("…")`) names where the key
// is, not the key.
var wrapCalls = [][]byte{
	[]byte("[]byte"), []byte("fromhex"), []byte("unhexlify"), []byte("a2b_hex"),
	[]byte("b64decode"), []byte("SecretStr"), []byte("SecretBytes"), []byte("bytes"),
	[]byte("bytearray"), []byte("Buffer.from"), []byte("TextEncoder().encode"), []byte("atob"),
	[]byte("Decoder().decode"), []byte("Base64.decode"), []byte("parseHexBinary"), []byte("decodeHex"),
	[]byte("hmacShaKeyFor"), []byte("SecretKeySpec"), []byte("GetBytes"), []byte("FromBase64String"),
	[]byte("FromHexString"), []byte("hex2bin"), []byte("base64_decode"), []byte("decode64"),
	[]byte("hex::decode"), []byte("base64::decode"), []byte("Data"),
}

// Where a wrapped literal's line is looked at: a literal that opens a
// call's arguments.
var callDQ, callSQ = []byte(`("`), []byte(`('`)

// Where a bytes literal is looked for: `SECRET_KEY = b"…"` in Python,
// `let key = b"…";` in Rust, `bytes(b"…")`. One search finds both the
// literal after a space and the one that opens a call.
var bytesDQ, bytesSQ = []byte(`b"`), []byte(`b'`)

// unwrapCalls reads a literal passed to a conversion call (wrapCalls) as
// the literal alone, so that `var jwtKey = []byte("…")` is read as
// `var jwtKey = "…"`: the name on its left still decides whether it is a
// key.
func (d *decoder) unwrapCalls(lineNo int, line []byte) { d.unwrap(lineNo, line, false) }

func (d *decoder) unwrap(lineNo int, line []byte, prefixed bool) {
	for i := bytes.IndexByte(line, '('); i >= 0 && d.left(); {
		q := i + 1
		if prefixed {
			q++
		}
		if q < len(line) && (line[q] == '"' || line[q] == '\'') && (!prefixed || line[i+1] == 'b') {
			if lo := wrapperStart(line[:i]); lo >= 0 {
				close := bytes.IndexByte(line[q+1:], line[q])
				if close >= minDecoded*2 && bytes.IndexByte(line[q+1:q+1+close], '\\') < 0 {
					end := q + 2 + close
					value := append(d.value[:0], line[q])
					value = append(value, line[q+1:end]...)
					d.value = value
					d.take("unwrapped", lineNo, line, lo, end, value)
					i = end - 1
				}
			}
		}
		next := bytes.IndexByte(line[i+1:], '(')
		if next < 0 {
			return
		}
		i += 1 + next
	}
}

// wrapperStart returns where the conversion call that ends prefix (just
// before its "(") starts, or -1 when prefix ends in no conversion call:
// `[]byte`, `bytes.fromhex`, `new TextEncoder().encode`, but not
// `mybytes` or `Database`.
func wrapperStart(prefix []byte) int {
	for _, w := range wrapCalls {
		if !bytes.HasSuffix(prefix, w) {
			continue
		}
		at := len(prefix) - len(w)
		if at > 0 && w[0] != '[' && isWordByte(prefix[at-1]) {
			continue
		}
		return receiverStart(prefix, at)
	}
	return -1
}

// receiverStart returns where the call whose name starts at prefix[at]
// starts with its receiver: `base64.` of `base64.b64decode`,
// `Base64.getDecoder().` of `decode`, `new ` before `TextEncoder()`.
func receiverStart(prefix []byte, at int) int {
	for at > 0 {
		switch c := prefix[at-1]; {
		case c == '.' || c == ':' || isWordByte(c):
			at--
		case c == ')' && at >= 2 && prefix[at-2] == '(':
			at -= 2
		default:
			if bytes.HasSuffix(prefix[:at], newWord) {
				at -= len(newWord)
			}
			return at
		}
	}
	return at
}

// newWord is the keyword a constructor call may open with.
var newWord = []byte("new ")

// unwrapBytes reads a bytes literal passed to a conversion call
// (`bytes(b"…")`, which unwrapCalls leaves) as unwrapCalls reads a string
// literal, and one after a space (`KEY = b"…"`) as a string literal:
// `KEY = "…"`.
func (d *decoder) unwrapBytes(lineNo int, line []byte) {
	d.unwrap(lineNo, line, true)
	for _, w := range [][]byte{bytesDQ, bytesSQ} {
		for from := 1; d.left(); {
			i := bytes.Index(line[from:], w)
			if i < 0 {
				break
			}
			b := from + i // the "b"
			q := line[b+1]
			from = b + 2
			if line[b-1] != ' ' {
				continue
			}
			close := bytes.IndexByte(line[b+2:], q)
			if close < minDecoded*2 || bytes.IndexByte(line[b+2:b+2+close], '\\') >= 0 {
				continue
			}
			end := b + 3 + close
			d.take("unwrapped", lineNo, line, b, end, line[b+1:end])
			from = end
		}
	}
}
