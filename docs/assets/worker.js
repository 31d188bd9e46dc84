// Module Web Worker: the calculator's engine (Pyodide 314 + the calc wheel, all from our origin).
// It runs nothing the build did not publish: every runtime file and the wheel is checked against
// the sha256 in calc-manifest.json before use. Stages, each one function so it can be swapped:
//   loadManifest  assets/calc-manifest.json (build_site.py: url, sha256, bytes of each file by role;
//                 deadline: STALL_MS)
//   downloadAll   all files in parallel through integrity.js (deadline: STALL_MS without data)
//   bootRuntime   Pyodide from the checked bytes only (deadline: BOOT_MS)
//   loadWheel     unpack the checked wheel into site-packages (no micropip)
//   importApi     calc.api
// Messages (ARCHITECTURE.md "Browser"): in {id, type: "estimate"|"meta"|"chart", payload: json_text};
// out {id, ok, payload} | {type: "progress", stage, percent, loaded, total, file?, fileLoaded?,
// fileTotal?} | {type: "alive"} | {type: "ready"} | {type: "error", kind, message, file?}.
import { fetchVerified, LoadError } from "./integrity.js";

const STALL_MS = 10_000;  // no byte for this long: the download has failed (a slow link still trickles)
const BOOT_MS = 60_000;   // starting Python from checked bytes is CPU only: generous for cheap phones
const SITE = new URL("../", import.meta.url);
const abs = (rel) => new URL(rel, SITE).href;
const netFetch = globalThis.fetch.bind(globalThis);

// What each file is called in a message to the resident.
const WHAT = { wheel: "计算规则程序", manifest: "计算器文件清单" };
const what = (role) => WHAT[role] || "计算引擎";

// ---- progress: bytes actually received (after any Content-Encoding) against the manifest ----
const PERCENT = { download: [0, 85], boot: 88, wheel: 94, import: 97, ready: 100 };
const bytes = { loaded: 0, total: 0, files: {} };

function progress(stage, extra = {}) {
  const p = PERCENT[stage];
  const percent = Array.isArray(p)
    ? p[0] + (bytes.total ? (p[1] - p[0]) * bytes.loaded / bytes.total : 0)
    : p;
  postMessage({ type: "progress", stage, percent: Math.round(percent * 10) / 10,
                loaded: bytes.loaded, total: bytes.total, ...extra });
}

// ---- stages ---------------------------------------------------------------------------------
async function loadManifest() {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), STALL_MS);
  try {
    let resp;
    try {
      resp = await netFetch(abs("assets/calc-manifest.json"), { signal: ctrl.signal });
    } catch (e) {
      throw ctrl.signal.aborted
        ? new LoadError("timeout", `下载计算器文件清单时，网络 ${STALL_MS / 1000} 秒没有反应。请检查网络后点“重试”。`, "calc-manifest.json")
        : new LoadError("network", "下载计算器文件清单时网络中断了。请检查网络后点“重试”。", "calc-manifest.json");
    }
    if (!resp.ok) throw new LoadError("network", `下载计算器文件清单失败（服务器回答 ${resp.status}）。请稍后点“重试”。`, "calc-manifest.json");
    const manifest = await resp.json();
    bytes.total = manifest.bytes;
    return manifest;
  } catch (e) {
    if (e instanceof LoadError) throw e;
    throw new LoadError("network", "计算器文件清单没有下载完整。请检查网络后点“重试”。", "calc-manifest.json");
  } finally {
    clearTimeout(timer);
  }
}

async function downloadAll(manifest) {
  const roles = Object.keys(manifest.files);
  // The first failure ends the start at once (the page terminates this worker and the rest).
  const data = await Promise.all(roles.map((role) => {
    const f = manifest.files[role];
    return fetchVerified(abs(f.url), f, {
      what: what(role), stallMs: STALL_MS, fetch: netFetch,
      onBytes: (n) => {
        bytes.loaded += n - (bytes.files[role] || 0);
        bytes.files[role] = n;
        progress("download", { file: role, fileLoaded: n, fileTotal: f.bytes });
      },
    });
  }));
  return Object.fromEntries(roles.map((role, i) => [role, data[i]]));
}

function deadline(promise, ms, message) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new LoadError("timeout", message)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const moduleUrl = (data) => URL.createObjectURL(new Blob([data], { type: "text/javascript" }));

