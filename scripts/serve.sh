#!/usr/bin/env bash
# Installs what is missing, builds the app to WebAssembly (pkg/) and serves it on
# http://127.0.0.1:8080 until Ctrl-C. serve.mjs checks the port.
#
#   scripts/serve.sh [PORT]      or      PORT=9000 scripts/serve.sh
set -euo pipefail

port=${1:-${PORT:-8080}}
# shellcheck source-path=SCRIPTDIR source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# shellcheck disable=SC2119 # the port is not an option of setup
quorum_setup
quorum_build_wasm
# exec: Ctrl-C and kill reach the server itself.
exec node "$QUORUM_ROOT/scripts/serve.mjs" "$port"
