// calc-client.js — the only seam between the page UI and the Python engine (ES module).
//
//   import { startCalc, restartCalc } from "./calc-client.js";
//   const calc = await startCalc({ onProgress: (p) => ... });
//   const result = await calc.estimate({ region: "xianning", identities: ["dibao"], stays: [...] });
//   const meta = await calc.meta();
//
// startCalc() returns a Promise resolving to { estimate(obj|json_text) -> Promise<obj>,
// meta() -> Promise<obj> } once Pyodide and the calc wheel are loaded and checked. ONE module
// worker is started as soon as this module is imported, so boot overlaps page rendering.
//
// Every failure is an Error with a Chinese `message` (fit to show as it is) and a `kind`:
//   "network"     a file could not be downloaded       "timeout"  a loading stage took too long
//   "integrity"   a file differs from what the build published (refused, never run)
//   "crashed"     the engine died or stopped answering  "unsupported"  the browser cannot run it
// Each loading stage has a deadline (worker.js), so startCalc() settles in bounded time.
// A worker that dies (noticed at once: it holds a Web Lock while alive) or does not answer a call
// within its ANSWER_MS (protocol.js) is restarted once per page; after that, calls reject with
// kind "crashed" and a "calc-fatal" event (detail: the Error) is dispatched on window. A call the
// worker had already received when it died (or stuck) may be what killed it (a column-bomb .xlsx):
// it is never sent again — it rejects with kind "crashed" and `killed: true` — and the restart it
// caused does not use up the page's one restart, so the engine stays usable for other calls. Calls
// the dead worker never received are sent to the new one.
// "version": the page and the engine's files are of two different deploys (worker.js compares
// the page's <meta name="calc-build"> with the manifest); a "calc-version" event is dispatched on
// window, and update-banner.js switches the page to the newest version.
// restartCalc() starts over (for a retry button) and returns the new ready promise.
//
// onProgress gets {stage, percent, loaded, total, file?, fileLoaded?, fileTotal?}: bytes received
// so far and expected in all (and for the file that just advanced) — see ARCHITECTURE.md
// "Browser"; late subscribers get the latest one.
// For tests: window.__calcReady is always the current ready promise; window.__calcStatus is what
// the current engine reported about how it started ({boot, stdlib, snapshot, ...}; worker.js).
// Once the engine has started (or failed) the service worker (../../sw.js) is registered
// (update-banner.js), so a repeat visit and offline use are served from cache; registering after
// the start keeps the first visit's downloads from competing with the engine's.

import { registerSiteWorker } from "./update-banner.js";
import { engineProbe } from "../shared/engine-probe.js";
import { ANSWER_MS, ROLE, isReply, pageBuild, readReply, request, startWorker } from "./protocol.js";

const FIRST_WORD_MS = 10000; // worker.js and its two imports (~30 kB) not running by then: stuck
const SILENCE_MS = 90000;   // a started worker that sends nothing for this long is stuck

const listeners = new Set();
let last = { stage: "download", percent: 0, loaded: 0, total: 0 };
let current = null;          // the running engine: {id, name, worker, ready, pending, dead, isReady}
let ready = null;            // the promise callers wait on
let autoRestarts = 1;
let generation = 0;
let nextId = 1;

const HELP = "请点“重试”；也可以看本页下面的算例，对照着估算。";
const KILLED = "这一次计算让计算器停了下来（可能是文件太大、太复杂，手机内存不够），所以没有再算一遍。计算器已经重新启动，其他计算可以继续；这份内容请换小一点再试，或者分成几份。";

function calcError(kind, message, extra = {}) {
  const e = new Error(message);
  e.kind = kind;
  return Object.assign(e, extra);
}

function emit(p) {
  last = p;
  for (const fn of listeners) {
    try { fn(p); } catch (e) { /* a UI listener must not break the client */ }
  }
}

function publish(promise) {
  ready = promise;
  ready.catch(() => {});  // no unhandled-rejection noise; callers see the rejection
  if (typeof window !== "undefined") window.__calcReady = ready;
  return ready;
}

