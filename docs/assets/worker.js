// Module Web Worker: boots Pyodide from our own origin, loads the calc wheel (no micropip),
// answers {id, type: "estimate"|"meta", payload: json_text} with {id, ok, payload: json_text}.
// Progress: {type:"progress", stage, percent}; then {type:"ready"} or {type:"error", message}.
// The wheel's file name comes from assets/calc-manifest.json written by build_site.py.
import { loadPyodide } from "../pyodide/pyodide.mjs";

let pyodideRef = null, chartApi = null;  // chart hook (resident UI)
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
  pyodideRef = pyodide;  // chart hook
  progress("ready", 100);
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
    // --- chart hook (resident UI, issue 11): calc/chart.py draws the person's own picture ---
    else if (type === "chart") out = (chartApi ??= pyodideRef.pyimport("calc.chart")).chart(typeof payload === "string" ? payload : JSON.stringify(payload));
    // --- end chart hook ---
    else throw new Error(`unknown message type ${type}`);
    postMessage({ id, ok: true, payload: out });
  } catch (e) {
    postMessage({ id, ok: false, payload: JSON.stringify({ ok: false, errors: [{ field: "json", message: "计算出错：" + String(e && e.message ? e.message : e) }] }) });
  }
};
