#!/usr/bin/env bash
# Builds the lab and assembles a static copy in dist/ (or OUT): index.html, sw.js, pkg/,
# static/ and the presets as scenario files. Host it anywhere, under any sub-path; after
# one visit it works offline.
#
#   scripts/dist.sh [OUT]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# shellcheck disable=SC2119 # no options for setup
quorum_setup
quorum_build_wasm
node "$QUORUM_ROOT/scripts/dist.mjs" "$@"
