// Package workload generates the repositories that keyguard's benchmarks run
// on: deterministic (a seeded PRNG and fixed commit dates), code-shaped
// (Go, Python, JavaScript, YAML, JSON, Markdown, minified bundles, lock
// files) and salted with a few fake keys expanded at run time from
// internal/fakekey templates, so that this source never holds a key.
package workload

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Lang is the kind of source a generated file holds.
type Lang int

// The languages a generated file can be written in.
const (
	Go Lang = iota
	Python
	JS
	YAML
	JSON
	Markdown
	MinJS // one long minified line, like a vendored bundle
	Lock  // a package-lock.json: many high-entropy integrity hashes
)

// exts maps a language to its file name extensions.
var exts = map[Lang]string{
	Go: ".go", Python: ".py", JS: ".js", YAML: ".yaml", JSON: ".json",
	Markdown: ".md", MinJS: ".min.js", Lock: ".lock.json",
}

// LangOf guesses a path's language back from its extension.
func LangOf(path string) Lang {
	switch {
	case strings.HasSuffix(path, ".min.js"):
		return MinJS
	case strings.HasSuffix(path, ".lock.json"):
		return Lock
	case strings.HasSuffix(path, ".go"):
		return Go
	case strings.HasSuffix(path, ".py"):
		return Python
	case strings.HasSuffix(path, ".js"), strings.HasSuffix(path, ".ts"):
		return JS
	case strings.HasSuffix(path, ".yaml"), strings.HasSuffix(path, ".yml"):
		return YAML
	case strings.HasSuffix(path, ".json"):
		return JSON
	}
	return Markdown
}

// words is the vocabulary identifiers, strings and prose are built from. It
// includes words secret scanners key on (token, secret, password) because
// real code is full of them.
var words = strings.Fields(`
user account config request response handler cache index item order payment
session client server router queue event message record buffer stream file
path node graph edge value name id count limit offset page size status error
result context logger metric report schema table query filter sort batch job
task worker pool lock state store model view widget button form field input
output parser lexer scope module package service endpoint route health probe
deploy build release version tag branch commit diff patch merge ticket invoice
customer product cart price amount currency address email phone profile avatar
image upload download storage bucket region zone cluster pod container volume
token secret password credential auth login logout permission role group team
tenant project workspace feature flag retry timeout deadline backoff window
frame layout theme color style render template header footer body title label
`)

// typeNames are the types Go and TypeScript-ish code refers to.
var goTypes = []string{"string", "int", "int64", "bool", "[]byte", "error", "time.Duration", "map[string]string", "*Config", "[]string"}

// rnd wraps the PRNG with the helpers the emitters share.
type rnd struct{ *rand.Rand }

func newRnd(seed, stream uint64) rnd {
	return rnd{rand.New(rand.NewPCG(seed, stream^0x9e3779b97f4a7c15))}
}

func (r rnd) word() string { return words[r.IntN(len(words))] }

// pick returns one of its arguments.
func (r rnd) pick(s ...string) string { return s[r.IntN(len(s))] }

// ident is a camelCase identifier of one to three words.
func (r rnd) ident() string {
	n := 1 + r.IntN(3)
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := r.word()
		if i > 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}

// Ident is ident with a capital first letter (exported Go, classes).
func (r rnd) Ident() string { s := r.ident(); return strings.ToUpper(s[:1]) + s[1:] }

// snake is a snake_case identifier.
func (r rnd) snake() string {
	n := 1 + r.IntN(3)
	p := make([]string, n)
	for i := range p {
		p[i] = r.word()
	}
	return strings.Join(p, "_")
}

// phrase is n words separated by spaces.
func (r rnd) phrase(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = r.word()
	}
	return strings.Join(p, " ")
}

// capital upper-cases the first letter of s.
func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func (r rnd) num() string { return strconv.Itoa(r.IntN(5000)) }

// hexN is n random lowercase hex digits (commit ids, digests).
func (r rnd) hexN(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

// b64N is n random base64 characters (integrity hashes).
func (r rnd) b64N(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(64)]
	}
	return string(b)
}

// emitter appends code-shaped text to a buffer.
type emitter struct {
	r   rnd
	buf []byte
}

