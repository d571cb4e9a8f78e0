#!/usr/bin/env bash
# Runs the test suites with node:test through tsx. Node 20's --test neither expands globs
# nor finds .ts files itself, so the shell expands them here.
#   scripts/test.sh          unit tests (src/**) then end-to-end tests (test/**)
#   scripts/test.sh unit|e2e one of the two
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
what=${1:-all}
unit=(src/**/*.test.ts)
e2e=(test/**/*.test.ts)
run() { node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec "$@"; }
if [[ $what == all || $what == unit ]] && ((${#unit[@]})); then run "${unit[@]}"; fi
if [[ $what == all || $what == e2e ]] && ((${#e2e[@]})); then run "${e2e[@]}"; fi
