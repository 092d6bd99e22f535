package workload

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// File is one generated file of a tree.
type genFile struct {
	Path string
	Lang Lang
	Pkg  string
	Size int
}

// languages and their weights (per 100 files).
var langWeights = []struct {
	l Lang
	w int
}{{Go, 30}, {Python, 20}, {JS, 25}, {YAML, 10}, {JSON, 6}, {Markdown, 7}, {MinJS, 1}, {Lock, 1}}

// roots are the directories each language lives under.
var roots = map[Lang][]string{
	Go:       {"services", "pkg", "internal", "cmd"},
	Python:   {"scripts", "tools", "ml", "api"},
	JS:       {"web/src/components", "web/src/pages", "web/src/lib", "packages"},
	YAML:     {"deploy", "ci", "charts"},
	JSON:     {"data", "fixtures", "web/public"},
	Markdown: {"docs", "rfcs"},
	MinJS:    {"web/static/vendor"},
	Lock:     {"web", "packages/ui"},
}

// layout plans n files averaging avg bytes: their paths, languages and
// sizes, deterministic in seed. Sizes are log-normal around avg; minified
// bundles and lock files are larger, as in real repositories; the sizes are
// then scaled so that they add up to n*avg.
func layout(seed uint64, n, avg int) []genFile {
	r := newRnd(seed, 0)
	total := 0
	for _, lw := range langWeights {
		total += lw.w
	}
	dirs := map[Lang][]string{}
	for _, lw := range langWeights {
		k := max(1, n*lw.w/total/12) // about a dozen files a directory
		for i := 0; i < k; i++ {
			rs := roots[lw.l]
			d := rs[r.IntN(len(rs))] + "/" + r.word()
			for j := r.IntN(3); j > 0; j-- {
				d += "/" + r.word()
			}
			dirs[lw.l] = append(dirs[lw.l], d)
		}
	}
	seen := map[string]bool{}
	files := make([]genFile, n)
	sum := 0.0
	raw := make([]float64, n)
	for i := range files {
		w := r.IntN(total)
		var l Lang
		for _, lw := range langWeights {
			if w < lw.w {
				l = lw.l
				break
			}
			w -= lw.w
		}
		ds := dirs[l]
		d := ds[r.IntN(len(ds))]
		base := r.snake()
		if l == JS || l == Go {
			base = r.ident()
		}
		p := d + "/" + base + exts[l]
		for k := 2; seen[p]; k++ {
			p = d + "/" + base + strconv.Itoa(k) + exts[l]
		}
		seen[p] = true
		const sigma = 0.9
		s := math.Exp(sigma*r.NormFloat64() - sigma*sigma/2)
		switch l {
		case MinJS:
			s *= 12
		case Lock:
			s *= 6
		}
		raw[i] = s
		sum += s
		files[i] = genFile{Path: p, Lang: l, Pkg: filepath.Base(d)}
	}
	scale := float64(n*avg) / sum
	for i := range files {
		files[i].Size = max(120, int(raw[i]*scale))
	}
	return files
}

// content generates file i of a layout.
func (f genFile) content(seed uint64, i int) []byte {
	return File(newRnd(seed, uint64(i)+1), f.Lang, f.Pkg, f.Size)
}

// plantKey inserts a fake key line at a line boundary near the middle.
func plantKey(b []byte, l Lang, n uint64) []byte {
	at := lineStart(b, len(b)/2)
	out := make([]byte, 0, len(b)+200)
	out = append(out, b[:at]...)
	out = append(out, KeyLine(l, n)...)
	return append(out, b[at:]...)
}

// lineStart returns the start of the line after offset p (or len(b)).
func lineStart(b []byte, p int) int {
	if p <= 0 {
		return 0
	}
	if i := bytes.IndexByte(b[p-1:], '\n'); i >= 0 {
		return p + i
	}
	return len(b)
}

// writeTree writes a layout under dir, planting keys fake keys in files
// spread evenly through it; it returns the bytes written.
func writeTree(dir string, seed uint64, files []genFile, keys int) (int64, error) {
	keyAt := map[int]bool{}
	if keys > 0 {
		step := max(1, len(files)/keys)
		for i, n := step/2, 0; i < len(files) && n < keys; i += step {
			for j := i; j < len(files); j++ { // next file that can hold a key
				if _, ok := keyLines[files[j].Lang]; ok && !keyAt[j] {
					keyAt[j] = true
					n++
					break
				}
			}
		}
	}
	made := map[string]bool{}
	var total int64
	for i, f := range files {
		b := f.content(seed, i)
		if keyAt[i] {
			b = plantKey(b, f.Lang, seed+uint64(i))
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if d := filepath.Dir(p); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return 0, err
			}
			made[d] = true
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return 0, err
		}
		total += int64(len(b))
	}
	return total, nil
}

// writeExtras adds what surrounds a real working tree: a .gitignore, ignored
// dependencies and build output, an ignored .env, and a few untracked notes.
// It returns the number of ignored and untracked files.
func writeExtras(dir string, seed uint64, ignored, untracked int) (int, int, error) {
	r := newRnd(seed, 1<<40)
	put := func(rel string, b []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, b, 0o644)
	}
	if err := put(".gitignore", []byte("node_modules/\nbuild/\n*.log\n.env\n.venv/\n")); err != nil {
		return 0, 0, err
	}
	if err := put(".env", []byte("DEBUG=1\nDATABASE_URL=postgres://localhost:5432/dev\n")); err != nil {
		return 0, 0, err
	}
	for i := 0; i < ignored; i++ {
		var rel string
		if i%2 == 0 {
			rel = fmt.Sprintf("node_modules/%s-%s/lib/%s.js", r.word(), r.word(), r.ident())
		} else {
			rel = fmt.Sprintf("build/%s/%s-%d.o.log", r.word(), r.word(), i)
		}
		if err := put(rel, Lines(r, JS, 200+r.IntN(1500))); err != nil {
			return 0, 0, err
		}
	}
	for i := 0; i < untracked; i++ {
		if err := put(fmt.Sprintf("scratch/notes-%d.md", i), Lines(r, Markdown, 300)); err != nil {
			return 0, 0, err
		}
	}
	return ignored + 1, untracked, nil
}

// editFile replaces a few lines of b with about size bytes of new lines
// and returns the result and the bytes added and removed.
func editFile(r rnd, b []byte, l Lang, size int) ([]byte, int, int) {
	at := lineStart(b, r.IntN(len(b)+1))
	end := at
	for m := r.IntN(4) * r.IntN(12); m > 0 && end < len(b); m-- { // often 0: pure insertions
		i := bytes.IndexByte(b[end:], '\n')
		if i < 0 {
			end = len(b)
			break
		}
		end += i + 1
	}
	add := Lines(r, l, size)
	out := make([]byte, 0, len(b)-(end-at)+len(add))
	out = append(out, b[:at]...)
	out = append(out, add...)
	out = append(out, b[end:]...)
	return out, len(add), end - at
}
