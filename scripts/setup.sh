# shellcheck shell=bash
# Installs what Quorum needs to build (and, with --for-tests, to test) and puts it on PATH.
# A library sourced by scripts/serve.sh and scripts/test.sh, so that PATH and the
# variables below reach the commands they run afterwards:
#
#   source scripts/setup.sh
#   quorum_setup                # build + serve: wasm target, wasm-pack, wasm-bindgen-cli, npm deps
#   quorum_setup --for-tests    # also rustfmt/clippy, Debian chromium + chromium-driver
#
# (A function rather than code run on `source`: a bare `source` would hand the caller's own
# arguments, such as serve.sh's port, to this file.)
#
# Idempotent: every step checks first and prints one line saying what it found or did.
# Only the package registries are reachable on the machines we target, so nothing here
# may fetch a prebuilt binary from anywhere else: the Rust tools are built by
# `cargo install`, wasm-opt comes from npm `binaryen`, the browser and its driver from Debian.
#
# Also defines quorum_build_wasm, the one release build that both scripts use.
# Every command checks its own status (`|| return`): callers may run these inside an
# `if`, where `set -e` does not apply.

QUORUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export QUORUM_ROOT

# Debian's chromium-driver; wasm-pack would otherwise try to download a chromedriver.
export CHROMEDRIVER=/usr/bin/chromedriver
# playwright-core never downloads a browser on its own, but other Playwright packages
# would; the e2e tests drive Debian's /usr/bin/chromium instead.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

quorum_say() { printf 'setup: %s\n' "$*"; }
quorum_fail() { printf 'setup: ERROR: %s\n' "$*" >&2; return 1; }

# Runs "$@" and reports how long it took: installs are the slow part of a cold run.
quorum_timed() {
    local t0=$SECONDS
    "$@" || return
    quorum_say "  ... done in $((SECONDS - t0)) s"
}

