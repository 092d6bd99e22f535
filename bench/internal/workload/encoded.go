package workload

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// encoded generates a new repository whose staged tree, about p.SizeMB, is
// the text keyguard decodes: Jupyter notebooks with printed outputs and
// base64 plots, Kubernetes and Helm YAML whose values are base64 (random
// bytes mostly, some text), and lockfiles full of integrity hashes, with a
// few keys stored encoded. It measures what decoding costs the hook.
func encoded(ctx context.Context, dir string, p Params) (Meta, error) {
	r := newRnd(p.Seed, 7)
	m := Meta{Keys: 3}
	total := int64(p.SizeMB) << 20
	write := func(rel string, b []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		m.Files++
		m.Bytes += int64(len(b))
		return os.WriteFile(path, b, 0o644)
	}
	keys := []string{
		"  OPENAI_API_KEY: " + b64(fakekey.ExpandSeed("sk-proj-{{alnum 74}}{{lit T3Blbk}}FJ{{alnum 74}}", p.Seed)) + "\n",
		"    \"client = Groq(api_key=\\\"" + fakekey.ExpandSeed("{{lit gs}}k_{{alnum 52}}", p.Seed) + "\\\")\\n\",\n",
		"  .dockerconfigjson: " + b64(`{"auths":{"registry.acme.dev":{"auth":"`+b64(fakekey.ExpandSeed("ci:{{alnum 24}}", p.Seed))+`"}}}`) + "\n",
	}
	for i := 0; m.Bytes < total; i++ {
		var b strings.Builder
		var rel string
		switch i % 3 {
		case 0: // a notebook: code cells with a printed output and a plot
			rel = fmt.Sprintf("notebooks/%s-%d.ipynb", r.word(), i)
			b.WriteString("{\n \"cells\": [\n")
			for c := 0; c < 12; c++ {
				if c > 0 {
					b.WriteString(",\n")
				}
				source := fmt.Sprintf("    \"df = pd.read_csv(\\\"data/%s.csv\\\")\\n\",\n    \"df.plot(x=\\\"%s\\\")\"\n", r.word(), r.word())
				if i == 3 && c == 5 {
					source = keys[1] + source
				}
				fmt.Fprintf(&b, "  {\n   \"cell_type\": \"code\",\n   \"execution_count\": %d,\n   \"metadata\": {},\n   \"outputs\": [\n"+
					"    {\"name\": \"stdout\", \"output_type\": \"stream\", \"text\": [\"rows: %d\\n\"]},\n"+
					"    {\"data\": {\"image/png\": \"iVBORw0KGgo%s\", \"text/plain\": [\"<Figure size 640x480 with 1 Axes>\"]}, \"metadata\": {}, \"output_type\": \"display_data\"}\n"+
					"   ],\n   \"source\": [\n%s   ]\n  }", c+1, r.IntN(100000), r.b64N(8000+r.IntN(16000)), source)
			}
			b.WriteString("\n ],\n \"metadata\": {\"kernelspec\": {\"name\": \"python3\"}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n")
		case 1: // Kubernetes Secrets and Helm values
			rel = fmt.Sprintf("deploy/%s-%d.yaml", r.word(), i)
			for s := 0; s < 40; s++ {
				fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s-%d\ntype: Opaque\ndata:\n", r.word(), s)
				if i == 1 && s == 3 {
					b.WriteString(keys[0])
				}
				if i == 4 && s == 7 {
					b.WriteString(keys[2])
				}
				for v := 0; v < 8; v++ {
					if v%3 == 0 {
						fmt.Fprintf(&b, "  %s_%s: %s\n", strings.ToUpper(r.word()), strings.ToUpper(r.word()), b64(r.word()+"-"+r.word()+"."+r.word()+".svc.cluster.local"))
					} else {
						fmt.Fprintf(&b, "  %s.%s: %s=\n", r.word(), r.pick("bin", "key", "crt", "der"), r.b64N(43+4*r.IntN(60)))
					}
				}
			}
		default: // a lockfile
			rel = fmt.Sprintf("web/%s-%d/package-lock.json", r.word(), i)
			b.WriteString("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n")
			for n := 0; n < 400; n++ {
				w := r.word()
				fmt.Fprintf(&b, "    \"node_modules/%s-%d\": {\n      \"version\": \"1.%d.0\",\n      \"resolved\": \"https://registry.npmjs.org/%s/-/%s-1.0.0.tgz\",\n      \"integrity\": \"sha512-%s==\"\n    },\n", w, n, n, w, w, r.b64N(86))
			}
			b.WriteString("    \"\": {}\n  }\n}\n")
		}
		if err := write(rel, []byte(b.String())); err != nil {
			return m, err
		}
	}
	m.Staged = m.Files
	if err := initRepo(ctx, dir); err != nil {
		return m, err
	}
	return m, git(ctx, dir, nil, "add", "-A")
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
