package hook

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

const (
	zero40 = "0000000000000000000000000000000000000000"
	sha1a  = "1111111111111111111111111111111111111111"
	sha1b  = "2222222222222222222222222222222222222222"
)

func TestParsePushUpdates(t *testing.T) {
	sha256 := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		in      string
		want    []git.PushUpdate
		wantErr bool
	}{
		{name: "nothing to push", in: ""},
		{name: "update", in: "refs/heads/main " + sha1a + " refs/heads/main " + sha1b + "\n",
			want: []git.PushUpdate{{LocalRef: "refs/heads/main", LocalSHA: sha1a, RemoteRef: "refs/heads/main", RemoteSHA: sha1b}}},
		{name: "no final newline, CRLF and blank lines", in: "\nrefs/heads/a " + sha1a + " refs/heads/a " + zero40 + "\r\n\nrefs/heads/b " + sha1b + " refs/heads/b " + sha1a,
			want: []git.PushUpdate{
				{LocalRef: "refs/heads/a", LocalSHA: sha1a, RemoteRef: "refs/heads/a", RemoteSHA: zero40},
				{LocalRef: "refs/heads/b", LocalSHA: sha1b, RemoteRef: "refs/heads/b", RemoteSHA: sha1a},
			}},
		{name: "deletion", in: "(delete) " + zero40 + " refs/heads/old " + sha1a + "\n",
			want: []git.PushUpdate{{LocalRef: "(delete)", LocalSHA: zero40, RemoteRef: "refs/heads/old", RemoteSHA: sha1a}}},
		{name: "sha256", in: "HEAD " + sha256 + " refs/heads/x " + strings.Repeat("0", 64) + "\n",
			want: []git.PushUpdate{{LocalRef: "HEAD", LocalSHA: sha256, RemoteRef: "refs/heads/x", RemoteSHA: strings.Repeat("0", 64)}}},
		{name: "three fields", in: "refs/heads/main " + sha1a + " refs/heads/main\n", wantErr: true},
		{name: "short sha", in: "refs/heads/main 1234 refs/heads/main " + sha1a + "\n", wantErr: true},
		{name: "uppercase sha", in: "refs/heads/main " + strings.ToUpper(strings.Repeat("ab", 20)) + " refs/heads/main " + sha1a + "\n", wantErr: true},
		{name: "option-like sha", in: "refs/heads/main --all refs/heads/main " + sha1a + "\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := git.ParsePushUpdates(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	del := git.PushUpdate{LocalSHA: zero40, RemoteSHA: sha1a}
	if !del.Deletion() || del.NewRef() {
		t.Errorf("deletion: Deletion() = %v, NewRef() = %v", del.Deletion(), del.NewRef())
	}
}

// TestPushRevs checks which commits each kind of update selects, counted
// with the same git log that the history scan runs.
func TestPushRevs(t *testing.T) {
	r := gittest.New(t)
	commit := func(msg string) string {
		r.Git("commit", "-q", "--allow-empty", "-m", msg)
		return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	}
	a := commit("a") // on the remote
	b := commit("b")
	c := commit("c")
	r.Git("update-ref", "refs/remotes/origin/main", a)
	r.Git("switch", "-q", "-c", "other", a)
	d := commit("d") // on another remote
	r.Git("update-ref", "refs/remotes/upstream/other", d)
	r.Git("switch", "-q", "main")
	repo, err := git.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		up   git.PushUpdate
		want []string // commits selected, newest first; nil for none
	}{
		{name: "update", up: git.PushUpdate{LocalSHA: c, RemoteSHA: b}, want: []string{c}},
		{name: "update from the remote-tracking state", up: git.PushUpdate{LocalSHA: c, RemoteSHA: a}, want: []string{c, b}},
		{name: "new branch: commits on no remote-tracking ref", up: git.PushUpdate{LocalSHA: c, RemoteSHA: zero40}, want: []string{c, b}},
		{name: "new branch already on another remote", up: git.PushUpdate{LocalSHA: d, RemoteSHA: zero40}},
		{name: "remote sha not here: falls back", up: git.PushUpdate{LocalSHA: c, RemoteSHA: sha1a}, want: []string{c, b}},
		{name: "deletion", up: git.PushUpdate{LocalSHA: zero40, RemoteSHA: c}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			revs, err := repo.PushRevs(ctx, []git.PushUpdate{tt.up})
			if err != nil {
				t.Fatal(err)
			}
			if tt.up.Deletion() {
				if revs[0] != nil {
					t.Fatalf("deletion selected revs %v", revs[0])
				}
				return
			}
			commits, err := repo.Commits(ctx, revs[0])
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range commits {
				got = append(got, c.Hash)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("revs %v select %v, want %v", revs[0], got, tt.want)
			}
		})
	}
}

func TestRemoteName(t *testing.T) {
	// The password is generated: no credential-shaped URL is stored here.
	pass := fakekey.Expand("{{alnum 16}}")
	tests := []struct{ in, want string }{
		{"origin", "origin"},
		{"", "the remote"},
		{"https://github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://user:" + pass + "@github.com/o/r.git", "https://github.com/o/r.git"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git"},
		{"user:" + pass + "@host:o/r.git", "host:o/r.git"},
		{"../remote.git", "../remote.git"},
		// Passwords url.Parse rejects or misreads must go all the same.
		{"https://user:" + pass + "#x@github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://user:" + pass + "?x@github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://user:" + pass + "%zz@github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://user:" + pass + "@x@github.com:8443/o/r.git", "https://github.com:8443/o/r.git"},
		{"https://:" + pass + "@github.com", "https://github.com"},
		{"ssh://git@github.com/o/r.git", "ssh://github.com/o/r.git"},
		{"https://github.com/@scope/pkg.git", "https://github.com/@scope/pkg.git"},
	}
	for i, tt := range tests {
		if got := remoteName(tt.in); got != tt.want || strings.Contains(got, pass) {
			t.Errorf("remoteName(case %d) = %q, want %q", i, strings.ReplaceAll(got, pass, "<pass>"), tt.want)
		}
	}
}
