package scan

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/bigbuf"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

func TestPoolBuffer(t *testing.T) {
	p := &Pool{}
	tests := []struct {
		n       int
		wantCap int
	}{
		{0, minRecycled},
		{1, minRecycled},
		{minRecycled, minRecycled},
		{minRecycled + 1, 2 * minRecycled},
		{3 * minRecycled, 4 * minRecycled},
		{minRecycled << (bufClasses - 1), minRecycled << (bufClasses - 1)},
		{minRecycled<<(bufClasses-1) + 1, minRecycled<<(bufClasses-1) + 1}, // no class holds it for sure
		{maxRecycled + 1, maxRecycled + 1},
		{64 << 20, 64 << 20},
	}
	for _, tt := range tests {
		b := p.Buffer(tt.n)
		if len(b) != 0 || cap(b) != tt.wantCap {
			t.Errorf("Buffer(%d): len %d cap %d, want 0 and %d", tt.n, len(b), cap(b), tt.wantCap)
		}
	}
}

func TestPoolRecycle(t *testing.T) {
	p := &Pool{}
	// Too small or too large to keep: never handed out again.
	p.Recycle(make([]byte, 10, minRecycled-1))
	p.Recycle(make([]byte, 10, maxRecycled+1))
	for _, n := range []int{1, minRecycled, maxRecycled} {
		if b := p.Buffer(n); cap(b) == minRecycled-1 || cap(b) == maxRecycled+1 {
			t.Errorf("Buffer(%d) gave a buffer of capacity %d, which Recycle must not keep", n, cap(b))
		}
	}
	// A kept buffer comes back empty, and only for a size it holds.
	kept := make([]byte, 5, 3*minRecycled)
	p.Recycle(kept)
	if b := p.Buffer(4 * minRecycled); cap(b) == 3*minRecycled {
		t.Errorf("Buffer(%d) gave a recycled buffer of capacity %d", 4*minRecycled, cap(b))
	}
	// Whatever it hands out, recycled or new, is empty and large enough.
	for _, n := range []int{2 * minRecycled, 3 * minRecycled, 1} {
		if b := p.Buffer(n); len(b) != 0 || cap(b) < max(n, minRecycled) {
			t.Errorf("Buffer(%d): len %d cap %d", n, len(b), cap(b))
		}
	}
}

// regionWorks reports whether this platform gives a bigbuf region memory.
func regionWorks() bool {
	return bigbuf.New(minRecycled, bufSizes).Get(1) != nil
}

// A pool with a region of fragment memory hands that out first, takes it
// back, and falls back to the heap when it is used up.
func TestPoolBufferFromRegion(t *testing.T) {
	if !regionWorks() {
		t.Skip("no region of huge pages on this platform")
	}
	region := bigbuf.New(4*minRecycled, bufSizes)
	p := &Pool{big: region}
	a := p.Buffer(3 * minRecycled) // 4*minRecycled: the whole region
	if len(a) != 0 || cap(a) != 4*minRecycled {
		t.Fatalf("Buffer(3*minRecycled): len %d cap %d", len(a), cap(a))
	}
	b := p.Buffer(1) // the region is used up: from the heap
	if len(b) != 0 || cap(b) != minRecycled {
		t.Fatalf("Buffer(1) past the region: len %d cap %d", len(b), cap(b))
	}
	if region.Put(b) {
		t.Fatal("the region took a heap buffer")
	}
	p.Recycle(a)
	if c := p.Buffer(minRecycled); cap(c) != 4*minRecycled || &c[:1][0] != &a[:1][0] {
		t.Errorf("Buffer after Recycle: cap %d, not the recycled region buffer", cap(c))
	}
}

func TestReleasing(t *testing.T) {
	released := 0
	if jobs := releasing(nil, func() { released++ }); len(jobs) != 0 || released != 1 {
		t.Fatalf("no jobs: released %d times, want once at once", released)
	}
	released = 0
	jobs := releasing(make([]Job, 3), func() { released++ })
	for i, j := range jobs {
		if released != 0 {
			t.Fatalf("released before job %d was done", i)
		}
		j.Done()
	}
	if released != 1 {
		t.Errorf("released %d times after the last job, want 1", released)
	}
}

