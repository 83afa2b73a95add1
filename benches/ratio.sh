#!/usr/bin/env bash
# Runs the criterion throughput bench RUNS times (default 1) and prints, per benchmark, the
# median time per run, events per second and the ratio to the bare event loop measured in
# the same run (office events/s ÷ baseline events/s), plus the cost per event of the
# 30-minute run relative to the 60-second one. With several runs, every figure is the
# median over runs of that run's figure (ratios are taken within a run, then the median).
#
#   benches/ratio.sh [RUNS]
#
# Reads criterion's target/criterion/<group>/<bench>/new/estimates.json (median point
# estimate, ns per iteration) and new/benchmark.json (Throughput::Elements = events per
# iteration, counted by the bench itself); keeps them all in target/criterion/ratio-runs.tsv.
# Needs cargo and node. The ratio cancels the machine's speed only if its load stays the
# same through a run: on a shared machine, take several runs.
set -euo pipefail

runs=${1:-1}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
criterion="$CARGO_TARGET_DIR/criterion"
# One line per benchmark and run: run, name, estimates.json, benchmark.json (kept for a look).
collected="$criterion/ratio-runs.tsv"

cd "$root"
mkdir -p "$criterion"
: >"$collected"
cargo bench -p quorum-protocols --bench throughput --locked --no-run 2>&1 | tail -1 >&2
for ((run = 1; run <= runs; run++)); do
    echo "run $run/$runs: cargo bench -p quorum-protocols --bench throughput" >&2
    # Stale results of a benchmark that no longer exists must not be read back.
    rm -rf "$criterion/office" "$criterion/step_back"
    cargo bench -p quorum-protocols --bench throughput --locked >/dev/null 2>&1 ||
        { echo "cargo bench failed; run it by hand to see why" >&2; exit 1; }
    for estimates in "$criterion"/*/*/new/estimates.json; do
        dir=$(dirname "$estimates")
        printf '%s\t%s\t%s\t%s\n' "$run" "$(dirname "${dir#"$criterion"/}")" \
            "$(tr -d '\n' <"$estimates")" "$(tr -d '\n' <"$dir/benchmark.json")" >>"$collected"
    done
done

node - "$collected" <<'EOF'
const fs = require("fs");
const rows = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((line) => {
  const [run, name, est, bench] = line.split("\t");
  const events = JSON.parse(bench).throughput?.Elements ?? null;
  return { run: +run, name, ns: JSON.parse(est).median.point_estimate, events };
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const runs = [...new Set(rows.map((r) => r.run))];
const BASE = "office/bare_event_loop";
const order = [BASE, "office/5_branches_60s_hash", "office/9_branches_60s_hash", "office/5_branches_600s_hash",
  "office/5_branches_1800s_hash", "office/5_branches_60s_full", "office/5_branches_1800s_full"];
const rank = (n) => order.includes(n) ? order.indexOf(n) : order.length;
const names = [...new Set(rows.map((r) => r.name))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const get = (run, name) => rows.find((r) => r.run === run && r.name === name);
const time = (ns) => ns >= 1e9 ? (ns / 1e9).toFixed(2) + " s" : ns >= 1e6 ? (ns / 1e6).toFixed(2) + " ms"
  : (ns / 1e3).toFixed(1) + " µs";
const rate = (x) => x >= 1e6 ? (x / 1e6).toFixed(2) + " M" : (x / 1e3).toFixed(0) + " k";
const spread = (xs, f) => xs.length > 1 ? ` [${f(Math.min(...xs))}–${f(Math.max(...xs))}]` : "";
console.log(`${runs.length} run(s); medians over runs${runs.length > 1 ? ", [min–max] of the per-run ratio" : ""}`);
console.log("benchmark".padEnd(26) + "events/run".padStart(11) + "time/run".padStart(11) + "events/s".padStart(10) + "  ÷ baseline");
for (const name of names) {
  const per = runs.map((run) => get(run, name)).filter(Boolean);
  const ns = median(per.map((r) => r.ns));
  const events = per[0].events;
  let line = name.padEnd(26) + String(events ?? "").padStart(11) + time(ns).padStart(11);
  if (events) {
    const ratios = per.map((r) => (r.events / r.ns) / (get(r.run, BASE).events / get(r.run, BASE).ns));
    line += rate(median(per.map((r) => r.events / r.ns * 1e9))).padStart(10);
    line += "  " + median(ratios).toFixed(4) + spread(ratios, (x) => x.toFixed(4));
  }
  console.log(line);
}
const perEvent = (run, name) => get(run, name).ns / get(run, name).events;
for (const level of ["hash", "full"]) {
  const long = `office/5_branches_1800s_${level}`, short = `office/5_branches_60s_${level}`;
  if (names.includes(long) && names.includes(short)) {
    const ratios = runs.map((run) => perEvent(run, long) / perEvent(run, short));
    console.log(`cost per event, 5 branches, ${level}, 30 min ÷ 60 s: ${median(ratios).toFixed(2)}×` +
      spread(ratios, (x) => x.toFixed(2)));
  }
}
EOF
