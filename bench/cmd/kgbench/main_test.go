package main

import (
	"context"
	"io"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		check   func(config) bool
	}{
		{"defaults", nil, false, func(c config) bool {
			return c.size == 400 && c.commits == 3000 && !c.hugeGitleaks && c.coverageFiles[1] == 100000
		}},
		{"quick", []string{"-quick"}, false, func(c config) bool {
			return c.size == 40 && c.commits == 600 && c.hugeGitleaks && c.coverageFiles[0] == 5000
		}},
		{"quick keeps explicit flags", []string{"-quick", "-size", "80", "-huge-gitleaks=false"}, false, func(c config) bool {
			return c.size == 80 && !c.hugeGitleaks
		}},
		{"unknown workload", []string{"-only", "typical,nope"}, true, nil},
		{"one coverage size", []string{"-coverage-files", "1000"}, true, nil},
		{"stray argument", []string{"extra"}, true, nil},
		{"zero runs", []string{"-runs", "0"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && !tt.check(c) {
				t.Fatalf("unexpected config %+v", c)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[int]string{7: "7", 999: "999", 1000: "1,000", 39000: "39,000", 1234567: "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%d) = %q, want %q", in, got, want)
		}
	}
}

// TestInterleave runs real processes: every command gets its runs, an
// accepted exit code counts, and a failing command drops out with a reason.
func TestInterleave(t *testing.T) {
	ok := &command{Name: "true", Steps: [][]string{{"true"}, {"true"}}}
	one := &command{Name: "false accepted", Steps: [][]string{{"false"}}, OK: []int{1}}
	bad := &command{Name: "false", Steps: [][]string{{"false"}}}
	missing := &command{Name: "absent", Missing: "not installed"}
	cmds := []*command{ok, one, bad, missing}
	if err := interleave(context.Background(), cmds, 3, true, func(string) {}); err != nil {
		t.Fatal(err)
	}
	if len(ok.samples) != 3 || len(one.samples) != 3 {
		t.Fatalf("samples: %d and %d, want 3 each", len(ok.samples), len(one.samples))
	}
	if bad.failed == "" || len(bad.samples) != 0 || len(missing.samples) != 0 {
		t.Fatalf("failing or missing command was measured: %+v %+v", bad, missing)
	}
	if med, lo, hi, ok := ok.stats(); !ok || lo > med || med > hi {
		t.Fatalf("stats: %v %v %v %v", med, lo, hi, ok)
	}
}