// TestStagedReusesMemory commits new notebooks between large files whose
// fragments reuse the notebooks' memory once their cells are scanned: every
// key is still found once, in its place, on every run (and the race
// detector sees no write to a text still being scanned; without it, an
// early release shows only by chance: TestNewNotebookJobsReleaseOrder
// checks the order itself).
func TestStagedReusesMemory(t *testing.T) {
	g := gittest.New(t)
	want := map[string]bool{}
	filler := strings.Repeat("# a line of ordinary text, long enough to fill a buffer\n", 4000) // about 220 KiB
	for i := range 12 {
		key := fakekey.ExpandSeed(`ghp_{{b62crc 30}}`, uint64(100+i))
		name := fmt.Sprintf("d%02d/nb.ipynb", i)
		g.Write(name, notebookJSON(t, []string{"import os"}, []string{strings.Repeat("x = 1\n", 3000) + `TOKEN = "` + key + `"`}))
		want[fmt.Sprintf("%s:16:cell 2:3001:%s", name, key[:8])] = true // the cell's lines are one JSON string
		name = fmt.Sprintf("d%02d/text.py", i)
		key = fakekey.ExpandSeed(`ghp_{{b62crc 30}}`, uint64(200+i))
		g.Write(name, filler+`TOKEN = "`+key+"\"\n")
		want[fmt.Sprintf("%s:4001:cell 0:0:%s", name, key[:8])] = true
	}
	g.Git("add", ".")
	for run := range 3 {
		res, err := Staged(context.Background(), policy(t, g.Dir), openRepo(t, g.Dir))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range res.Findings {
			got = append(got, fmt.Sprintf("%s:%d:cell %d:%d:%s", f.Path, f.Line, f.Cell, f.CellLine, f.Secret.Secret.Reveal()[:8]))
		}
		sort.Strings(got)
		if len(got) != len(want) {
			t.Errorf("run %d: %d findings, want %d: %q", run, len(got), len(want), got)
		}
		for _, s := range got {
			if !want[s] {
				t.Errorf("run %d: unexpected finding %s", run, s)
			}
		}
	}
}

// TestLeaveCPU: one CPU fewer while the scan runs, and back after; a single
// CPU stays. setProcs never goes below one.
func TestLeaveCPU(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tt := range []struct{ n, during int }{{1, 1}, {2, 1}, {3, 2}, {8, 7}} {
		runtime.GOMAXPROCS(tt.n)
		restore := leaveCPU()
		if got := runtime.GOMAXPROCS(0); got != tt.during {
			t.Errorf("GOMAXPROCS %d: %d during the scan, want %d", tt.n, got, tt.during)
		}
		restore()
		if got := runtime.GOMAXPROCS(0); got != tt.n {
			t.Errorf("GOMAXPROCS %d: %d after, want it back", tt.n, got)
		}
	}
}

func TestSetProcs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tt := range []struct{ was, n, during int }{{4, 2, 2}, {2, 0, 1}, {3, -1, 1}, {2, 5, 5}} {
		runtime.GOMAXPROCS(tt.was)
		restore := setProcs(tt.n)
		if got := runtime.GOMAXPROCS(0); got != tt.during {
			t.Errorf("setProcs(%d) from %d: %d, want %d", tt.n, tt.was, got, tt.during)
		}
		restore()
		if got := runtime.GOMAXPROCS(0); got != tt.was {
			t.Errorf("setProcs(%d) from %d: %d after, want it back", tt.n, tt.was, got)
		}
	}
}

// TestNewNotebookJobsReleaseOrder: a new notebook's text goes back to the
// pool only once every one of its jobs is scanned; before that, the pool
// never hands out its memory. Deterministic, unlike TestStagedReusesMemory,
// which needs the race detector to see an early release: with the heap's
// buffers on one P, and with a region's, whose free lists drop nothing.
func TestNewNotebookJobsReleaseOrder(t *testing.T) {
	defer setProcs(1)() // one P: a sync.Pool gives back what this goroutine put
	text := notebookJSON(t, []string{"import os"}, []string{strings.Repeat("x = 1\n", 20000) + "y = 2"}, []string{"print(1)"})
	if len(text) > 4*minRecycled || len(text) < 2*minRecycled {
		t.Fatalf("notebook of %d bytes: the test needs it in the buffer's size class", len(text))
	}
	for _, tt := range []struct {
		name string
		pool *Pool
	}{
		{"heap", &Pool{}},
		{"region", &Pool{big: bigbuf.New(4*minRecycled, bufSizes)}}, // room for the notebook alone
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.pool
			if p.big != nil && !regionWorks() {
				t.Skip("no region of huge pages on this platform")
			}
			buf := append(p.Buffer(len(text)), text...)
			same := func(b []byte) bool { return cap(b) > 0 && &b[:1][0] == &buf[:1][0] }
			jobs, ok := newNotebookJobs(p, "nb.ipynb", []git.Fragment{{Change: &git.Change{Path: "nb.ipynb"}, StartLine: 1, Text: buf}})
			if !ok || len(jobs) < 3 {
				t.Fatalf("read as a notebook: %v, %d jobs; want at least 3", ok, len(jobs))
			}
			for i, j := range jobs {
				if same(p.Buffer(cap(buf))) {
					t.Fatalf("the notebook's memory was handed out with %d of %d jobs still to scan", len(jobs)-i, len(jobs))
				}
				j.Done()
			}
			if (tt.name == "region" || !raceEnabled) && !same(p.Buffer(cap(buf))) {
				t.Errorf("after its last job, the notebook's memory is not back in the pool")
			}
		})
	}
}

