// How a page and the engine's worker talk, stated once (ARCHITECTURE.md "Browser"): the worker's
// name (its role, and "@<build>", the deploy of the page that started it: worker.js computes only
// for a page of its own deploy), the call message, the acknowledgement and the answer. Used by
// worker.js, calc-client.js, the roster's extra engines (../staff/roster-pool.js) and the page's
// first engine, started from <head> by the part between the early-start marks, which the build
// inlines into overrides/main.html (sitegen/instant.py early_start; plain ES5 there, as it runs
// before anything else on any engine).

// early-start:begin
var PAGE_ENGINE = "calc-engine";
function engineName(role, n, build) {
  return role + "-" + n + "-" + Math.random().toString(36).slice(2) + "@" + (build || "");
}
function pageBuild() {
  var m = typeof document === "object" && document.querySelector('meta[name="calc-build"]');
  return (m && m.content) || "";
}
function startWorker(url, role, n) {
  var name = engineName(role, n, pageBuild());
  return { worker: new Worker(url, { type: "module", name: name }), name: name };
}
function earlyStart(url) {
  var s = startWorker(url, PAGE_ENGINE, 0), queue = [];
  s.worker.onmessage = s.worker.onerror = function (e) { queue.push(e); };
  window.__calcEarly = { worker: s.worker, name: s.name, queue: queue };
}
// early-start:end

export const ROLE = { page: PAGE_ENGINE, roster: "roster-engine" };
export { engineName, pageBuild, startWorker, earlyStart };

// The deploy a worker belongs to, from its name (a name survives the service worker answering
// from its cache; a ?query on the worker's URL would not).
export const buildOf = (name) => String(name || "").split("@")[1] || "";

// How long each kind of call may go unanswered before its worker counts as dead or stuck. An
// estimate, the meta and a chart take milliseconds. A staff call (a wheel unpacked, a roster step)
// stops within roster/worker.py STEP_SECONDS of Python, but an .xlsx's first step also imports
// openpyxl and opens the workbook: about 1 s here, several on a phone, and more while the
// roster's extra engines start beside it.
export const ANSWER_MS = { estimate: 8000, meta: 8000, chart: 8000, wheel: 30000, call: 30000 };

// page -> worker: a call (the payload is JSON text)
export const request = (id, type, payload) => ({ id, type, payload: typeof payload === "string" ? payload : JSON.stringify(payload ?? null) });
// worker -> page: the call arrived, before any work (a call it had may be what killed it)
export const received = (id) => ({ id, type: "received" });
// worker -> page: the answer {id, ok, payload: JSON text}
export const reply = (id, ok, payload) => ({ id, ok, payload });
export const isReply = (m) => Boolean(m) && m.id !== undefined && m.type !== "received";
export function readReply(m, fallback) {
  try { return JSON.parse(m.payload); } catch (e) { return fallback; }
}