func (e *emitter) line(indent int, parts ...string) {
	for i := 0; i < indent; i++ {
		e.buf = append(e.buf, '\t')
	}
	for _, p := range parts {
		e.buf = append(e.buf, p...)
	}
	e.buf = append(e.buf, '\n')
}

// spaces indents with n*w spaces (Python, JS, YAML).
func (e *emitter) sline(n int, parts ...string) {
	for i := 0; i < n; i++ {
		e.buf = append(e.buf, "  "...)
	}
	for _, p := range parts {
		e.buf = append(e.buf, p...)
	}
	e.buf = append(e.buf, '\n')
}

// header starts a file of the given language.
func (e *emitter) header(l Lang, pkg string) {
	r := e.r
	switch l {
	case Go:
		e.line(0, "// Package ", pkg, " handles ", r.phrase(4), ".")
		e.line(0, "package ", pkg)
		e.line(0)
		e.line(0, "import (")
		for _, imp := range []string{"context", "errors", "fmt", "strings", "time"} {
			e.line(1, `"`, imp, `"`)
		}
		e.line(0, ")")
		e.line(0)
		t := r.Ident()
		e.line(0, "// ", t, " holds the ", r.phrase(3), ".")
		e.line(0, "type ", t, " struct {")
		for i := 0; i < 3+r.IntN(6); i++ {
			f := r.snake()
			e.line(1, r.Ident(), " ", goTypes[r.IntN(len(goTypes))], " `json:\"", f, "\"`")
		}
		e.line(0, "}")
		e.line(0)
	case Python:
		e.line(0, `"""`, strings.ToUpper(pkg[:1]), pkg[1:], ": ", r.phrase(6), `."""`)
		e.line(0, "import logging")
		e.line(0, "import os")
		e.line(0, "from dataclasses import dataclass")
		e.line(0)
		e.line(0, "log = logging.getLogger(__name__)")
		e.line(0, r.pick("API_URL", "BASE_URL", "SERVICE_URL"), ` = os.environ.get("`, strings.ToUpper(r.snake()), `", "https://`, r.word(), `.example.com")`)
		e.line(0)
	case JS:
		e.line(0, "'use strict';")
		e.line(0, "import { ", r.ident(), ", ", r.ident(), " } from './", r.word(), "';")
		e.line(0, "import ", r.ident(), " from '", r.word(), "-", r.word(), "';")
		e.line(0)
		e.line(0, "const ", strings.ToUpper(r.snake()), " = process.env.", strings.ToUpper(r.snake()), " || '", r.word(), "';")
		e.line(0)
	case YAML:
		e.line(0, "apiVersion: apps/v1")
		e.line(0, "kind: Deployment")
		e.line(0, "metadata:")
		e.sline(1, "name: ", r.word(), "-", r.word())
		e.sline(1, "labels:")
		e.sline(2, "app: ", pkg)
		e.line(0, "spec:")
		e.sline(1, "replicas: ", strconv.Itoa(1+r.IntN(5)))
		e.sline(1, "containers:")
	case JSON, Lock:
		e.line(0, "{")
		e.sline(1, `"name": "`, pkg, `",`)
		e.sline(1, `"version": "`, strconv.Itoa(r.IntN(4)), ".", strconv.Itoa(r.IntN(30)), `.0",`)
		e.sline(1, `"items": [`)
	case Markdown:
		e.line(0, "# ", strings.ToUpper(pkg[:1]), pkg[1:], " ", r.phrase(2))
		e.line(0)
	}
}

// footer closes what header opened.
func (e *emitter) footer(l Lang) {
	switch l {
	case JSON, Lock:
		e.sline(2, `{"end": true}`)
		e.sline(1, "]")
		e.line(0, "}")
	}
}