// TestNewNotebookJobsJoinedCopy: fragments of a new notebook are joined
// into memory from the pool; when the text is not a notebook after all,
// that copy goes back to the pool at once (the fragments stay the
// caller's).
func TestNewNotebookJobsJoinedCopy(t *testing.T) {
	if !regionWorks() {
		t.Skip("no region of huge pages on this platform")
	}
	region := bigbuf.New(minRecycled, bufSizes) // room for one copy
	p := &Pool{big: region}
	c := &git.Change{Path: "nb.ipynb"}
	frags := []git.Fragment{{Change: c, StartLine: 1, Text: []byte("not json\n")}, {Change: c, StartLine: 2, Text: []byte("still not\n")}}
	if jobs, ok := newNotebookJobs(p, "nb.ipynb", frags); ok || jobs != nil {
		t.Fatalf("not a notebook, yet %d jobs", len(jobs))
	}
	if region.Get(1) == nil {
		t.Error("the joined copy was not handed back: the region is used up")
	}
	if string(frags[0].Text)+string(frags[1].Text) != "not json\nstill not\n" {
		t.Error("the caller's fragments changed")
	}
}

// TestNewNotebookJobsNotANotebook: text that is not a notebook is left to
// the caller, nothing recycled.
func TestNewNotebookJobsNotANotebook(t *testing.T) {
	defer setProcs(1)()
	buf := append(make([]byte, 0, minRecycled), "not json\n"...)
	p := &Pool{}
	if jobs, ok := newNotebookJobs(p, "nb.ipynb", []git.Fragment{{Change: &git.Change{Path: "nb.ipynb"}, StartLine: 1, Text: buf}}); ok || jobs != nil {
		t.Fatalf("not a notebook, yet %d jobs", len(jobs))
	}
	if b := p.Buffer(1); cap(b) > 0 && &b[:1][0] == &buf[:1][0] {
		t.Errorf("the caller's fragment was recycled")
	}
}

// TestStagedLowersProcsForLargeDiffs: the staged scan leaves git a CPU
// (GOMAXPROCS one lower) once the diff is large, and does not touch
// GOMAXPROCS for a small one (see leaveCPUAfter).
func TestStagedLowersProcsForLargeDiffs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	for _, tt := range []struct {
		name  string
		added int
		procs int // GOMAXPROCS when the scanners get the first lines
	}{
		{"small", 1 << 10, 2},
		{"large", 4 * leaveCPUAfter, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gittest.Pin(t)
			g := gittest.New(t)
			g.Write("data.txt", "base\n")
			g.Git("add", "-A")
			g.Git("commit", "-q", "-m", "base")
			g.Write("data.txt", "base\n"+strings.Repeat(strings.Repeat("z", 63)+"\n", tt.added/64))
			g.Git("add", "-A")
			seen := 0
			res, err := StagedNotify(context.Background(), policy(t, g.Dir), openRepo(t, g.Dir), func() {
				seen = runtime.GOMAXPROCS(0)
			})
			if err != nil {
				t.Fatal(err)
			}
			if seen != tt.procs || res.Bytes != int64(tt.added) {
				t.Errorf("GOMAXPROCS %d while scanning %d bytes, want %d", seen, res.Bytes, tt.procs)
			}
			if got := runtime.GOMAXPROCS(0); got != 2 {
				t.Errorf("GOMAXPROCS %d after the scan, want 2 back", got)
			}
		})
	}
}
