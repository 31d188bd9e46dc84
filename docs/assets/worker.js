// Module Web Worker: boots Pyodide from our own origin, loads the calc wheel (no micropip),
// answers {id, type: "estimate"|"meta", payload: json_text} with {id, ok, payload: json_text}.
// Progress: {type:"progress", stage, percent}; then {type:"ready"} or {type:"error", message}.
// The wheel's file name comes from assets/calc-manifest.json written by build_site.py.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const here = (rel) => new URL(rel, import.meta.url).href;
const progress = (stage, percent) => postMessage({ type: "progress", stage, percent });

async function fetchOk(url, what) {
  let resp;
  try {
    resp = await fetch(url);
  } catch (e) {
    throw new Error(`下载${what}失败，请检查网络后刷新页面`);
  }
  if (!resp.ok) throw new Error(`下载${what}失败（HTTP ${resp.status}），请刷新页面重试`);
  return resp;
}

async function boot() {
  progress("runtime", 5);
  // Start the wheel download in parallel with the runtime boot.
  const wheelP = fetchOk(here("./calc-manifest.json"), "计算程序清单")
    .then((r) => r.json())
    .then(async (m) => {
      const buf = await (await fetchOk(here("../" + m.wheel), "计算程序")).arrayBuffer();
      progress("wheel", 30);
      return buf;
    });
  wheelP.catch(() => {}); // reported below via await
  let pyodide;
  try {
    pyodide = await loadPyodide({ indexURL: here("../pyodide/"), fullStdLib: false });
  } catch (e) {
    throw new Error("计算引擎（Pyodide）启动失败，请检查网络后刷新页面");
  }
  progress("stdlib", 75);
  const wheel = await wheelP;
  pyodide.unpackArchive(wheel, "wheel");
  progress("import", 90);
  const api = pyodide.pyimport("calc.api");
  progress("ready", 100);
  runtime = pyodide; // staff toolkit (below)
  return api;
}

const apiP = boot();
apiP.then(
  () => postMessage({ type: "ready" }),
  (e) => postMessage({ type: "error", message: String(e && e.message ? e.message : e) }),
);

onmessage = async (ev) => {
  const { id, type, payload } = ev.data || {};
  try {
    const api = await apiP;
    let out;
    if (type === "estimate") out = api.estimate(typeof payload === "string" ? payload : JSON.stringify(payload));
    else if (type === "meta") out = api.meta();
    else if (type === "wheel" || type === "call") out = await staffMessage(type, payload); // staff toolkit
    else throw new Error(`unknown message type ${type}`);
    postMessage({ id, ok: true, payload: out });
  } catch (e) {
    postMessage({ id, ok: false, payload: JSON.stringify({ ok: false, errors: [{ field: "json", message: "计算出错：" + String(e && e.message ? e.message : e) }] }) });
  }
};

// --- staff toolkit (issue 12): extra wheels and calls into Python, sent only by staff pages ---
// {type:"wheel", payload: JSON {url, sha256}} unpacks a pure-Python wheel from our own origin
// once its SHA-256 matches (the link builder's segno); {type:"call", payload: JSON {module, fn,
// arg}} answers module.fn(arg) — text in, text out (calc.roster.run_json, staff_qr.call).
let runtime = null;
const wheels = new Map();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function staffMessage(type, payload) {
  const p = JSON.parse(payload);
  if (type === "wheel") {
    const url = new URL(p.url, self.location.href);
    if (url.origin !== self.location.origin) throw new Error("只能加载本站的程序文件");
    if (!wheels.has(url.href)) {
      wheels.set(url.href, (async () => {
        const buf = await (await fetchOk(url.href, "程序文件")).arrayBuffer();
        if (hex(await crypto.subtle.digest("SHA-256", buf)) !== p.sha256) throw new Error("程序文件校验不符，已拒绝加载，请刷新页面重试");
        runtime.unpackArchive(buf, "wheel");
      })());
      wheels.get(url.href).catch(() => wheels.delete(url.href));
    }
    await wheels.get(url.href);
    return JSON.stringify({ ok: true });
  }
  if (!/^[A-Za-z_][\w.]*$/.test(p.module) || !/^[A-Za-z]\w*$/.test(p.fn)) throw new Error("bad call");
  const fn = runtime.pyimport(`${p.module}.${p.fn}`);
  try { return String(fn(String(p.arg ?? ""))); } finally { fn.destroy?.(); }
}
// --- end staff toolkit ---
