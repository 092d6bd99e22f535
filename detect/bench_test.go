package detect

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// The benchmarks, and what each shows:
//
//	go test -run '^$' -bench . -benchmem ./detect/
//
//   - BenchmarkScan: throughput on ~4 MB of mixed code with the whole
//     catalogue, keyword hits that turn out clean included;
//   - BenchmarkScanRules: the same text with an eighth, a quarter, half and
//     all of the rules, and the no-hit text with each: the cost of rules
//     whose keywords do not occur must stay flat as rules are added; on the
//     mixed text, each added rule also pays for the regex runs its keyword
//     hits trigger;
//   - BenchmarkScanNoHits: code in which no keyword occurs, the prefilter
//     alone (lowercasing and the automaton);
//   - BenchmarkNew: the start-up cost paid by every hook run;
//   - BenchmarkFirstScan: New plus a first scan of a small commit, which also
//     builds the keyword automaton and compiles the triggered rules.

// codeLines are everyday lines in several languages, with the words that
// trip keywords without being secrets ("asia", "hf_", "private key", ...),
// so the benchmark pays for regexes on lines that turn out clean.
var codeLines = []string{
	"def handler_%d(event, context):",
	"    items = [x for x in event['records'] if x.get('id') != %d]",
	"    logger.info('processed %%d records', len(items))",
	"    return {'statusCode': 200, 'body': json.dumps(items)}",
	"import os, sys  # region: asia-southeast1 (%d)",
	"const total%d = orders.reduce((sum, o) => sum + o.amount, 0);",
	"export async function fetchUser%d(id) { return (await fetch(`/api/users/${id}`)).json(); }",
	"  if (!res.ok) throw new Error(`request failed: ${res.status}`);",
	"func (s *Server) handle%d(w http.ResponseWriter, r *http.Request) {",
	"\tif err := json.NewDecoder(r.Body).Decode(&req); err != nil {",
	"\t\treturn fmt.Errorf(\"decode request %d: %%w\", err)",
	"}",
	"  replicas: %d",
	"  image: registry.example.com/app:v1.%d.0",
	"    api_key: ${OPENAI_API_KEY}",
	"model = AutoModel.from_pretrained(self.hf_model_id, revision=%d)",
	"# load the private key from the secret manager, never from the repo (%d)",
	"",
}

// keyTemplates are sprinkled through the benchmark text.
var keyTemplates = []string{
	"OPENAI_API_KEY = \"" + openaiTmpl + "\"",
	"const gh = '" + ghpTmpl + "';",
	"aws_secret_access_key = {{b64 40}}",
	"STRIPE_SECRET_KEY=sk_live_{{alnum 32}}",
	pemTmpl,
}

// benchText returns about size bytes of code with a fake key every 2000 lines.
func benchText(size int) []byte {
	return codeText(size, codeLines, keyTemplates)
}

// codeText returns about size bytes cycling through lines, with one of keys
// (if any) every 2000 lines.
func codeText(size int, lines, keys []string) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		if i%2000 == 1999 && len(keys) > 0 {
			b.WriteString(fakekey.ExpandSeed(keys[(i/2000)%len(keys)], uint64(i)))
		} else {
			l := lines[i%len(lines)]
			if bytes.Contains([]byte(l), []byte("%d")) {
				l = fmt.Sprintf(l, i)
			}
			b.WriteString(l)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// benchScan reports e's throughput on text.
func benchScan(b *testing.B, e *Engine, text []byte, wantFindings bool) {
	n := len(e.Scan(text))
	if wantFindings && n == 0 {
		b.Fatal("benchmark text yields no findings")
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		e.Scan(text)
	}
	b.ReportMetric(float64(n), "findings/op")
}

// BenchmarkScan reports throughput over ~4 MB of mixed code:
//
//	go test -run '^$' -bench BenchmarkScan ./detect/
func BenchmarkScan(b *testing.B) {
	benchScan(b, newTestEngine(b), benchText(4<<20), true)
}

// BenchmarkScanRules scans the BenchmarkScan text with every fourth, every
// second and every rule of the catalogue (spread over all families, generic
// rules included in proportion): MB/s should not fall as rules are added.
func BenchmarkScanRules(b *testing.B) {
	text := benchText(4 << 20)
	clean := noHitText(b, newTestEngine(b)) // no keyword of any rule
	for _, every := range []int{8, 4, 2, 1} {
		var specs []RuleSpec
		for i := 0; i < len(builtinRules); i += every {
			specs = append(specs, builtinRules[i])
		}
		e, err := newEngine(specs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("rules=%d", len(specs)), func(b *testing.B) {
			benchScan(b, e, text, false)
		})
		// What rules cost when the input cannot trigger them: the
		// automaton alone, which should not slow down as it grows.
		b.Run(fmt.Sprintf("rules=%d/no-hits", len(specs)), func(b *testing.B) {
			benchScan(b, e, clean, false)
		})
	}
}

// BenchmarkScanNoHits scans code in which no keyword occurs: the cost of
// the prefilter alone.
func BenchmarkScanNoHits(b *testing.B) {
	e := newTestEngine(b)
	benchScan(b, e, noHitText(b, e), false)
}

// noHitText is ~4 MB of the code lines in which no keyword of e occurs.
func noHitText(b *testing.B, e *Engine) []byte {
	var clean []string
	for _, l := range codeLines {
		sc := e.getScratch()
		e.findKeywords([]byte(fmt.Sprintf(l, 1)), sc)
		hit := false
		for _, h := range sc.hits {
			hit = hit || len(h) > 0
		}
		e.putScratch(sc)
		if !hit {
			clean = append(clean, l)
		}
	}
	text := codeText(4<<20, clean, nil)
	sc := e.getScratch()
	defer e.putScratch(sc)
	e.findKeywords(text, sc)
	for ri, h := range sc.hits {
		if len(h) > 0 {
			b.Fatalf("the no-hit text holds a keyword of %s", e.rules[ri].ID)
		}
	}
	return text
}

// BenchmarkNew is the start-up cost paid by every hook run.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstScan is what a hook run pays in detect for a typical
// three-file commit: New, building the keyword automaton, compiling the
// rules its lines trigger, and the scan. Rules are new each time, so every
// regex compiles again, as in a fresh process.
func BenchmarkFirstScan(b *testing.B) {
	commit := []byte(fakekey.Expand("+import os\n" +
		"+API_KEY = os.environ[\"API_KEY\"]\n" +
		"+def handler(event, context):\n" +
		"+    token = event['headers'].get('authorization')\n" +
		"+    return {'statusCode': 200, 'body': json.dumps(items)}\n" +
		"+  image: registry.example.com/app:v1.2.0\n" +
		"+    api_key: ${OPENAI_API_KEY}\n" +
		"+const gh = '" + ghpTmpl + "';\n"))
	commit = bytes.Repeat(commit, 20)
	b.ReportAllocs()
	for b.Loop() {
		specs := make([]RuleSpec, len(builtinRules))
		copy(specs, builtinRules)
		e, err := newEngine(specs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(e.Scan(commit)) == 0 {
			b.Fatal("no findings in the commit")
		}
	}
}