// The first engine is usually started by a few lines at the top of the page's <head>
// (overrides/main.html): they run ~0.4 s (on a phone ~1.5 s) before the page is parsed and this
// module can run. They leave {worker, name, queue} here; spawn() adopts it and replays the queue.
// Read when the first engine starts (after the probe, which is also what starts the early worker).
let early = null;

function spawn() {
  const gen = { id: ++generation, pending: new Map(), dead: false, isReady: false, heard: false, status: {} };
  gen.ready = new Promise((resolve, reject) => {
    gen.reject = reject;
    // The <head>'s probe first (engine-probe.js): a browser that cannot run Pyodide starts nothing.
    engineProbe().then((probe) => {
      if (gen.dead) return;
      if (!probe.ok) {
        reject(calcError("unsupported", `您的浏览器不能在手机上运行计算器（缺少 ${probe.missing}）。请换用较新版本的浏览器（如系统自带浏览器、微信最新版）。`,
          { missing: probe.missing }));
        return;
      }
      start(gen, resolve, reject);
    });
  });
  return gen;
}

function start(gen, resolve, reject) {
  if (early === null && typeof window !== "undefined" && window.__calcEarly) early = window.__calcEarly;
  const adopted = early;
  early = undefined;  // adopted once
  if (adopted) {
    gen.worker = adopted.worker;
    gen.name = adopted.name;
  } else {
    try {
      ({ worker: gen.worker, name: gen.name } = startWorker(new URL("./worker.js", import.meta.url), ROLE.page, gen.id));
    } catch (e) {
      reject(calcError("unsupported", "计算程序无法启动：浏览器不支持模块化 Web Worker，请换用较新版本的浏览器。"));
      return;
    }
  }
  const quiet = () => {
    clearTimeout(gen.silence);
    gen.silence = setTimeout(() => die(gen, gen.heard
      ? calcError("timeout", `计算器启动时很久没有进展。${HELP}`, { restartable: true })
      : calcError("timeout", "计算器的程序很久没有下载下来（网络太慢或已断开）。请检查网络后点“重试”。")),
    gen.heard ? SILENCE_MS : FIRST_WORD_MS);
  };
  quiet();
  gen.worker.onmessage = (ev) => {
    const m = ev.data || {};
    if (!gen.heard) { gen.heard = true; quiet(); }
    if (m.type === "progress") {
      quiet();
      const { type, ...p } = m;
      emit(p);
    } else if (m.type === "alive") {
      watchLife(gen);
    } else if (m.type === "status") {
      // How the engine started (snapshot, trimmed or stock standard library): for tests and the benchmark.
      const { type, ...fields } = m;
      if (typeof window !== "undefined") window.__calcStatus = Object.assign(gen.status, fields);
    } else if (m.type === "ready") {
      clearTimeout(gen.silence);
      gen.isReady = true;
      resolve(api);
    } else if (m.type === "received") {
      const call = gen.pending.get(m.id);
      if (call) call.received = true;  // from now on this call may be what kills the worker
    } else if (m.type === "error") {
      if (m.kind === "version" && typeof window !== "undefined") {
        window.dispatchEvent(new CustomEvent("calc-version", { detail: { page: pageBuild(), engine: m.engine } }));
      }
      die(gen, calcError(m.kind || "crashed", m.message || `计算器启动失败。${HELP}`, { file: m.file }));
    } else if (isReply(m) && gen.pending.has(m.id)) {
      const { res, timer } = gen.pending.get(m.id);
      clearTimeout(timer);
      gen.pending.delete(m.id);
      res(readReply(m, { ok: false, errors: [{ field: "json", message: "计算结果无法读取，请刷新页面重试" }] }));
    }
  };
  gen.worker.onerror = (ev) => {
    ev.preventDefault?.();
    die(gen, gen.heard
      ? calcError("crashed", `计算器出错停止了。${HELP}`, { restartable: true })
      : calcError("network", "计算器的程序没能下载（可能是网络中断）。请检查网络后点“重试”。"));
  };
  // What the early-started worker said before this module ran, in order.
  for (const ev of adopted ? adopted.queue.splice(0) : []) {
    (ev.type === "error" ? gen.worker.onerror : gen.worker.onmessage)(ev);
  }
}

