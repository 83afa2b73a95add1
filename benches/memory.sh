#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) and wall time of `quorum-sim run` on the
# scenarios in benches/scenarios/: the benchmark office (5 branches, 5 parents/s) for 10,
# 30 and 60 virtual minutes, and pathological runs that a simulator must survive.
#
#   benches/memory.sh [TIMEOUT_S] [LIMIT_MB]      (defaults 300 and 4000)
#
# Every run is bounded: killed after TIMEOUT_S seconds (`timeout`), and its address space
# capped at LIMIT_MB (`prlimit --as`), so a runaway fails its allocation instead of taking
# the machine down; such a run is reported as "timed out" or "exceeded", with the peak RSS
# it had reached. Also writes benches/scenarios/office-9-2000-faults-1h.json (generated
# from a fixed seed, so the file only changes if this script does). Needs node.
set -euo pipefail

timeout_s=${1:-300}
limit_mb=${2:-4000}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
scenarios="$root/benches/scenarios"
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
command -v prlimit >/dev/null || { echo "needs prlimit (Debian: util-linux)" >&2; exit 1; }

# 2000 faults over an hour on 9 branches at 50 parents/s: crash a running branch, restart
# a crashed one, pause a running one, resume a paused one, partition into two random
# groups, heal. Times uniform in (0, 1 h), from a fixed-seed xorshift32.
node - "$scenarios/office-9-2000-faults-1h.json" <<'EOF'
let x = 2024;
const rand = (n) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
const nodes = 9, hour = 3600000, state = Array(nodes).fill("up");
const times = Array.from({ length: 2000 }, () => 1 + rand(hour - 1)).sort((a, b) => a - b);
const pick = (s) => { const c = state.flatMap((v, i) => v === s ? [i] : []); return c.length ? c[rand(c.length)] : null; };
const timeline = times.map((at_ms) => {
  for (;;) {
    const kind = ["crash", "restart", "pause", "resume", "partition", "heal"][rand(6)];
    const from = { crash: "up", restart: "crashed", pause: "up", resume: "paused" }[kind];
    if (from) {
      const node = pick(from);
      if (node === null) continue;
      state[node] = { crash: "crashed", restart: "up", pause: "paused", resume: "up" }[kind];
      return { at_ms, action: kind, node };
    }
    if (kind === "heal") return { at_ms, action: "heal" };
    const side = Array.from({ length: nodes }, () => rand(2));
    return { at_ms, action: "partition", groups: [0, 1].map((g) => side.flatMap((s, i) => s === g ? [i] : [])) };
  }
});
const scenario = { version: 1, protocol: "office", nodes, seed: 1,
  title: "Pathological: 2000 random faults in an hour, 9 branches, 50 parents/s (benches/memory.sh)",
  workload: { rate_per_s: 50 }, timeline, until_ms: hour };
require("fs").writeFileSync(process.argv[2], JSON.stringify(scenario) + "\n");
EOF

cd "$root"
cargo build --quiet --locked --release -p quorum-protocols --bin quorum-sim
sim="$CARGO_TARGET_DIR/release/quorum-sim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `hash`: what quorum-sim run keeps (the outcome); `full`: what the lab keeps
# (trace window, messages, history, snapshots, series), via --record full.
printf '%-36s %-5s %10s %10s %9s  %s\n' scenario kept events "wall s" "peak MB" outcome
for name in office-5-10min office-5-30min office-5-60min office-9-crashed-50rps-10min \
    office-9-blackhole-50rps-1h office-9-paused-50rps-1h office-9-2000-faults-1h; do
  for kept in hash full; do
    record=()
    [[ $kept == full ]] && record=(--record full)
    rc=0
    /usr/bin/time -v -o "$work/time" timeout "$timeout_s" prlimit --as=$((limit_mb * 1000000)) \
        "$sim" run "$scenarios/$name.json" "${record[@]}" >"$work/out" 2>"$work/err" || rc=$?
    peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')
    events=-
    if ((rc == 0)); then
        events=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).events)' "$work/out")
        outcome=ok
    elif ((rc == 124)); then
        outcome="timed out after $timeout_s s"
    elif grep -q "memory allocation" "$work/err"; then
        outcome="exceeded $limit_mb MB (address space)"
    else
        outcome="failed, exit $rc: $(head -c 200 "$work/err" | tr '\n' ' ')"
    fi
    printf '%-36s %-5s %10s %10s %9d  %s\n' "$name" "$kept" "$events" "$wall" $((peak_kb * 1024 / 1000000)) "$outcome"
  done
done
