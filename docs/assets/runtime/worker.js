// Module Web Worker: the calculator's engine (Pyodide 314 + the calc wheel, all from our origin).
// It runs nothing the build did not publish: every runtime file and the wheel is checked against
// the sha256 in calc-manifest.json before use. Stages, each one function so it can be swapped:
//   loadManifest  assets/calc-manifest.json (build_site.py: url, sha256, bytes of each file by role;
//                 deadline: STALL_MS)
//   downloadAll   all files in parallel through integrity.js (deadline: STALL_MS without data);
//                 "lazy" files (the stock standard library) only when needed
//   bootRuntime   Pyodide from the checked bytes only (deadline: BOOT_MS)
//   loadWheel     unpack the checked wheel into site-packages (no micropip)
//   importApi     calc.api
// How Python starts, first that works:
//   fromSnapshot  a memory snapshot this phone stored after an earlier visit (snapshot.js)
//   fresh         the trimmed, precompiled standard library ("stdlib": buildtools/stdlib_trim.py)
//   full          the stock python_stdlib.zip ("stdlib_full"), if the trimmed one lacks a module —
//                 also later, when a call raises ImportError
// Calls other than estimate/meta (the chart, the staff tools) first add "stdlib_extra" to sys.path:
// the modules only they import, kept out of the first download.
// A fresh engine takes its memory image before the page's first call; after the first estimate,
// in idle time, it stores it (snapshot.js) for the next visit.
// Messages (ARCHITECTURE.md "Browser"): in {id, type, payload: json_text}, type one of the CALLS
// table below (an allow-list: estimate, meta, chart, and the staff tools' named calls; nothing
// else reaches Python); out {id, type: "received"} at once (calc-client.js: a call the worker had
// when it died is never sent again), then {id, ok, payload} | {type: "progress", stage, percent,
// loaded, total, file?, fileLoaded?, fileTotal?} | {type: "alive"} | {type: "ready"} |
// {type: "error", kind, message, file?} | {type: "status", boot?, stdlib?, snapshot?, ...}
// (how it started, for tests and the benchmark).
// One version at a time: the page passes the deploy it belongs to (in the worker's
// name, "…@<build>", from its <meta name="calc-build">); a manifest of another deploy is asked for once more past every cache,
// and if it still differs the start fails with kind "version" (the page then switches itself to
// the newest version, update-banner.js) — never the page of one deploy with the answers of another.
import { fetchVerified, LoadError } from "./integrity.js";
import * as snapshot from "./snapshot.js";
import { buildOf, received, reply } from "./protocol.js";

const STALL_MS = 10000;  // a download that gets (almost) nothing for this long has failed (integrity.js)
const BOOT_MS = 60000;   // starting Python from checked bytes is CPU only: generous for cheap phones
const IDLE_MS = 1500;    // no message for this long after an estimate: time to store the snapshot
const UNUSED_MS = 15000; // ... or this long without one (a visitor who only reads the page)
const SITE = new URL("../../", import.meta.url);  // docs/assets/runtime/ -> the site root
const abs = (rel) => new URL(rel, SITE).href;
const netFetch = globalThis.fetch.bind(globalThis);
// The page's deploy, from the worker's name "<role>-…@<build>" (protocol.js).
const PAGE_BUILD = buildOf(self.name);

// What each file is called in a message to the resident.
const WHAT = { wheel: "计算规则程序", manifest: "计算器文件清单" };
const what = (role) => WHAT[role] || "计算引擎";

// ---- progress: the bytes that really travel --------------------------------------------------
// `loaded`/`total` count bytes on the wire: a file's compressed size for the Content-Encoding the
// server chose (the manifest's "wire" sizes, written by the build from the very copies served),
// its own size if sent as it is, nothing for a copy this phone already keeps (Cache Storage).
// Until a file's answer arrives it is expected at its brotli size. The decoded bytes received
// against the manifest's sizes give `percent` (never decreasing).
const PERCENT = { download: [0, 85], boot: 88, wheel: 94, import: 97, ready: 100 };
const bytes = { raw: 0, rawTotal: 0, files: {} };  // files: role -> {n, size, wire}

