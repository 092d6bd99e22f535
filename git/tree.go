package git

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// CommittedFile reads the file at path (from the top of the tree) in the
// commit rev, for a repository whose files are not checked out (a bare
// one): found is false when the commit has no such entry. It refuses an
// entry that is not a regular file (a symlink could point anywhere) and
// one larger than limit bytes.
func (r *Repo) CommittedFile(ctx context.Context, rev, path string, limit int64) (data []byte, found bool, err error) {
	out, err := r.output(ctx, nil, "ls-tree", "-z", "-l", "--full-tree", rev+"^{tree}", "--", ":(literal)"+path)
	if err != nil {
		return nil, false, err
	}
	entry, _, _ := bytes.Cut(out, []byte{0})
	if len(entry) == 0 {
		return nil, false, nil
	}
	// "<mode> <type> <object> <size, padded>\t<path>"
	meta, name, ok := strings.Cut(string(entry), "\t")
	f := strings.Fields(meta)
	if !ok || name != path || len(f) != 4 {
		return nil, false, fmt.Errorf("git ls-tree: unexpected entry for %s", path)
	}
	if !regularFile(f[0]) || f[1] != "blob" {
		return nil, false, fmt.Errorf("%s in %s: not a regular file (a symlink or directory); keyguard reads only the repository's own file", path, rev)
	}
	size, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("git ls-tree: bad size for %s: %q", path, f[3])
	}
	if size > limit {
		return nil, false, fmt.Errorf("%s in %s: larger than %d bytes", path, rev, limit)
	}
	data, err = r.output(ctx, nil, "cat-file", "blob", f[2])
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}
