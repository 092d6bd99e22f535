package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ConfigValue is one value of a git configuration key and where it was set.
type ConfigValue struct {
	Scope  string // "system", "global", ...
	Origin string // e.g. "file:/home/me/.gitconfig"
	Value  string
}

// UserConfig returns the values of key in the global and system
// configuration (not any repository's), in the order git reads them: the
// last one wins. It runs outside any repository.
func UserConfig(ctx context.Context, key string) ([]ConfigValue, error) {
	args := []string{"config", "--show-scope", "--show-origin", "-z", "--get-all", key}
	out, err := userGit(ctx, args...)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
		return nil, nil // unset
	}
	if err != nil {
		return nil, err
	}
	f := splitZ(out)
	if len(f)%3 != 0 {
		return nil, fmt.Errorf("git config --get-all %s: unexpected output", key)
	}
	var vs []ConfigValue
	for i := 0; i < len(f); i += 3 {
		if f[i] == "global" || f[i] == "system" {
			vs = append(vs, ConfigValue{Scope: f[i], Origin: f[i+1], Value: f[i+2]})
		}
	}
	return vs, nil
}

// SetGlobalConfig sets key to value in the user's global git configuration.
func SetGlobalConfig(ctx context.Context, key, value string) error {
	_, err := userGit(ctx, "config", "--global", "--replace-all", key, value)
	return err
}

// UnsetGlobalConfig removes every value of key from the user's global git
// configuration; unsetting an unset key is not an error.
func UnsetGlobalConfig(ctx context.Context, key string) error {
	_, err := userGit(ctx, "config", "--global", "--unset-all", key)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 5 {
		return nil // git's "no such key"
	}
	return err
}

// userGit runs git for the user's own configuration, from the root
// directory so no repository's configuration takes part.
func userGit(ctx context.Context, args ...string) ([]byte, error) {
	env, err := childEnv("/")
	if err != nil {
		return nil, err
	}
	var clean []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT":
			continue
		}
		clean = append(clean, kv)
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = "/"
	cmd.Env = clean
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, ErrNoGit
		}
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && stderr.Len() == 0 {
			return nil, err // a plain status (key unset), for the caller to read
		}
		return nil, commandError(args, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}