function wireTotal() {
  return Object.values(bytes.files).reduce((sum, f) => sum + f.wire, 0);
}
function wireLoaded() {
  return Object.values(bytes.files).reduce((sum, f) => sum + Math.round(f.wire * Math.min(1, f.n / f.size)), 0);
}

function progress(stage, extra = {}) {
  const p = PERCENT[stage];
  const percent = Array.isArray(p)
    ? p[0] + (bytes.rawTotal ? (p[1] - p[0]) * bytes.raw / bytes.rawTotal : 0)
    : p;
  postMessage({ type: "progress", stage, percent: Math.round(percent * 10) / 10,
                loaded: wireLoaded(), total: wireTotal(), ...extra });
}

function expectFiles(manifest) {
  for (const [role, f] of Object.entries(manifest.files)) {
    if (f.lazy) continue;
    bytes.files[role] = { n: 0, size: f.bytes, wire: (f.wire && f.wire.br) || f.bytes };
    bytes.rawTotal += f.bytes;
  }
}

function wireSize(f, resp) {
  if (resp.fromPhone) return 0;
  const enc = (resp.headers.get("content-encoding") || "").trim().toLowerCase();
  return (enc && f.wire && f.wire[enc]) || f.bytes;
}

// ---- stages ---------------------------------------------------------------------------------
async function loadManifest() {
  let manifest = await fetchManifest("default");
  if (PAGE_BUILD && manifest.build !== PAGE_BUILD) {
    // A copy of another deploy (a cache, a proxy): the host's own, once.
    manifest = await fetchManifest("reload");
    if (manifest.build !== PAGE_BUILD) {
      const e = new LoadError("version", "本站刚刚更新过，这一页和计算器的文件不是同一个版本。页面正在换成最新版本，请稍候；如果一直没有换好，请联网后点“重试”。", "calc-manifest.json");
      e.engine = manifest.build;
      throw e;
    }
  }
  expectFiles(manifest);
  return manifest;
}

// The whole manifest (a few kB) within STALL_MS.
async function fetchManifest(cache) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), STALL_MS);
  try {
    let resp;
    try {
      resp = await netFetch(abs("assets/calc-manifest.json"), { signal: ctrl.signal, cache });
    } catch (e) {
      throw ctrl.signal.aborted
        ? new LoadError("timeout", `下载计算器文件清单时，网络 ${STALL_MS / 1000} 秒没有反应。请检查网络后点“重试”。`, "calc-manifest.json")
        : new LoadError("network", "下载计算器文件清单时网络中断了。请检查网络后点“重试”。", "calc-manifest.json");
    }
    if (!resp.ok) throw new LoadError("network", `下载计算器文件清单失败（服务器回答 ${resp.status}）。请稍后点“重试”。`, "calc-manifest.json");
    return await resp.json();
  } catch (e) {
    if (e instanceof LoadError) throw e;
    throw new LoadError("network", "计算器文件清单没有下载完整。请检查网络后点“重试”。", "calc-manifest.json");
  } finally {
    clearTimeout(timer);
  }
}

// Runtime files live at content-addressed URLs: a copy the service worker keeps is read straight
// from Cache Storage (not routed through the service worker: ~2x faster for 13 MB), and checked
// like any download. A re-check past caches (cache "reload", integrity.js) goes to the network.
async function cachedFetch(url, opts = {}) {
  if (opts.cache !== "reload" && opts.cache !== "no-store" && globalThis.caches) {
    try {
      const hit = await caches.match(url);
      if (hit && hit.ok) {
        hit.fromPhone = true;  // nothing travels for it (progress)
        return hit;
      }
    } catch (e) { /* no Cache Storage here (opaque origin, private mode): the network */ }
  }
  return netFetch(url, opts);
}

function download(manifest, role) {
  const f = manifest.files[role];
  return fetchVerified(abs(f.url), f, {
    what: what(role), stallMs: STALL_MS, fetch: cachedFetch,
    onResponse: (resp) => {
      const mine = bytes.files[role];
      if (mine) mine.wire = wireSize(f, resp);
    },
    onBytes: (n) => {
      const mine = bytes.files[role];
      if (!mine) return;  // a lazy file: not part of the start's progress
      bytes.raw += n - mine.n;
      mine.n = n;
      progress("download", { file: role, fileLoaded: Math.round(mine.wire * Math.min(1, n / f.bytes)),
                             fileTotal: mine.wire });
    },
  });
}

