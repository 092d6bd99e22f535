package scan

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// BenchmarkDecoding measures what reading decoded values costs on top of
// the scan of the text as stored (see reader.Decode):
//
//	go test -run '^$' -bench Decoding -benchmem ./scan/
//
// For each text, "stored" is the engine alone and "decoded" the scan the
// hooks run (scanText); notebooks add reading the JSON into cells. The
// texts: everyday code; Kubernetes and config YAML dense with base64 (most
// of it random, some of it text); a lockfile of integrity hashes; a
// notebook of plots.
func BenchmarkDecoding(b *testing.B) {
	e, err := testEngineB()
	if err != nil {
		b.Fatal(err)
	}
	texts := []struct {
		name, path string
		text       []byte
	}{
		{"code", "app.py", benchLines(4<<20, []string{
			"def handler_%d(event, context):",
			"    items = [x for x in event['records'] if x.get('id') != %d]",
			"    logger.info(\"processed %%d records\\n\", len(items))",
			"    return {'statusCode': 200, 'body': json.dumps(items)}",
			"const url%d = `https://api.acme.dev/v1/users?q=${encodeURIComponent(q)}`;",
			"\tif err := json.NewDecoder(r.Body).Decode(&req); err != nil {",
			"  image: registry.example.com/app:v1.%d.0",
			"msg = \"{\\\"id\\\": %d, \\\"name\\\": \\\"widget\\\"}\"",
		})},
		{"base64-yaml", "values.yaml", benchLines(4<<20, []string{
			"  session-%d: {{b64 88}}",
			"  checksum-%d: {{b64 43}}=",
			"  LOG_LEVEL_%d: {{enc base64}}info-{{lower 12}}{{enc end}}",
			"  url-%d: {{enc base64}}https://svc.internal.acme.dev/{{lower 8}}{{enc end}}",
		})},
		{"lockfile", "package-lock.json", benchLines(4<<20, []string{
			"      \"integrity\": \"sha512-{{b64 86}}==\",",
			"      \"resolved\": \"https://registry.npmjs.org/pkg-%d/-/pkg-%d-1.0.0.tgz\",",
		})},
		{"notebook", "plots.ipynb", benchNotebook(4 << 20)},
	}
	for _, t := range texts {
		b.Run(t.name+"/stored", func(b *testing.B) {
			b.SetBytes(int64(len(t.text)))
			for b.Loop() {
				e.ScanFile(t.path, t.text)
			}
		})
		b.Run(t.name+"/decoded", func(b *testing.B) {
			b.SetBytes(int64(len(t.text)))
			for b.Loop() {
				jobs := []Job{{Path: t.path, StartLine: 1, Text: t.text}}
				if nb, ok := notebookJobs(t.path, t.text, nil, nil); ok {
					jobs = nb
				}
				for _, j := range jobs {
					scanText(e, j.Path, j.Text)
				}
			}
		})
	}
}

// benchLines returns about size bytes cycling through line templates.
func benchLines(size int, lines []string) []byte {
	var buf bytes.Buffer
	for i := 0; buf.Len() < size; i++ {
		l := lines[i%len(lines)]
		if bytes.Contains([]byte(l), []byte("%d")) {
			l = fmt.Sprintf(l, i, i)
			if j := bytes.Index([]byte(l), []byte("%!(EXTRA")); j >= 0 {
				l = l[:j]
			}
		}
		buf.WriteString(fakekey.ExpandSeed(l, uint64(i)))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// benchNotebook returns a notebook of about size bytes: code cells, each
// with a printed output and a plot.
func benchNotebook(size int) []byte {
	var buf bytes.Buffer
	buf.WriteString("{\n \"cells\": [\n")
	for i := 0; buf.Len() < size; i++ {
		if i > 0 {
			buf.WriteString(",\n")
		}
		fmt.Fprintf(&buf, `  {
   "cell_type": "code",
   "execution_count": %d,
   "metadata": {},
   "outputs": [
    {"name": "stdout", "output_type": "stream", "text": ["rows: %d\n", "mean: 0.%d\n"]},
    {"data": {"image/png": "%s", "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, "metadata": {}, "output_type": "display_data"}
   ],
   "source": [
    "df = pd.read_csv(\"data/part-%d.csv\")\n",
    "print(\"rows:\", len(df))\n",
    "df.plot(x=\"t\", y=\"v\")"
   ]
  }`, i, i*7, i, fakekey.ExpandSeed("iVBORw0KGgo{{b64 20000}}", uint64(i)), i)
	}
	buf.WriteString("\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n")
	return buf.Bytes()
}
