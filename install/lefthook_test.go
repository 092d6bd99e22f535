package install

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestRunsKeyguard(t *testing.T) {
	pre, push, merge := managedHooks()[0], managedHooks()[1], managedHooks()[2]
	tests := []struct {
		line string
		h    hookDef
		want bool
	}{
		{"keyguard hook pre-commit", pre, true},
		{"keyguard hook pre-commit {staged_files}", pre, true},
		{`"$(git rev-parse --git-common-dir)/keyguard/keyguard" hook pre-commit "$@"`, pre, true},
		{"keyguard hook pre-push {1} {2}", push, true},
		{"keyguard hook pre-commit", merge, true}, // pre-merge-commit runs the pre-commit check
		{"keyguard hook pre-commitx", pre, false},
		{"# keyguard hook pre-commit", pre, false},
		{"echo keyguard", pre, false},
		{"keyguard hook pre-push", pre, false},
		{"npm test\nkeyguard hook pre-commit\n", pre, true},
	}
	for _, tt := range tests {
		if got := runsKeyguard(tt.line, tt.h); got != tt.want {
			t.Errorf("runsKeyguard(%q, %s) = %v, want %v", tt.line, tt.h.Name, got, tt.want)
		}
	}
}

// TestLefthookBlock checks that keyguard's block is valid YAML that lefthook
// reads as one keyguard command per hook, the one readLefthookConfig finds,
// and that findLefthookBlock finds exactly it.
func TestLefthookBlock(t *testing.T) {
	for _, assert := range []bool{false, true} {
		block := lefthookBlock(managedHooks(), assert)
		var top map[string]any
		if err := yaml.Unmarshal([]byte(block), &top); err != nil {
			t.Fatalf("block is not YAML: %v\n%s", err, block)
		}
		if got, _ := top["assert_lefthook_installed"].(bool); got != assert {
			t.Errorf("assert_lefthook_installed = %v, want %v", got, assert)
		}
		for _, h := range managedHooks() {
			sec, _ := top[h.Name].(map[string]any)
			cmds, _ := sec["commands"].(map[string]any)
			kg, _ := cmds["keyguard"].(map[string]any)
			if run, _ := kg["run"].(string); run != lefthookRun(h) {
				t.Errorf("%s: run = %q, want %q", h.Name, run, lefthookRun(h))
			}
			if stdin, _ := kg["use_stdin"].(bool); stdin != h.Stdin {
				t.Errorf("%s: use_stdin = %v, want %v", h.Name, stdin, h.Stdin)
			}
		}
		content := "pre-commit:\n  commands:\n    lint:\n      run: 'true'\n" + block + "# after\n"
		sp, ok := findLefthookBlock([]byte(content))
		if !ok || content[sp.start:sp.end] != block {
			t.Errorf("findLefthookBlock = %v, %v; want the block", sp, ok)
		}
		if _, ok := findLefthookBlock([]byte(strings.TrimSuffix(block, lefthookEnd+"\n"))); ok {
			t.Error("findLefthookBlock found a block without its end line")
		}
	}
}