// -> {each: {role: Promise<checked bytes>}}: each file is put to use as soon as it is checked
// (bootRuntime awaits them all; the first failure ends the start at once).
function downloadAll(manifest) {
  const roles = Object.keys(manifest.files).filter((role) => !manifest.files[role].lazy);
  const each = Object.fromEntries(roles.map((role) => [role, download(manifest, role)]));
  for (const p of Object.values(each)) p.catch(() => {});  // reported where awaited
  return { each };
}

// Pyodide's two JavaScript modules, imported (parsed, compiled) as soon as both are checked —
// while the wasm and the standard library still download. One import serves every boot.
function runtimeModules(each) {
  const modules = Promise.all([each.loader, each.asm])
    .then(([loader, asm]) => Promise.all([import(moduleUrl(loader)), import(moduleUrl(asm))]));
  modules.catch(() => {});  // a failed download is reported through downloadAll
  return modules;
}

function deadline(promise, ms, message) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new LoadError("timeout", message)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const moduleUrl = (data) => URL.createObjectURL(new Blob([data], { type: "text/javascript" }));

// files: {role: Promise<checked bytes>}; modules: runtimeModules(); stdlib: the role of the
// standard library to boot from; options: extra loadPyodide options (the snapshot ones).
async function bootRuntime(manifest, files, modules, { stdlib = "stdlib", options = {} } = {}) {
  // import() has no integrity option: run the checked bytes themselves, from blob: URLs.
  const [{ loadPyodide }, { default: createPyodideModule }] = await modules;
  const indexURL = abs(manifest.runtime);
  const stdLibURL = abs(manifest.files[stdlib].url);
  // loadPyodide fetches the wasm (at indexURL + "pyodide.asm.wasm") and the stdlib itself: answer
  // those two from the checked bytes; any other fetch from now on is refused.
  const handOver = new Map([
    [indexURL + "pyodide.asm.wasm", [files.wasm, "application/wasm"]],
    [stdLibURL, [files[stdlib], "application/zip"]],
  ]);
  globalThis.fetch = async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location).href;
    const hit = handOver.get(url);
    if (!hit) throw new TypeError(`the calculator engine does not fetch ${url}`);
    handOver.delete(url);
    return new Response(await hit[0], { headers: { "Content-Type": hit[1] } });  // only once checked
  };
  // Pyodide sets itself up while the last files are still arriving and being checked; the wasm
  // and the standard library reach it only once checked. Its time limit starts when all are
  // (a slow link has its own: STALL_MS per download).
  const booting = loadPyodide({
    indexURL, stdLibURL, packageBaseUrl: indexURL, createPyodideModule,
    // No optional packages are used: a lockfile listing none (build_site.py LAZY_ROLES).
    lockFileContents: JSON.stringify({ info: manifest.lockfile_info, packages: {} }), ...options,
  });
  booting.catch(() => {});  // a failed download is what gets reported, below
  await Promise.all(Object.values(files));
  progress("boot");
  return deadline(booting, BOOT_MS,
    `计算引擎 ${BOOT_MS / 1000} 秒内没能启动（手机可能太忙或内存不够）。请关掉其他程序后点“重试”。`);
}

function loadWheel(pyodide, wheel) {
  progress("wheel");
  pyodide.unpackArchive(wheel, "wheel");
}

function importApi(pyodide) {
  progress("import");
  return pyodide.pyimport("calc.api");
}

// ---- snapshot, trimmed standard library, fallback ----------------------------------
const status = (fields) => postMessage({ type: "status", ...fields });
// One line about a failure: a Python traceback's last line, any other error's first.
const reason = (e) => {
  const lines = String((e && e.message) || e).trim().split("\n");
  return (e && e.type ? lines[lines.length - 1] : lines[0]).slice(0, 200);
};
// A snapshot is only valid for the exact runtime, wheel and standard library it was made with.
const snapshotKey = (manifest) =>
  [manifest.runtime, manifest.files.wheel.sha256, manifest.files.stdlib.sha256].join("|");

