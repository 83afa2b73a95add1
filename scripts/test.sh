#!/usr/bin/env bash
# Installs what is missing and runs every test of Quorum, stopping at the first failing
# stage. Prints each stage's time and a summary at the end (also when a stage fails).
#
#   scripts/test.sh
#
# Stages: setup, formatting, clippy, native tests (protocols unit/property tests, the
# quorum-sim CLI tests, benches built in test mode), wasm tests in headless Chromium,
# release wasm build, its gzipped size against the 400 KB budget, end-to-end tests in headless
# Chromium.
set -euo pipefail

summary=()
stage_name=
stage_start=
suite_start=$SECONDS

stage_begin() {
    stage_name=$1
    stage_start=$SECONDS
    printf '\n==> [%s]\n' "$stage_name"
}

stage_end() {
    summary+=("$(printf '  ok    %5d s  %s' $((SECONDS - stage_start)) "$stage_name")")
    stage_name=
}

# Runs one stage at top level (not inside `if`), so that `set -e` stops the suite on the
# first failing command; the EXIT trap then reports which stage failed.
stage() {
    stage_begin "$1"
    shift
    "$@"
    stage_end
}

report() {
    local rc=$?
    if [[ -n $stage_name ]]; then
        summary+=("$(printf '  FAIL  %5d s  %s (exit %d)' $((SECONDS - stage_start)) "$stage_name" "$rc")")
    fi
    printf '\n==> summary\n'
    printf '%s\n' "${summary[@]}"
    if [[ $rc -eq 0 ]]; then
        printf 'all stages passed in %d s\n' $((SECONDS - suite_start))
    else
        printf 'FAILED at stage "%s" after %d s\n' "${stage_name:-?}" $((SECONDS - suite_start))
    fi
}
trap report EXIT

# At top level so that PATH and CHROMEDRIVER reach the stages below.
stage_begin setup
# shellcheck source-path=SCRIPTDIR source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
quorum_setup --for-tests
stage_end
cd "$QUORUM_ROOT"

stage "cargo fmt --check" cargo fmt --all -- --check
stage "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
stage "cargo test (native)" cargo test --workspace --all-targets --locked
# webdriver.json at the repo root adds Chromium's binary and flags for the closed network.
stage "wasm-pack test (headless chromium)" \
    wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --mode no-install
stage "wasm-pack build (release)" quorum_build_wasm

# The budget every change keeps: what the browser downloads, gzipped.
shipped_size() {
    local total=0 f size
    for f in pkg/quorum_bg.wasm pkg/quorum.js; do
        size=$(gzip -9 -c "$f" | wc -c)
        printf '  %-22s %8d B gzipped\n' "$f" "$size"
        total=$((total + size))
    done
    printf '  %-22s %8d B gzipped (budget %d)\n' total "$total" $((400 * 1024))
    ((total <= 400 * 1024))
}
stage "shipped size (wasm + JS <= 400 KB gzipped)" shipped_size
stage "e2e (playwright-core + chromium)" node tests/e2e/run.mjs
