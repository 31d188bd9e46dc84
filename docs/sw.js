// Service worker: fast repeat visits and offline use. build_site.py fills in the version (a hash
// of every file of the site), the precache list and the URL prefixes whose files never change.
// The precache list is by role (buildtools/precache.py): every page, the theme's and our assets,
// the search index, the runtime and wheels — so one visit to any page makes every page of the
// site open offline, styled, and every region's calculator compute. It is registered on every
// page (assets/runtime/update-banner.js). An unknown URL offline gets our 404 page.
//
// Updates: a new deployment means a new sw.js (served no-cache, registered with updateViaCache
// "none", so the browser always sees it). The new worker installs a complete new cache next to
// the old one and then WAITS: an open page keeps the version it started with, never a mix of old
// and new files. update-banner.js then shows "本站内容已更新"; its button sends SKIP_WAITING, the
// new worker activates and deletes every older cache, and the page reloads. Without the button
// the new version takes over once every tab of the site has been closed.
//
// Privacy: cache keys are the site's own URLs without query or fragment — the `#calc=` data of
// a share link is never stored. The caches hold only the site's own files, and only complete,
// non-redirected answers to URLs without a query (storable below).
const VERSION = "__SW_VERSION__";
const PRECACHE = /*__SW_PRECACHE__*/ [];
// Every precached file's size and sha256 as the build wrote it: a page cut short or altered on the
// way is never precached (the install fails and the previous version stays).
const EXPECTED = /*__SW_EXPECTED__*/ {};
const IMMUTABLE = /*__SW_IMMUTABLE__*/ [];
const CACHE = "mbz-" + VERSION;
const BASE = new URL("./", self.location).href;
const NOT_FOUND = new URL("404.html", BASE).href;
// Registered as sw.js?engine=0 by a page without WebAssembly (or here without it): the runtime,
// the wheels and the engine's files are left out of the cache, since this phone cannot run them.
const ENGINE = typeof WebAssembly === "object" && new URL(self.location).searchParams.get("engine") !== "0";
// The engine's files: the manifest's, the runtime and wheels, and the scripts only the engine runs.
const ENGINE_SCRIPTS = /^\/assets\/runtime\/(worker|calc-client|integrity|snapshot|snapshot-reader)\.js$/;
const isEngineFile = (url, files) => files.has(url) || /\/(pyodide|wheels)\//.test(url.slice(BASE.length - 1))
  || ENGINE_SCRIPTS.test(url.slice(BASE.length - 1));

function cacheKey(url) {
  const u = new URL(url);
  u.hash = "";
  u.search = "";
  return u.href;
}
const isImmutable = (url) => IMMUTABLE.some((prefix) => url.startsWith(BASE + prefix));

// The engine's files are checked against the manifest's sha256 when they enter the cache (the
// worker checks them again when it loads them): a damaged or altered copy never gets in — the
// install fails and the previous version stays.
const MANIFEST = new URL("assets/calc-manifest.json", BASE).href;

async function expected() {
  const resp = await fetch(new Request(MANIFEST, { cache: "no-cache" }));
  if (!resp.ok) throw new Error(`precache ${MANIFEST}: HTTP ${resp.status}`);
  const manifest = await resp.clone().json();
  const files = new Map(Object.values(manifest.files).map((f) => [new URL(f.url, BASE).href, f]));
  return { resp, files };
}

async function checked(url, resp, files) {
  const path = url.slice(BASE.length) || "./";
  const f = files.get(url) || (EXPECTED[path] && { bytes: EXPECTED[path][0], sha256: EXPECTED[path][1] });
  if (!f) return resp;
  const buf = await resp.clone().arrayBuffer();
  const hex = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", buf)),
    (b) => b.toString(16).padStart(2, "0")).join("");
  if (buf.byteLength !== f.bytes || hex !== f.sha256) throw new Error(`precache ${url}: not the published file`);
  return resp;
}

async function precache() {
  const cache = await caches.open(CACHE);
  const { resp: manifestResp, files } = await expected();
  await cache.put(MANIFEST, manifestResp);
  await Promise.all(PRECACHE.map(async (path) => {
    const url = new URL(path, BASE).href;
    if (url === MANIFEST) return;
    if (!ENGINE && isEngineFile(url, files)) return;
    if (isImmutable(url)) {
      // Same URL, same bytes: reuse the previous version's copy instead of downloading 13 MB again.
      const old = await caches.match(url);
      if (old) return cache.put(url, old);
    }
    // Everything else is revalidated (ETag) so the new cache never gets an outdated copy.
    // A weak connection drops a request now and then: each file is tried three times.
    for (let attempt = 1; ; attempt++) {
      try {
        // A second try goes past the HTTP cache (a damaged copy there would fail again).
        const mode = attempt > 1 ? "reload" : isImmutable(url) ? "default" : "no-cache";
        const resp = await fetch(new Request(url, { cache: mode }));
        if (!resp.ok || resp.redirected) throw new Error(`precache ${url}: HTTP ${resp.status}`);
        return await cache.put(url, await checked(url, resp, files));
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("mbz-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Kept only: a complete answer (200, our origin, not redirected: "/yangcheng" answered by a
// redirect must not be stored as the page) to a URL without a query, under that exact URL.
// A URL with a query is another resource: never stored, and never answered with a stored one,
// except a page (WeChat adds "?from=…" to shared links), which is the same page offline.
const storable = (req, resp) =>
  resp.status === 200 && resp.type === "basic" && !resp.redirected && new URL(req.url).search === "";

async function respond(req) {
  const cache = await caches.open(CACHE);
  const hasQuery = new URL(req.url).search !== "";
  const key = hasQuery && req.mode !== "navigate" ? null : cacheKey(req.url);
  // cache "reload"/"no-store": the worker fetching a runtime file again after a failed sha256 check.
  if (key && req.cache !== "reload" && req.cache !== "no-store") {
    const hit = await cache.match(key);
    if (hit) return hit;
    // "/xianning" asked for without its slash: the page is kept as "/xianning/".
    if (req.mode === "navigate" && !/\/$|\.[a-z0-9]+$/i.test(new URL(key).pathname)) {
      const page = await cache.match(key + "/");
      if (page) return Response.redirect(key + "/", 301);
    }
  }
  try {
    const resp = await fetch(req);
    if (storable(req, resp)) {
      const copy = resp.clone();
      cache.put(key, copy).catch(() => {});
    }
    return resp;
  } catch (err) {
    if (req.mode === "navigate") {
      // Offline and never saved: our own 404 page says so (in Chinese), not the browser's error.
      const page = await cache.match(NOT_FOUND);
      if (page) return new Response(page.body, { status: 404, headers: page.headers });
    }
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || !req.url.startsWith(BASE) || req.headers.has("range")) return;
  event.respondWith(respond(req));
});
