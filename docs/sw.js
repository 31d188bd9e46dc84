// Service worker: repeat visits and offline use. build_site.py replaces the two placeholders
// with the site's content hash and the precache list; a new deployment has a new hash, so
// the new worker installs a fresh cache and deletes every older one on activate.
const VERSION = "__SW_VERSION__";
const PRECACHE = /*__SW_PRECACHE__*/ [];
const CACHE = "mbz-" + VERSION;
const BASE = new URL("./", self.location).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // Same URLs the page already fetched: the HTTP cache (immutable runtime) answers most of them.
      .then((c) => c.addAll(PRECACHE.map((p) => new URL(p, BASE).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("mbz-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || !req.url.startsWith(BASE)) return;
  if (req.mode === "navigate") {
    // Pages: network first so a new deployment shows at once; the cache when offline.
    event.respondWith(
      fetch(req).then((resp) => {
        if (resp.ok) { const copy = resp.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
        return resp;
      }).catch(() => caches.match(req, { ignoreSearch: true }).then((r) => r || caches.match(new URL("index.html", req.url).href)))
        .then((r) => r || Response.error()),
    );
    return;
  }
  // Runtime, wheel and assets: versioned by the cache name, so cache first.
  event.respondWith(
    caches.match(req, { ignoreSearch: false }).then((hit) => hit || fetch(req).then((resp) => {
      if (resp.ok && resp.type === "basic") { const copy = resp.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
      return resp;
    })),
  );
});
