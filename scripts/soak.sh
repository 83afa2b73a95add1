#!/usr/bin/env bash
# The long soak: every random-fault property test with many more schedules than the quick
# default (QUORUM_CASES, default 10 000 per test), in release mode. Not part of test.sh;
# its result is recorded in docs/benchmarks.md.
#
#   scripts/soak.sh [CASES]
set -euo pipefail
cases=${1:-10000}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
start=$SECONDS
QUORUM_CASES=$cases cargo test --release --locked -p quorum-protocols --test office --test raft --test commit --test paxos --test crdt -- survives converge fails_only_by crash_storms
echo "soak: $cases schedules per correct variant passed in $((SECONDS - start)) s"
