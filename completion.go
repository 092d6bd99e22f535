package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// completionCommand prints the script that makes a shell complete keyguard's
// commands and flags. bash and zsh get urfave/cli's standard scripts, bound
// to keyguard: they ask `keyguard ... --generate-bash-completion` for the
// candidates, so completions always match the binary on PATH. fish gets the
// script urfave/cli generates from the command tree.
func completionCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in the current shell, or add the line to your shell's startup file:\n\n" +
			"   bash:  source <(keyguard completion bash)      (~/.bashrc)\n" +
			"   zsh:   source <(keyguard completion zsh)       (~/.zshrc, after compinit)\n" +
			"   fish:  keyguard completion fish | source       (~/.config/fish/config.fish)",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("completion takes one shell: bash, zsh or fish (got %d arguments)", c.NArg())
			}
			switch shell := c.Args().First(); shell {
			case "bash":
				_, err := io.WriteString(stdout, bashCompletion)
				return err
			case "zsh":
				_, err := io.WriteString(stdout, zshCompletion)
				return err
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return fmt.Errorf("generate the fish completion: %w", err)
				}
				_, err = io.WriteString(stdout, script)
				return err
			default:
				return usageErrorf("completion knows bash, zsh and fish, not %q", shell)
			}
		},
	}
}

// bashCompletion is urfave/cli v2's autocomplete/bash_autocomplete, bound to
// keyguard, and falling back to COMP_WORDS where the bash-completion package
// is not installed.
const bashCompletion = `# bash completion for keyguard: source <(keyguard completion bash)

# Macs have bash 3, for which the bash-completion package lacks
# _init_completion. This is a minimal version of it, which also works
# without the bash-completion package.
_keyguard_init_completion() {
  COMPREPLY=()
  if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
    _get_comp_words_by_ref "$@" cur prev words cword
  else
    cur="${COMP_WORDS[COMP_CWORD]}"
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi
}

_keyguard_bash_autocomplete() {
  if [[ "${COMP_WORDS[0]}" != "source" ]]; then
    local cur opts base words cword
    COMPREPLY=()
    cur="${COMP_WORDS[COMP_CWORD]}"
    if declare -F _init_completion >/dev/null 2>&1; then
      _init_completion -n "=:" || return
    else
      _keyguard_init_completion -n "=:" || return
    fi
    words=("${words[@]:0:$cword}")
    if [[ "$cur" == "-"* ]]; then
      requestComp="${words[*]} ${cur} --generate-bash-completion"
    else
      requestComp="${words[*]} --generate-bash-completion"
    fi
    opts=$(eval "${requestComp}" 2>/dev/null)
    COMPREPLY=($(compgen -W "${opts}" -- ${cur}))
    return 0
  fi
}

complete -o bashdefault -o default -o nospace -F _keyguard_bash_autocomplete keyguard
`

// zshCompletion is urfave/cli v2's autocomplete/zsh_autocomplete, bound to
// keyguard.
const zshCompletion = `#compdef keyguard
# zsh completion for keyguard: source <(keyguard completion zsh)

_keyguard_zsh_autocomplete() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion)}")
  fi

  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}

compdef _keyguard_zsh_autocomplete keyguard
`
