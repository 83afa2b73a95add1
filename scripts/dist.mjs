// Assembles a static copy of the lab in a folder: index.html, the service worker, the
// wasm and its JS, static/ and the preset scenarios as files. Any static host serves it,
// at its root or under any sub-path (every path in it is relative), and after a first
// visit it works offline (sw.js).
//
//   node scripts/dist.mjs [OUT]          (default: dist/; scripts/dist.sh builds first)
//
// The e2e test of the static build imports assemble() to make one in a temporary folder.
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './serve.mjs';

const FILES = ['index.html', 'sw.js', 'pkg/quorum.js', 'pkg/quorum_bg.wasm'];
const DIRS = [
  ['static', 'static'],
  ['protocols/scenarios', 'scenarios'],
];

export async function assemble(out) {
  await stat(path.join(REPO_ROOT, 'pkg', 'quorum_bg.wasm')).catch(() => {
    throw new Error('no pkg/quorum_bg.wasm: build it first (scripts/dist.sh does)');
  });
  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'pkg'), { recursive: true });
  for (const file of FILES) await cp(path.join(REPO_ROOT, file), path.join(out, file));
  for (const [from, to] of DIRS) await cp(path.join(REPO_ROOT, from), path.join(out, to), { recursive: true });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist'));
  await assemble(out);
  console.log(`dist: the lab is in ${out}; copy that folder to any static host (any path), or serve it offline`);
}