# Runs apt-get as root, through sudo when we are not root.
quorum_apt_get() {
    if [[ $(id -u) -eq 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get "$@"
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
    fi
}

quorum_setup_path() {
    # rustup installs into ~/.cargo/bin but only a login shell's profile adds it to PATH;
    # CI shells are not login shells. Put it first so the tools `cargo install` puts there
    # win over any older copies elsewhere on PATH.
    local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
    export PATH="$cargo_bin:$PATH"
    command -v cargo >/dev/null && command -v rustup >/dev/null ||
        quorum_fail "cargo/rustup not found (looked on PATH and in $cargo_bin); install Rust with rustup first" || return
    command -v node >/dev/null && command -v npm >/dev/null ||
        quorum_fail "node/npm not found; install Node.js 20+ first" || return
    quorum_say "using $(cargo --version), node $(node --version)"
}

quorum_setup_wasm_target() {
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        quorum_say "rust target wasm32-unknown-unknown: present"
    else
        quorum_say "rust target wasm32-unknown-unknown: adding"
        rustup target add wasm32-unknown-unknown || return
    fi
}

quorum_setup_lint_components() {
    # A minimal rustup profile lacks rustfmt and clippy; test.sh runs both.
    if cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1; then
        quorum_say "rustfmt + clippy: present"
    else
        quorum_say "rustfmt + clippy: adding"
        rustup component add rustfmt clippy || return
    fi
}

quorum_setup_wasm_pack() {
    local have
    have=$(wasm-pack --version 2>/dev/null)
    if [[ $have == "wasm-pack 0.15."* ]]; then
        quorum_say "$have: present"
    else
        # Not the npm package `wasm-pack`: its install script downloads a binary.
        quorum_say "wasm-pack 0.15.x: installing with cargo (~2 min cold; found: ${have:-none})"
        quorum_timed cargo install --quiet --locked wasm-pack --version '~0.15' || return
    fi
}

# The `wasm-bindgen` version pinned in Cargo.lock: the CLI must match it exactly.
quorum_locked_wasm_bindgen_version() {
    awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' \
        "$QUORUM_ROOT/Cargo.lock"
}

quorum_setup_wasm_bindgen() {
    local want have
    want=$(quorum_locked_wasm_bindgen_version)
    [[ -n $want ]] || quorum_fail "no wasm-bindgen package in Cargo.lock" || return
    have=$(wasm-bindgen --version 2>/dev/null)
    if [[ $have == "wasm-bindgen $want" ]]; then
        quorum_say "wasm-bindgen-cli $want (= Cargo.lock): present"
        return
    fi
    # wasm-pack runs with --mode no-install, so a mismatch would fail the build at once
    # instead of silently building another CLI into its cache.
    quorum_say "wasm-bindgen-cli $want (= Cargo.lock): installing with cargo (~2 min cold; found: ${have:-none})"
    # --locked has failed on a yanked dependency of the CLI's own lockfile; without it the
    # CLI still builds, against the newest compatible dependencies.
    quorum_timed cargo install --quiet --locked wasm-bindgen-cli --version "=$want" ||
        { quorum_say "  --locked failed; retrying without it" &&
            quorum_timed cargo install --quiet wasm-bindgen-cli --version "=$want"; } || return
    have=$(wasm-bindgen --version 2>/dev/null)
    [[ $have == "wasm-bindgen $want" ]] ||
        quorum_fail "wasm-bindgen on PATH is '${have:-missing}' ($(command -v wasm-bindgen)), want $want" || return
}

quorum_setup_npm() {
    # A copy of the lockfile that npm ci installed from, kept inside node_modules (which
    # npm ci wipes), tells whether node_modules is current.
    local stamp="$QUORUM_ROOT/node_modules/.quorum-installed-lock.json"
    if cmp -s "$QUORUM_ROOT/package-lock.json" "$stamp"; then
        quorum_say "npm dev dependencies (binaryen, playwright-core, axe-core): up to date"
    else
        quorum_say "npm dev dependencies (binaryen, playwright-core, axe-core): npm ci"
        # --ignore-scripts: no package gets to run an install hook (such hooks are what
        # download browsers and binaries).
        (cd "$QUORUM_ROOT" && quorum_timed npm ci --ignore-scripts --no-audit --no-fund) || return
        cp "$QUORUM_ROOT/package-lock.json" "$stamp" || return
    fi
    # wasm-pack runs the first wasm-opt on PATH without checking its version, and with
    # --mode no-install silently skips optimisation if there is none. Debian's binaryen is
    # too old for what rustc emits, so npm's must come first.
    export PATH="$QUORUM_ROOT/node_modules/.bin:$PATH"
    local wasm_opt
    wasm_opt=$(command -v wasm-opt)
    [[ $wasm_opt == "$QUORUM_ROOT/node_modules/.bin/wasm-opt" ]] ||
        quorum_fail "wasm-opt resolves to '${wasm_opt:-nothing}', expected node_modules/.bin/wasm-opt" || return
}

quorum_setup_chromium() {
    if [[ -x /usr/bin/chromium && -x $CHROMEDRIVER ]]; then
        quorum_say "chromium + chromium-driver: present"
        return
    fi
    quorum_say "chromium + chromium-driver: installing from Debian (~1 min cold)"
    # A fresh machine has empty package lists; refresh only when we must install.
    quorum_timed quorum_apt_get update -q || return
    quorum_timed quorum_apt_get install -y -q chromium chromium-driver || return
}

# wasm-pack build of the app into pkg/ (release profile, ES module for index.html).
quorum_build_wasm() {
    (cd "$QUORUM_ROOT" && wasm-pack build --release --target web --mode no-install)
}

quorum_setup() {
    local for_tests=
    case ${1-} in
        --for-tests) for_tests=1 ;;
        "") ;;
        *) quorum_fail "unknown option '$1' (only --for-tests)" || return ;;
    esac
    quorum_setup_path || return
    quorum_setup_wasm_target || return
    if [[ -n $for_tests ]]; then quorum_setup_lint_components || return; fi
    quorum_setup_wasm_pack || return
    quorum_setup_wasm_bindgen || return
    quorum_setup_npm || return
    if [[ -n $for_tests ]]; then quorum_setup_chromium || return; fi
}