// -> {bytes: Promise, probe} | null; a stored snapshot for another version is deleted.
async function findSnapshot(manifestP) {
  const key = manifestP.then(snapshotKey);
  key.catch(() => {});  // read only when a snapshot is stored
  try {
    return await snapshot.readSnapshot(key);
  } catch (e) {
    if (e instanceof LoadError) return null;  // no manifest: start() reports that
    status({ snapshot_rejected: reason(e) });
    return null;
  }
}

async function fromSnapshot(manifest, files, modules, stored) {
  if (!stored) return null;
  try {
    const pyodide = await bootRuntime(manifest, files, modules, { options: { _loadSnapshot: stored.bytes } });
    loadWheel(pyodide, await files.wheel);  // files calc reads later (the region data) are not in the snapshot
    const api = importApi(pyodide);
    const meta = api.meta();
    if (meta !== stored.probe) throw new Error("its meta() answer differs from the one it was made with");
    status({ boot: "snapshot", stdlib: "trim", snapshot: "restored" });
    return { pyodide, api, manifest, files, modules, stdlib: "trim", meta };
  } catch (e) {
    if (e instanceof LoadError) throw e;  // a download failed: not the snapshot's fault
    status({ snapshot_rejected: reason(e) });
    await snapshot.dropSnapshot();
    return null;  // a normal boot follows; the resident sees nothing of this
  }
}

async function fresh(manifest, files, modules) {
  const snap = snapshot.supported();
  try {
    const pyodide = await bootRuntime(manifest, files, modules, { options: snap ? { _makeSnapshot: true } : {} });
    const heap = pyodide._module.HEAP8.length;
    loadWheel(pyodide, await files.wheel);
    const api = importApi(pyodide);
    const eng = { pyodide, api, manifest, files, modules, stdlib: "trim" };
    status({ boot: "fresh", stdlib: "trim", snapshot: snap ? "pending" : "skipped: no IndexedDB or CompressionStream" });
    if (snap) {
      // The image is taken now, before the page sends anything the resident typed, so the stored
      // snapshot can hold no amounts or identities (freed memory is not wiped). Only storing it
      // waits for idle time after the first estimate. meta() is the probe a restore is checked
      // against, and the page's first meta() call is answered with it.
      try {
        // A restore needs the heap to fit the wasm module's initial memory (Pyodide 314 cannot
        // grow it before restoring): an engine whose heap already grew makes none.
        if (pyodide._module.HEAP8.length !== heap) throw new Error("the heap grew while starting");
        eng.meta = api.meta();
        eng.image = { raw: pyodide.makeMemorySnapshot(), probe: eng.meta };
      } catch (e) {
        status({ snapshot: "failed: " + reason(e) });
      }
    }
    return eng;
  } catch (e) {
    if (e instanceof LoadError) throw e;  // network, deadline: not the trimmed library's fault
    status({ trim_error: reason(e) });
    return full(manifest, files, modules);
  }
}

async function full(manifest, files, modules) {
  if (!files.stdlib_full) files.stdlib_full = download(manifest, "stdlib_full");
  const pyodide = await bootRuntime(manifest, files, modules, { stdlib: "stdlib_full" });
  loadWheel(pyodide, await files.wheel);
  const api = importApi(pyodide);
  status({ boot: "full", stdlib: "full", snapshot: "skipped: stock standard library" });
  return { pyodide, api, manifest, files, modules, stdlib: "full" };
}

// The extra zip on sys.path, once per engine (a download checked like the others).
function addExtra(eng) {
  if (eng.stdlib !== "trim") return Promise.resolve();
  if (!eng.extra) eng.extra = (async () => {
    const f = eng.manifest.files.stdlib_extra;
    const data = await fetchVerified(abs(f.url), f, { what: what("stdlib_extra"), stallMs: STALL_MS, fetch: netFetch,
                                                       onBytes: () => {} });
    const at = "/lib/" + f.url.split("/").pop();
    eng.pyodide.FS.writeFile(at, data);
    eng.pyodide.pyimport("sys").path.append(at);
    eng.extraAdded = true;
  })();
  eng.extra.catch(() => { eng.extra = null; });  // tried again by the next call
  return eng.extra;
}

