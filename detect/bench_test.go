package detect

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

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
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		if i%2000 == 1999 {
			b.WriteString(fakekey.ExpandSeed(keyTemplates[(i/2000)%len(keyTemplates)], uint64(i)))
		} else {
			l := codeLines[i%len(codeLines)]
			if bytes.Contains([]byte(l), []byte("%d")) {
				l = fmt.Sprintf(l, i)
			}
			b.WriteString(l)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkScan reports throughput over ~4 MB of mixed code:
//
//	go test -run '^$' -bench BenchmarkScan ./detect/
func BenchmarkScan(b *testing.B) {
	e := newTestEngine(b)
	text := benchText(4 << 20)
	n := len(e.Scan(text))
	if n == 0 {
		b.Fatal("benchmark text yields no findings")
	}
	b.SetBytes(int64(len(text)))
	b.ReportMetric(float64(n), "findings/op")
	b.ResetTimer()
	for b.Loop() {
		e.Scan(text)
	}
}

// BenchmarkNew is the start-up cost paid by every hook run.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
