// The scripts `abra autocomplete <shell>` prints. Each one only collects the words typed so far
// and asks `abra __complete <words...>`; every rule about what completes where lives in
// candidates.ts, so the three shells agree. `__complete` prints `value<TAB>description` lines,
// then `:files` (let the shell complete file names) or `:words`.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

// bash: COMP_WORDS split as readline splits them (`--server=al` arrives as `--server`, `=`, `al`,
// which the engine understands), so each candidate replaces exactly the word readline replaces.
// bash-completion, when loaded, only cuts the current word at the cursor.
const bash = `# bash completion for abra (Co-op Cloud)
#   in ~/.bashrc:                 source <(abra autocomplete bash)
#   or for everyone:              abra autocomplete bash > /etc/bash_completion.d/abra
_abra_complete() {
    local cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref cur words cword
    else
        words=("\${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=\${COMP_WORDS[COMP_CWORD]}
    fi
    local bin=\${words[0]}
    [[ $bin == "~/"* ]] && bin=$HOME/\${bin#"~/"}
    local out
    out=$("$bin" __complete "\${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return 0
    local -a lines
    mapfile -t lines <<<"$out"
    local directive=\${lines[\${#lines[@]}-1]}
    unset "lines[\${#lines[@]}-1]"
    COMPREPLY=()
    if [[ $directive == :files ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
    fi
    local line
    for line in "\${lines[@]}"; do
        [[ -n $line ]] && COMPREPLY+=("\${line%%$'\\t'*}")
    done
    return 0
}
complete -F _abra_complete abra
`;

// zsh: loaded from $fpath (autoload runs the file as the function's body) or sourced after compinit.
const zsh = `#compdef abra
# zsh completion for abra (Co-op Cloud)
#   in ~/.zshrc, after compinit:  source <(abra autocomplete zsh)
#   or into your $fpath:          abra autocomplete zsh > "\${fpath[1]}/_abra"
compdef _abra abra

_abra() {
    local out directive line
    local -a lines cands
    out=$(\${words[1]/#\\~/$HOME} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    directive=\${lines[-1]}
    lines[-1]=()
    if [[ $directive == :files ]]; then
        _files
        return
    fi
    for line in $lines; do
        if [[ $line == *$'\\t'* ]]; then
            cands+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
        else
            cands+=("\${line//:/\\\\:}")
        fi
    done
    (( $#cands )) || return 1
    _describe -t abra 'abra' cands
}

if [ "$funcstack[1]" = "_abra" ]; then
    _abra "$@"
fi
`;

const fish = `# fish completion for abra (Co-op Cloud)
#   abra autocomplete fish > ~/.config/fish/completions/abra.fish
function __abra_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out (command $tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null)
    or return
    set -l directive $out[-1]
    set -e out[-1]
    if test "$directive" = ":files"
        __fish_complete_path "$current"
        return
    end
    for line in $out
        test -n "$line"; and printf '%s\\n' $line
    end
end
complete -c abra -e
complete -c abra -f -a '(__abra_complete)'
`;

export const completionScripts: Readonly<Record<Shell, string>> = { bash, zsh, fish };
