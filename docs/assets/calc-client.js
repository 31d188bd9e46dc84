// calc-client.js — the only seam between the page UI and the Python engine (ES module).
//
//   import { startCalc } from "./calc-client.js";
//   const calc = await startCalc({ onProgress: ({ stage, percent }) => ... });
//   const result = await calc.estimate({ region: "xianning", identities: ["dibao"], stays: [...] });
//   const meta = await calc.meta();
//
// startCalc() returns a Promise resolving to { estimate(obj|json_text) -> Promise<obj>,
// meta() -> Promise<obj> } once Pyodide and the calc wheel are loaded; it rejects with a Chinese
// message (no WebAssembly, network cut, boot failure). ONE module worker is started as soon as this
// module is imported, so boot overlaps page rendering. onProgress gets {stage, percent} with stage
// in runtime | wheel | stdlib | import | ready (percent 0-100); late subscribers get the latest one.
// For tests: window.__calcReady is the same promise as startCalc().
// After the engine is ready, the service worker (../sw.js) is registered so a repeat visit and
// offline use are served from cache; registering later keeps the first visit's bytes unchanged.

const listeners = new Set();
let last = { stage: "runtime", percent: 0 };
let worker = null;
let nextId = 1;
const pending = new Map();

function emit(p) {
  last = p;
  for (const fn of listeners) {
    try { fn(p); } catch (e) { /* a UI listener must not break the client */ }
  }
}

const ready = new Promise((resolve, reject) => {
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    reject(new Error("您的浏览器不支持 WebAssembly 或 Web Worker，无法在手机上计算。请换用较新版本的浏览器（如系统自带浏览器、微信最新版）。"));
    return;
  }
  try {
    worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  } catch (e) {
    reject(new Error("计算程序无法启动：浏览器不支持模块化 Web Worker，请换用较新版本的浏览器。"));
    return;
  }
  worker.onmessage = (ev) => {
    const m = ev.data || {};
    if (m.type === "progress") emit({ stage: m.stage, percent: m.percent });
    else if (m.type === "ready") resolve(api);
    else if (m.type === "error") reject(new Error(m.message || "计算程序启动失败，请刷新页面重试"));
    else if (m.id !== undefined && pending.has(m.id)) {
      const { res } = pending.get(m.id);
      pending.delete(m.id);
      try { res(JSON.parse(m.payload)); }
      catch (e) { res({ ok: false, errors: [{ field: "json", message: "计算结果无法读取，请刷新页面重试" }] }); }
    }
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    reject(new Error("计算程序加载失败（可能是网络中断），请检查网络后刷新页面"));
  };
});

function call(type, payload) {
  return ready.then(() => new Promise((res) => {
    const id = nextId++;
    pending.set(id, { res });
    worker.postMessage({ id, type, payload: typeof payload === "string" ? payload : JSON.stringify(payload ?? null) });
  }));
}

const api = {
  estimate: (input) => call("estimate", input),
  meta: () => call("meta"),
  // staff toolkit: unpack a hash-checked wheel from our origin; module.fn(text) returns JSON text,
  // resolved here parsed (like estimate)
  wheel: (url, sha256) => call("wheel", { url, sha256 }),
  call: (module, fn, arg) => call("call", { module, fn, arg }),
};

ready.then(registerServiceWorker, () => {});

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  navigator.serviceWorker.register(new URL("../sw.js", import.meta.url), { scope: new URL("../", import.meta.url).pathname })
    .catch(() => { /* offline support is a bonus; the calculator works without it */ });
}

export function startCalc({ onProgress } = {}) {
  if (onProgress) { listeners.add(onProgress); onProgress(last); }
  return ready;
}

if (typeof window !== "undefined") {
  window.__calcReady = ready;
  ready.catch(() => {}); // avoid an unhandled-rejection console error; callers see the rejection
}
