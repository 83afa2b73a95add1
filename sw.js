// Quorum's service worker: the second visit works without a network (a laptop at a
// conference, a train). Network first, so a fresh build shows at once when online; what
// came over the network is kept, and served when the network is gone. Everything is
// relative to where the lab is hosted, so any sub-path works.

const CACHE = 'quorum-v1';
const SHELL = ['./', 'index.html', 'static/quorum.css', 'static/favicon.svg', 'pkg/quorum.js', 'pkg/quorum_bg.wasm'];

self.addEventListener('install', (event) => {
  // The shell is fetched now, so even a page that never finished loading works offline later.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((p) => new URL(p, self.registration.scope)))).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      // A link's #fragment never reaches here; a query (?embed) must not miss the cache.
      .catch(() => caches.match(request, { ignoreSearch: true }).then((hit) => hit ?? Response.error())),
  );
});