async function bootRuntime(manifest, files) {
  progress("boot");
  // import() has no integrity option: run the checked bytes themselves, from blob: URLs.
  const { loadPyodide } = await import(moduleUrl(files.loader));
  const { default: createPyodideModule } = await import(moduleUrl(files.asm));
  const indexURL = abs(manifest.runtime);
  const stdLibURL = abs(manifest.files.stdlib.url);
  // loadPyodide fetches the wasm (at indexURL + "pyodide.asm.wasm") and the stdlib itself: answer
  // those two from the checked bytes; any other fetch from now on is refused.
  const handOver = new Map([
    [indexURL + "pyodide.asm.wasm", [files.wasm, "application/wasm"]],
    [stdLibURL, [files.stdlib, "application/zip"]],
  ]);
  globalThis.fetch = async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location).href;
    const hit = handOver.get(url);
    if (!hit) throw new TypeError(`the calculator engine does not fetch ${url}`);
    handOver.delete(url);
    return new Response(hit[0], { headers: { "Content-Type": hit[1] } });
  };
  return deadline(
    loadPyodide({
      indexURL, stdLibURL, packageBaseUrl: indexURL, createPyodideModule,
      lockFileContents: new TextDecoder().decode(files.lock),
    }),
    BOOT_MS,
    `计算引擎 ${BOOT_MS / 1000} 秒内没能启动（手机可能太忙或内存不够）。请关掉其他程序后点“重试”。`,
  );
}

function loadWheel(pyodide, wheel) {
  progress("wheel");
  pyodide.unpackArchive(wheel, "wheel");
}

function importApi(pyodide) {
  progress("import");
  return pyodide.pyimport("calc.api");
}

async function start() {
  if (!globalThis.crypto?.subtle) {
    throw new LoadError("unsupported", "这个浏览器无法核对计算器文件（本站需要用 https 开头的网址打开）。");
  }
  const manifest = await loadManifest();
  const files = await downloadAll(manifest);
  const pyodide = await bootRuntime(manifest, files);
  loadWheel(pyodide, files.wheel);
  const api = importApi(pyodide);
  progress("ready");
  return { pyodide, api };
}

// While this worker lives it holds a Web Lock named after it: the page asks for the same lock
// and is granted it the moment the worker dies (closed, crashed, killed), without waiting.
if (self.name && navigator.locks) {
  navigator.locks.request(self.name, () => {
    postMessage({ type: "alive" });
    return new Promise(() => {});
  }).catch(() => {});
}

const engine = start();
engine.then(
  () => postMessage({ type: "ready" }),
  (e) => postMessage({ type: "error", kind: e.kind || "crashed", file: e.file,
                       message: e.kind ? e.message : "计算引擎启动时出错了。请点“重试”；也可以看本页下面的算例。" }),
);

// The calls the page may make: type -> (api, payload json_text, pyodide) -> json_text.
const CALLS = {
  estimate: (api, payload) => api.estimate(payload),
  meta: (api) => api.meta(),
  chart: (api, payload, pyodide) => pyodide.pyimport("calc.chart").chart(payload),  // resident UI (issue 11)
  wheel: (api, payload, pyodide) => staffMessage(pyodide, "wheel", payload),  // staff toolkit (below)
  call: (api, payload, pyodide) => staffMessage(pyodide, "call", payload),    // staff toolkit (below)
};

onmessage = async (ev) => {
  const { id, type, payload } = ev.data || {};
  let engineReady;
  try {
    engineReady = await engine;
  } catch (e) {
    return;  // already reported as {type: "error"}
  }
  const { pyodide, api } = engineReady;
  const fail = (message) => postMessage({ id, ok: false, payload: JSON.stringify({ ok: false, errors: [{ field: "json", message }] }) });
  if (!Object.hasOwn(CALLS, type)) return fail(`计算出错：unknown message type ${type}`);
  try {
    const out = await CALLS[type](api, typeof payload === "string" ? payload : JSON.stringify(payload), pyodide);
    postMessage({ id, ok: true, payload: out });
  } catch (e) {
    fail("计算出错：" + String(e && e.message ? e.message : e));
    // Anything but a Python exception means the runtime itself is broken: end this worker so the
    // page notices (the lock is released) and starts a fresh one.
    if (!(e instanceof pyodide.ffi.PythonError)) close();
  }
};

// --- staff toolkit (issue 12): extra wheels and calls into Python, sent only by staff pages ---
// {type:"wheel", payload: JSON {url, sha256, bytes}} unpacks a pure-Python wheel from our own
// origin, checked like the engine's files (integrity.js), once per worker (the link builder's
// segno); {type:"call", payload: JSON {module, fn, arg}} answers module.fn(arg), text in and out
// (calc.roster.*_json, staff_qr.call). A refused wheel is an answer {ok:false, message}, never a
// reason to end the worker; Python errors take the usual path above.
const wheels = new Map();

async function staffMessage(pyodide, type, payload) {
  const p = JSON.parse(payload);
  if (type === "wheel") {
    const url = new URL(p.url, SITE);
    if (url.origin !== SITE.origin) return JSON.stringify({ ok: false, message: "只能加载本站的程序文件" });
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
  if (!/^[A-Za-z_][\w.]*$/.test(String(p.module)) || !/^[A-Za-z]\w*$/.test(String(p.fn))) {
    return JSON.stringify({ ok: false, message: "bad call" });
  }
  const fn = pyodide.pyimport(`${p.module}.${p.fn}`);
  try { return String(fn(String(p.arg ?? ""))); } finally { fn.destroy?.(); }
}
// --- end staff toolkit ---