const FIRST_ANSWER = new Set(["estimate", "meta"]);  // need only the trimmed standard library

async function answer(eng, type, text) {
  if (!FIRST_ANSWER.has(type)) await addExtra(eng).catch(() => {});
  try {
    return await CALLS[type](eng, text);
  } catch (e) {
    if (!isImportError(e, eng)) throw e;
    status({ trim_error: reason(e) });
  }
  try {  // a module the build did not see this call import: the extra zip, if not there yet
    if (!eng.extraAdded) {
      await addExtra(eng);
      return await CALLS[type](eng, text);
    }
  } catch (e) {
    if (!isImportError(e, eng) && !(e instanceof LoadError)) throw e;
  }
  // ... else the stock standard library has it.
  eng.image = null;
  engine = full(eng.manifest, eng.files, eng.modules);
  return CALLS[type](await engine, text);
}

// LookupError: a codec (utf-8-sig, gb18030 …) the trimmed library lacks is looked up like a module.
const isImportError = (e, eng) => eng.stdlib === "trim" && e instanceof eng.pyodide.ffi.PythonError &&
  (e.type === "ModuleNotFoundError" || e.type === "ImportError" || e.type === "LookupError");

// In idle time after the first estimate (or after UNUSED_MS without one): store the image taken
// at start-up (see fresh()).
let idleTimer = null;
function snapshotWhenIdle(eng, ms) {
  if (!eng.image) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(async () => {
    const image = eng.image;
    if (!image) return;
    eng.image = null;
    try {
      const stored = await snapshot.writeSnapshot(snapshotKey(eng.manifest), image.raw, image.probe);
      status({ snapshot: "saved", snapshot_bytes: stored, snapshot_raw: image.raw.length });
    } catch (e) {
      status({ snapshot: "failed: " + reason(e) });
    }
  }, ms);
}

async function start() {
  if (!globalThis.crypto?.subtle) {
    throw new LoadError("unsupported", "这个浏览器无法核对计算器文件（本站需要用 https 开头的网址打开）。");
  }
  const manifestP = loadManifest();
  const stored = findSnapshot(manifestP);  // reads and inflates while the files download
  const manifest = await manifestP;
  const files = downloadAll(manifest).each;  // promises: booting starts before they all arrive
  const modules = runtimeModules(files);
  const eng = (await fromSnapshot(manifest, files, modules, await stored)) || (await fresh(manifest, files, modules));
  progress("ready");
  return eng;
}

// While this worker lives it holds a Web Lock named after it: the page asks for the same lock
// and is granted it the moment the worker dies (closed, crashed, killed), without waiting.
if (self.name && navigator.locks) {
  navigator.locks.request(self.name, () => {
    postMessage({ type: "alive" });
    return new Promise(() => {});
  }).catch(() => {});
}

let engine = start();
engine.then(
  (eng) => { postMessage({ type: "ready" }); snapshotWhenIdle(eng, UNUSED_MS); },
  (e) => postMessage({ type: "error", kind: e.kind || "crashed", file: e.file, engine: e.engine,
                       message: e.kind ? e.message : "计算引擎启动时出错了。请点“重试”；也可以看本页下面的算例。" }),
);

// The calls the page may make — the one allow-list: type -> (engine, payload json_text) -> json_text.
// Nothing else reaches Python (no generic module.fn RPC). Staff pages name their call
// in a "call" message; STAFF_CALLS (below) lists the ones that exist.
const CALLS = {
  estimate: (eng, payload) => eng.api.estimate(payload),
  // A restored engine computed meta() a moment ago to check itself: the page's first ask gets it.
  meta: (eng) => {
    const first = eng.meta;
    eng.meta = null;
    return first || eng.api.meta();
  },
  chart: (eng, payload) => eng.pyodide.pyimport("paychart").chart(payload),  // resident UI
  wheel: (eng, payload) => staffMessage(eng.pyodide, "wheel", payload),  // staff toolkit (below)
  call: (eng, payload) => staffMessage(eng.pyodide, "call", payload),    // staff toolkit (below)
};

