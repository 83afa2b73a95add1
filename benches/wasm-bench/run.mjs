// Times the simulator in WebAssembly (Node's V8) against the identical code run natively.
//
//   node run.mjs --wasm FILE.wasm --native BIN [--label TEXT] [--samples 7] [--warmup 2]
//
// FILE.wasm is this crate built for wasm32-unknown-unknown; BIN its native binary
// (quorum-wasm-bench-native) from the same profile. Every benchmark is called WARMUP times
// in wasm (V8 compiles with Liftoff first and tiers hot functions up to TurboFan), then
// SAMPLES rounds each time every benchmark once in wasm and once natively (one warm-up
// call, in a fresh process). Prints, per benchmark, events/s in wasm and natively,
// wasm ÷ native, and each ÷ its own bare event loop. run.sh builds and runs all.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values: opt } = parseArgs({
  options: {
    wasm: { type: "string" }, native: { type: "string" }, label: { type: "string", default: "" },
    samples: { type: "string", default: "7" }, warmup: { type: "string", default: "2" },
  },
});
if (!opt.wasm || !opt.native) {
  console.error("usage: node run.mjs --wasm FILE.wasm --native BIN [--label TEXT] [--samples N] [--warmup N]");
  process.exit(2);
}
const samples = +opt.samples, warmup = +opt.warmup;

// name:args; calls are sized to take ~50–300 ms each.
const plan = [
  ["bare", [10], "bare event loop (10 × 100 000 events)"],
  ["office", [5, 60000, 10], "office, 5 branches, 60 s (10 runs)"],
  ["office", [5, 600000, 1], "office, 5 branches, 10 min"],
  ["office_hash", [5, 600000, 1], "office, 5 br, 10 min, hash only"],
  ["raft", [5, 60000, 10], "Raft, 5 servers, 60 s (10 runs)"],
  // About 100 000 events; "events" here is the sum of the steps landed on, so only the
  // time per call means anything: 20 seeks per call.
  ["seek", [1000000, 20], "20 seeks in a 100 000-event run"],
];
const item = ([name, args]) => `${name}:${args.join(",")}`;

const module = await WebAssembly.compile(readFileSync(opt.wasm));
// The crate needs no imports; should a toolchain add some, fail loudly if one is called.
const imports = {};
for (const { module: m, name, kind } of WebAssembly.Module.imports(module)) {
  if (kind !== "function") throw new Error(`unexpected import ${m}.${name} (${kind})`);
  (imports[m] ??= {})[name] = () => { throw new Error(`import ${m}.${name} called`); };
}
const { exports } = await WebAssembly.instantiate(module, imports);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const timeWasm = ([name, args]) => {
  const start = process.hrtime.bigint();
  const events = Number(exports[name](...args));
  return { events, ns: Number(process.hrtime.bigint() - start) };
};
const timeNative = (warm) => {
  const out = execFileSync(opt.native, ["1", String(warm), ...plan.map(item)], { encoding: "utf8" });
  return out.trim().split("\n").map((l) => JSON.parse(l)).map((r) => ({ events: r.events, ns: r.median_ns }));
};

// Rounds alternate wasm and native, so a busy neighbour on the machine slows both alike;
// every ratio is taken within a round, then the median over rounds.
for (let i = 0; i < warmup; i++) plan.forEach(timeWasm);
const rounds = [];
for (let i = 0; i < samples; i++) rounds.push({ wasm: plan.map(timeWasm), native: timeNative(1) });

const rate = (r) => r.events / r.ns * 1e9;
const fmt = (x) => x >= 1e6 ? (x / 1e6).toFixed(2) + " M" : (x / 1e3).toFixed(0) + " k";
console.log(`${opt.label}\n  (${samples} rounds of one wasm and one native call each, after ${warmup} wasm ` +
  `warm-up calls; medians over rounds; node ${process.version})`);
console.log("benchmark".padEnd(40) + "wasm ev/s".padStart(11) + "native ev/s".padStart(13) +
  "wasm/native".padStart(13) + "wasm÷base".padStart(11) + "native÷base".padStart(13));
plan.forEach((entry, k) => {
  if (entry[0] === "seek") {
    const perSeek = (r) => r.ns / entry[1][1] / 1e6;
    console.log(entry[2].padEnd(40) + `  ms per seek: wasm ${median(rounds.map((r) => perSeek(r.wasm[k]))).toFixed(2)}` +
      `, native ${median(rounds.map((r) => perSeek(r.native[k]))).toFixed(2)}`);
    return;
  }
  for (const r of rounds) {
    if (r.wasm[k].events !== r.native[k].events) {
      throw new Error(`${item(entry)}: wasm ran ${r.wasm[k].events} events, native ${r.native[k].events}`);
    }
  }
  const med = (f) => median(rounds.map(f));
  console.log(entry[2].padEnd(40) + fmt(med((r) => rate(r.wasm[k]))).padStart(11) +
    fmt(med((r) => rate(r.native[k]))).padStart(13) +
    med((r) => rate(r.wasm[k]) / rate(r.native[k])).toFixed(3).padStart(13) +
    med((r) => rate(r.wasm[k]) / rate(r.wasm[0])).toFixed(4).padStart(11) +
    med((r) => rate(r.native[k]) / rate(r.native[0])).toFixed(4).padStart(13));
});