// block appends one function, class, resource or paragraph.
func (e *emitter) block(l Lang) {
	r := e.r
	switch l {
	case Go:
		recv, typ, a, v := string(r.word()[0]), r.Ident(), r.ident(), r.ident()
		e.line(0, "// ", r.Ident(), " ", r.word(), "s the ", r.phrase(2), " of ", a, ".")
		e.line(0, "func (", recv, " *", typ, ") ", r.Ident(), "(ctx context.Context, ", a, " ", goTypes[r.IntN(len(goTypes))], ") (", goTypes[r.IntN(4)], ", error) {")
		e.line(1, v, " := ", recv, ".", r.ident(), "(", a, ")")
		e.line(1, "if ", v, " == nil {")
		e.line(2, `return nil, fmt.Errorf("`, r.phrase(3), `: %w", errors.New("`, r.phrase(2), `"))`)
		e.line(1, "}")
		for i := 0; i < 2+r.IntN(10); i++ {
			switch r.IntN(7) {
			case 0:
				e.line(1, "for _, ", r.ident(), " := range ", v, ".", r.Ident(), "s {")
				e.line(2, r.ident(), " += len(", r.ident(), ") * ", r.num())
				e.line(1, "}")
			case 1:
				e.line(1, "if err := ", recv, ".", r.ident(), "(ctx, ", v, "); err != nil {")
				e.line(2, "return nil, err")
				e.line(1, "}")
			case 2:
				e.line(1, `log.Printf("`, r.phrase(3), ` %s after %v", `, a, ", time.Since(start))")
			case 3:
				e.line(1, r.ident(), ` := strings.TrimPrefix(`, v, `.`, r.Ident(), `, "/`, r.word(), `/")`)
			case 4:
				e.line(1, recv, ".", r.ident(), `["`, r.snake(), `"] = `, v, ".", r.Ident())
			case 5:
				e.line(1, "url := \"https://", r.word(), ".example.com/v", strconv.Itoa(1+r.IntN(3)), "/", r.word(), "/\" + ", a)
			default:
				e.line(1, r.ident(), " := ", r.ident(), "(", r.ident(), ", ", r.num(), ", time.Second)")
			}
		}
		e.line(1, "return ", v, ".", r.Ident(), ", nil")
		e.line(0, "}")
		e.line(0)
	case Python:
		fn, a, v := r.snake(), r.snake(), r.snake()
		if r.IntN(6) == 0 {
			e.line(0, "@dataclass")
			e.line(0, "class ", r.Ident(), ":")
			for i := 0; i < 2+r.IntN(5); i++ {
				e.sline(2, r.snake(), ": ", r.pick("str", "int", "bool", "float", "list[str]"), " = ", r.pick(`""`, "0", "False", "None"))
			}
			e.line(0)
		}
		e.line(0, "def ", fn, "(", a, ", ", r.snake(), "=None, **kwargs):")
		e.sline(2, `"""`, capital(r.phrase(5)), `."""`)
		e.sline(2, v, " = kwargs.get(\"", r.snake(), "\", ", r.num(), ")")
		for i := 0; i < 2+r.IntN(9); i++ {
			switch r.IntN(5) {
			case 0:
				e.sline(2, "for ", r.snake(), " in ", v, ":")
				e.sline(4, r.snake(), ".append(", r.snake(), "[", r.num(), "])")
			case 1:
				e.sline(2, "if ", a, " is None:")
				e.sline(4, `raise ValueError(f"`, r.phrase(3), ` {`, a, `!r}")`)
			case 2:
				e.sline(2, `log.info("`, r.phrase(4), ` %s", `, v, ")")
			case 3:
				e.sline(2, r.snake(), " = {\"", r.snake(), "\": ", a, ", \"", r.snake(), "\": ", r.num(), "}")
			default:
				e.sline(2, v, " = ", r.snake(), "(", a, ", timeout=", r.num(), ")")
			}
		}
		e.sline(2, "return ", v)
		e.line(0)
		e.line(0)
	case JS:
		fn, a, v := r.ident(), r.ident(), r.ident()
		e.line(0, "/**")
		e.line(0, " * ", r.Ident(), " ", r.phrase(5), ".")
		e.line(0, " */")
		e.line(0, "export async function ", fn, "(", a, ", options = {}) {")
		e.sline(1, "const ", v, " = await fetch(`/api/", r.word(), "/${", a, "}`, { method: '", r.pick("GET", "POST", "PUT"), "' });")
		e.sline(1, "if (!", v, ".ok) {")
		e.sline(2, "throw new Error(`", r.phrase(3), ": ${", v, ".status}`);")
		e.sline(1, "}")
		for i := 0; i < 2+r.IntN(9); i++ {
			switch r.IntN(5) {
			case 0:
				e.sline(1, "for (const ", r.ident(), " of ", v, ".", r.ident(), ") {")
				e.sline(2, r.ident(), ".push(", r.ident(), " * ", r.num(), ");")
				e.sline(1, "}")
			case 1:
				e.sline(1, "const { ", r.ident(), ", ", r.ident(), " } = options;")
			case 2:
				e.sline(1, "console.debug('", r.phrase(3), "', ", a, ");")
			case 3:
				e.sline(1, "const ", r.ident(), " = ", r.ident(), ".map((x) => x.", r.ident(), " ?? ", r.num(), ");")
			default:
				e.sline(1, "this.", r.ident(), " = ", r.ident(), "(", a, ", '", r.word(), "');")
			}
		}
		e.sline(1, "return ", v, ".json();")
		e.line(0, "}")
		e.line(0)
	case YAML:
		e.sline(2, "- name: ", r.word(), "-", r.word())
		e.sline(2, "  image: registry.example.com/", r.word(), "/", r.word(), ":", strconv.Itoa(r.IntN(9)), ".", strconv.Itoa(r.IntN(40)))
		e.sline(2, "  env:")
		for i := 0; i < 1+r.IntN(5); i++ {
			e.sline(2, "    - name: ", strings.ToUpper(r.snake()))
			e.sline(2, `      value: "`, r.word(), `"`)
		}
		e.sline(2, "  resources:")
		e.sline(2, "    limits: {cpu: ", strconv.Itoa(100*(1+r.IntN(9))), "m, memory: ", strconv.Itoa(64*(1+r.IntN(16))), "Mi}")
	case JSON:
		e.sline(2, `{"id": `, r.num(), `, "`, r.snake(), `": "`, r.phrase(2), `", "`, r.snake(), `": `, r.pick("true", "false", "null", r.num()), `, "ref": "`, r.hexN(40), `"},`)
	case Lock:
		name := r.word() + "-" + r.word()
		e.sline(2, `{"name": "`, name, `", "resolved": "https://registry.npmjs.org/`, name, "/-/", name, "-", strconv.Itoa(r.IntN(9)), ".", strconv.Itoa(r.IntN(20)), `.0.tgz", "integrity": "sha512-`, r.b64N(86), `=="},`)
	case Markdown:
		e.line(0, "## ", capital(r.phrase(3)))
		e.line(0)
		for i := 0; i < 2+r.IntN(5); i++ {
			e.line(0, capital(r.phrase(8+r.IntN(12))), ".")
		}
		e.line(0)
		if r.IntN(3) == 0 {
			e.line(0, "```sh")
			e.line(0, "curl -s https://", r.word(), ".example.com/v1/", r.word(), " | jq .", r.word())
			e.line(0, "```")
			e.line(0)
		}
	case MinJS:
		// Appended without newlines: the whole file is one line.
		e.buf = append(e.buf, "function "+r.ident()+"(a,b){var c="+r.num()+";for(var d=0;d<a.length;d++){c+=a[d]."+r.ident()+"*b}return c}"...)
		e.buf = append(e.buf, "var "+r.ident()+"={"+r.ident()+":\""+r.phrase(2)+"\","+r.ident()+":"+r.num()+"};"...)
	}
}

// File generates a file of about size bytes in language l; pkg names the
// package or component it belongs to.
func File(r rnd, l Lang, pkg string, size int) []byte {
	e := &emitter{r: r, buf: make([]byte, 0, size+4096)}
	e.header(l, pkg)
	for len(e.buf) < size {
		e.block(l)
	}
	if l == MinJS {
		e.buf = append(e.buf, '\n')
	}
	e.footer(l)
	return e.buf
}

// Lines generates about size bytes of whole lines in language l, for edits
// inserted into an existing file.
func Lines(r rnd, l Lang, size int) []byte {
	e := &emitter{r: r}
	if l == MinJS {
		l = JS // a bundle is one line: edits add code around it
	}
	for len(e.buf) < size {
		e.block(l)
	}
	return e.buf
}