// The worker holds a lock named after it while alive; once it is gone, we are granted it.
function watchLife(gen) {
  if (!navigator.locks) return;
  navigator.locks.request(gen.name, () => {
    die(gen, calcError("crashed", `计算器停止运行了（可能是手机内存不够）。${HELP}`, { restartable: true }));
  }).catch(() => {});
}

// End an engine: its start and its open calls fail with err. -> false if it had already ended.
// Each open call fails with err, marked `received` when the worker had acknowledged it.
function stop(gen, err) {
  if (gen.dead) return false;
  gen.dead = true;
  clearTimeout(gen.silence);
  gen.worker?.terminate();
  gen.reject(err);
  for (const { rej, timer, received } of gen.pending.values()) {
    clearTimeout(timer);
    rej(received ? calcError(err.kind, err.message, { restartable: err.restartable, received: true }) : err);
  }
  gen.pending.clear();
  return true;
}

function die(gen, err) {
  const blamed = [...gen.pending.values()].some((c) => c.received);  // a call it was working on
  if (!stop(gen, err)) return;
  if (gen !== current || !gen.isReady) return;  // a start that fails is handled by launch()
  if (err.restartable && (blamed || autoRestarts > 0)) {
    if (!blamed) autoRestarts--;
    // A failed restart is told at once too (unless a retry has replaced it meanwhile).
    const restarted = launch().catch((e) => { if (ready === restarted) tell(e); throw e; });
    publish(restarted);
  } else {
    publish(Promise.reject(err));
    tell(err);
  }
}

// The engine is gone for good after having started: the page may say so before the next call.
function tell(err) {
  if (typeof window !== "undefined") window.dispatchEvent(new CustomEvent("calc-fatal", { detail: err }));
}

// Start an engine; a start that dies or hangs (not one refused for network or integrity) is tried once more.
function launch() {
  const gen = spawn();
  current = gen;
  return gen.ready.then((value) => {
    registerSiteWorker();
    return value;
  }, (err) => {
    registerSiteWorker();  // the pages still work offline without the engine
    if (current === gen && err.restartable && autoRestarts > 0) {
      autoRestarts--;
      return launch();
    }
    throw err;
  });
}

function send(gen, type, payload) {
  return new Promise((res, rej) => {
    if (gen.dead) { rej(calcError("crashed", `计算器停止运行了。${HELP}`, { restartable: true })); return; }
    const id = nextId++;
    const timer = setTimeout(() => die(gen, calcError("crashed", `计算器没有反应。${HELP}`, { restartable: true })), ANSWER_MS[type]);
    gen.pending.set(id, { res, rej, timer });
    gen.worker.postMessage(request(id, type, payload));
  });
}

async function call(type, payload) {
  await ready;
  const gen = current;
  try {
    return await send(gen, type, payload);
  } catch (err) {
    // The worker had this call when it died: it may be what killed it. Never again.
    if (err.received) throw calcError("crashed", KILLED, { killed: true });
    // The engine died before it got this call, and was restarted: the new one answers it.
    if (current !== gen) {
      await ready;
      return send(current, type, payload);
    }
    throw err;
  }
}

const api = {
  estimate: (input) => call("estimate", input),
  meta: () => call("meta"),
  chart: (req) => call("chart", req),  // resident UI: paychart/ draws the person's picture
  // staff toolkit: unpack a hash-checked wheel from our origin; module.fn(text) returns JSON text,
  // resolved here parsed (like estimate). Only the calls worker.js's allow-list (STAFF_CALLS) names.
  wheel: (url, sha256, bytes) => call("wheel", { url, sha256, bytes }),
  call: (module, fn, arg) => call("call", { module, fn, arg }),
};

export function startCalc({ onProgress } = {}) {
  if (onProgress) { listeners.add(onProgress); onProgress(last); }
  return ready;
}

// Retry after a failure (or to recover by hand): a fresh engine, a fresh restart allowance.
export function restartCalc() {
  if (current) stop(current, calcError("crashed", `计算器已重新启动，请再算一次。`));
  autoRestarts = 1;
  emit({ stage: "download", percent: 0, loaded: 0, total: last.total || 0 });
  return publish(launch());
}

publish(launch());
