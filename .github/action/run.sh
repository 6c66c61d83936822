#!/usr/bin/env bash
# The steps of this repository's GitHub Action (action.yml at the root), in one
# script so that they run, and are tested, outside GitHub too (tests/test_action.py).
#
#   run.sh install  pip-install mlcycle (the distribution mlcycle-cli) into the Python on PATH. MLCYCLE_VERSION:
#                   'local' (the action's own source: the tag you `uses:`),
#                   'latest', or a version such as 0.1.0.
#   run.sh check    `mlcycle check` in MLCYCLE_WORKING_DIRECTORY (default .; any
#                   name, spaces and a leading dash included):
#                   annotations (--format github) and the plain lines in the log,
#                   the Markdown report appended to $GITHUB_STEP_SUMMARY,
#                   `exit-code=N` appended to $GITHUB_OUTPUT, and check's own exit
#                   code (0 passed, 1 gates open, 2 invalid input).
#                   MLCYCLE_BASE: a git ref for --base (empty: none);
#                   MLCYCLE_ARGS: more arguments, split on whitespace.
#
# Inputs arrive through the environment, never pasted into this script, so no
# value can become shell code.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

install() {
    local version=${MLCYCLE_VERSION:-local} spec
    case "$version" in
        local) spec=$(cd "$here/../.." && pwd) ;;
        latest) spec=mlcycle-cli ;;
        *[!0-9A-Za-z.+!-]* | "" | [!0-9]*)
            echo "mlcycle action: version '$version' is not 'local', 'latest' or a version" \
                 "such as 0.1.0" >&2
            exit 2 ;;
        *) spec="mlcycle-cli==$version" ;;
    esac
    python -m pip install --disable-pip-version-check --quiet "$spec"
    mlcycle --version
}

check() {
    local directory=${MLCYCLE_WORKING_DIRECTORY:-.}
    case "$directory" in
        -*) directory="./$directory" ;;  # a name, not an option of cd (nor `cd -`)
    esac
    cd "$directory"
    local args=() base=() code summary
    if [ -n "${MLCYCLE_ARGS:-}" ]; then
        read -r -a args <<< "$MLCYCLE_ARGS"
    fi
    if [ -n "${MLCYCLE_BASE:-}" ]; then
        base=(--base "$MLCYCLE_BASE")
    fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        # The summary file holds what earlier steps wrote: the report goes to a
        # file of its own first, then is appended. Its exit code is the one below.
        summary=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/mlcycle-summary.XXXXXX")
        mlcycle check ${args[@]+"${args[@]}"} ${base[@]+"${base[@]}"} --format markdown \
            --output "$summary" > /dev/null 2>&1 || true
        cat "$summary" >> "$GITHUB_STEP_SUMMARY"
        rm -f "$summary"
    fi
    code=0
    mlcycle check ${args[@]+"${args[@]}"} ${base[@]+"${base[@]}"} --format github || code=$?
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        echo "exit-code=$code" >> "$GITHUB_OUTPUT"
    fi
    exit "$code"
}

case "${1:-}" in
    install) install ;;
    check) check ;;
    *) echo "usage: run.sh install|check" >&2; exit 2 ;;
esac