onmessage = async (ev) => {
  const { id, type, payload } = ev.data || {};
  if (id !== undefined) postMessage(received(id));  // before any work (calc-client.js)
  clearTimeout(idleTimer);
  let engineReady;
  try {
    engineReady = await engine;
  } catch (e) {
    return;  // already reported as {type: "error"}
  }
  const { pyodide } = engineReady;
  const fail = (message) => postMessage(reply(id, false, JSON.stringify({ ok: false, errors: [{ field: "json", message }] })));
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(CALLS, type)) return fail("计算器不认识这个请求，没有执行。");
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  try {
    const out = await answer(engineReady, type, text);
    postMessage(reply(id, true, out));
    const eng = await engine;
    if (type === "estimate") eng.estimated = true;
    snapshotWhenIdle(eng, eng.estimated ? IDLE_MS : UNUSED_MS);
  } catch (e) {
    fail("计算出错：" + String(e && e.message ? e.message : e));
    // Anything but a Python exception means the runtime itself is broken: end this worker so the
    // page notices (the lock is released) and starts a fresh one.
    if (!(e instanceof pyodide.ffi.PythonError)) close();
  }
};

// --- staff toolkit: extra wheels and calls into Python, sent only by staff pages ---
// {type:"wheel", payload: JSON {url, sha256, bytes}} unpacks a pure-Python wheel from our own
// origin's wheels/ folder, checked like the engine's files (integrity.js), once per worker (the
// link builder's segno); {type:"call", payload: JSON {module, fn, arg}} answers module.fn(arg),
// text in and out, for the module.fn names in STAFF_CALLS only. A refused wheel or call is an
// answer {ok:false, message}, never a reason to end the worker; Python errors take the usual path.
// The allowed staff calls, "module.fn" (text in, JSON text out). Roster's own package adds its
// entries here.
const STAFF_CALLS = new Set([
  "staff_qr.call",                                                       // sitegen/qr.py: link builder
  // roster page (roster/worker.py)
  ...["prepare_json", "prepare_more_json", "estimate_json", "summary_json", "csv_json", "sheets_json",
    "xlsx_json"].map((fn) => `roster.worker.${fn}`),
]);
const wheelsOf = new WeakMap();  // per interpreter: a fallback engine starts with none

async function staffMessage(pyodide, type, payload) {
  let p;
  try { p = JSON.parse(payload); } catch (e) { p = null; }
  if (!p || typeof p !== "object") return JSON.stringify({ ok: false, message: "计算器不认识这个请求，没有执行。" });
  if (!wheelsOf.has(pyodide)) wheelsOf.set(pyodide, new Map());
  const wheels = wheelsOf.get(pyodide);
  if (type === "wheel") {
    const url = new URL(String(p.url), SITE);
    if (url.origin !== SITE.origin || !url.pathname.startsWith(SITE.pathname) ||
        !/\/wheels\/[0-9a-f]{12}\/[\w.+-]+\.whl$/.test(url.pathname) || !/^[0-9a-f]{64}$/.test(String(p.sha256))) {
      return JSON.stringify({ ok: false, message: "只能加载本站发布的程序文件" });
    }
    if (!wheels.has(url.href)) {
      const loading = fetchVerified(url.href, { sha256: p.sha256, bytes: p.bytes },
        { what: "二维码程序", stallMs: STALL_MS, fetch: netFetch, onBytes: () => {} })
        .then((buf) => pyodide.unpackArchive(buf, "wheel"));
      wheels.set(url.href, loading);
      loading.catch(() => wheels.delete(url.href));
    }
    try {
      await wheels.get(url.href);
    } catch (e) {
      return JSON.stringify({ ok: false, message: String(e && e.message ? e.message : e) });
    }
    return JSON.stringify({ ok: true });
  }
  const name = `${p.module}.${p.fn}`;
  if (!STAFF_CALLS.has(name)) return JSON.stringify({ ok: false, message: "计算器不认识这个请求，没有执行。" });
  const fn = pyodide.pyimport(name);
  try { return String(fn(String(p.arg ?? ""))); } finally { fn.destroy?.(); }
}
// --- end staff toolkit ---
