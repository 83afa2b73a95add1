// A small static file server for Quorum, with no dependencies.
//
// Serves what a deployed copy would hold: index.html, sw.js, pkg/ (wasm-pack output)
// and static/ from the repo root; everything else (sources, target/, .git) is a 404, so
// a page that reaches outside those fails here the same way it would when deployed.
// Responses are never cached, so a rebuilt pkg/ shows on reload.
//
//   node scripts/serve.mjs [PORT]       (default: $PORT, else 8080; host 127.0.0.1)
//
// The e2e harness imports startServer() instead of starting a process, so it can pick
// a free port (port 0) and close the server itself.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PUBLIC_FILES = new Set(['index.html', 'sw.js']);
// scenarios/: the presets as files, in a static copy (scripts/dist.mjs).
const PUBLIC_DIRS = ['pkg/', 'static/', 'scenarios/'];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8', // wasm-pack's .d.ts files, for reading
};

// Maps a request path to a file under root, or null when it is not public.
function publicFile(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  rel = path.posix.normalize(rel).replace(/^\/+/, '');
  if (rel === '' || rel === '.') rel = 'index.html';
  if (rel.startsWith('..') || rel.includes('\0')) return null;
  if (!PUBLIC_FILES.has(rel) && !PUBLIC_DIRS.some((dir) => rel.startsWith(dir))) return null;
  return path.join(root, rel);
}

async function handle(root, prefix, req, res) {
  const send = (status, body, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(405, 'method not allowed\n');
  }
  const pathname = new URL(req.url, 'http://localhost').pathname;
  if (!pathname.startsWith(prefix)) return send(404, 'not found\n');
  const file = publicFile(root, pathname.slice(prefix.length - 1));
  if (file === null) return send(404, 'not found\n');
  try {
    if (!(await stat(file)).isFile()) return send(404, 'not found\n');
    const body = await readFile(file);
    return send(200, body, MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
  } catch (err) {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return send(404, 'not found\n');
    console.error(`serve: ${req.url}: ${err.message}`);
    return send(500, 'internal error\n');
  }
}

/**
 * Starts serving `root` on http://host:port/, or under `prefix` (a sub-path such as
 * '/talks/quorum/', as a host that is not the site's root would). Port 0 picks a free port.
 * Resolves to { url, port, close } once listening; close() resolves when stopped.
 */
export function startServer({ root = REPO_ROOT, host = '127.0.0.1', port = 0, prefix = '/' } = {}) {
  const server = createServer((req, res) => {
    handle(root, prefix, req, res).catch((err) => {
      console.error(`serve: ${req.url}: ${err.message}`);
      res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolve({
        url: `http://${host}:${actual}${prefix}`,
        port: actual,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Browsers keep connections alive; do not let them hold the server open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

function isMain() {
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  const arg = process.argv[2] ?? process.env.PORT ?? '8080';
  const port = Number(arg);
  if (!/^\d+$/.test(arg) || port < 1 || port > 65535) {
    console.error(`serve: invalid port '${arg}' (want 1-65535)`);
    process.exit(2);
  }
  try {
    const { url, close } = await startServer({ port });
    console.log(`Quorum is served at ${url}  (Ctrl-C to stop)`);
    const stop = () => close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    const why = err.code === 'EADDRINUSE' ? `port ${port} is in use (try PORT=9000)` : err.message;
    console.error(`serve: cannot listen on 127.0.0.1:${port}: ${why}`);
    process.exit(1);
  }
}
