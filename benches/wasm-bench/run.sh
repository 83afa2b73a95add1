#!/usr/bin/env bash
# Wasm throughput ÷ native throughput on the same scenarios and code (benches/common.rs),
# at the app's release profile (opt-level "z", the simulator too, LTO, 1 codegen
# unit, panic = abort) and at
# opt-level 3; with wasm-opt -O --converge as the app's build applies it, when npm's binaryen is
# installed (npm ci, or scripts/setup.sh). Builds, then runs run.mjs once per build.
#
#   benches/wasm-bench/run.sh [ROUNDS]      (default 7; about 3 minutes after the builds)
set -euo pipefail

samples=${1:-7}  # rounds: see run.mjs
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
wasm_opt="$root/node_modules/.bin/wasm-opt"

cd "$here"
for profile in release release-o3; do
    cargo build --quiet --locked --profile "$profile" --target wasm32-unknown-unknown --lib
    cargo build --quiet --locked --profile "$profile" --bin quorum-wasm-bench-native
done

for profile in release release-o3; do
    level=$([[ $profile == release ]] && echo '"z"' || echo 3)
    wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/quorum_wasm_bench.wasm"
    native="$CARGO_TARGET_DIR/$profile/quorum-wasm-bench-native"
    node run.mjs --wasm "$wasm" --native "$native" --samples "$samples" \
        --label "opt-level $level, LTO, native and wasm ($(wc -c <"$wasm") B wasm)"
    echo
    if [[ -x $wasm_opt ]]; then
        "$wasm_opt" -O --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-multivalue --enable-reference-types \
            "$wasm" -o "${wasm%.wasm}.opt.wasm"
        node run.mjs --wasm "${wasm%.wasm}.opt.wasm" --native "$native" --samples "$samples" \
            --label "opt-level $level, LTO, then wasm-opt -O --converge on the wasm ($(wc -c <"${wasm%.wasm}.opt.wasm") B)"
        echo
    fi
done
