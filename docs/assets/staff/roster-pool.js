// The roster page's estimates, shared among workers: the page's own engine (calc-client) plus, on a
// machine with more cores, extra engines started from the same worker.js (the same checked files,
// the same message protocol, ../runtime/protocol.js, and named with the page's build so they too
// compute only for a page of their own deploy). Only estimate_json
// chunks go to the extra engines; reading the file, the totals and the sheets stay with the main one.
// An extra engine that fails to start, errs or is silent is dropped and its chunk goes back into the
// queue, so the answer never depends on how many engines helped.
import { ANSWER_MS, ROLE, isReply, readReply, request, startWorker } from "../runtime/protocol.js";

const MAX_EXTRA = 3;

function extraCount() {
  const cores = Number(globalThis.navigator?.hardwareConcurrency) || 1;
  return Math.max(0, Math.min(MAX_EXTRA, cores - 1));
}

function startExtra(index) {
  let worker;
  try {
    ({ worker } = startWorker(new URL("../runtime/worker.js", import.meta.url), ROLE.roster, index));
  } catch (e) {
    return null;
  }
  const member = { worker, pending: new Map(), dead: false, nextId: 1 };
  member.ready = new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (m.type === "ready") resolve(member);
      else if (m.type === "error") { kill(member); reject(new Error(m.message)); }
      // {id, type: "received"} only says the worker has the call (protocol.js); the answer follows
      else if (isReply(m) && member.pending.has(m.id)) {
        const { res, timer } = member.pending.get(m.id);
        clearTimeout(timer);
        member.pending.delete(m.id);
        res(readReply(m, { ok: false, message: "计算结果无法读取" }));
      }
    };
    worker.onerror = (ev) => { ev.preventDefault?.(); kill(member); reject(new Error("extra engine failed")); };
  });
  member.ready.catch(() => {});
  member.call = (fn, arg) => new Promise((res, rej) => {
    if (member.dead) { rej(new Error("gone")); return; }
    const id = member.nextId++;
    const timer = setTimeout(() => { kill(member); rej(new Error("silent")); }, ANSWER_MS.call);
    member.pending.set(id, { res, rej, timer });
    worker.postMessage(request(id, "call", { module: "roster.worker", fn, arg: JSON.stringify(arg) }));
  });
  return member;
}

function kill(member) {
  if (member.dead) return;
  member.dead = true;
  member.worker.terminate();
  for (const { rej, timer } of member.pending.values()) { clearTimeout(timer); rej(new Error("gone")); }
  member.pending.clear();
}

// An estimate call's size: about TARGET_MS of the engine's own measured pace (it varies with the
// phone and whatever else it runs), at most MAX_ROWS; Python also ends each call after
// ≤ 2 s (roster/worker.py STEP_SECONDS, "seconds") and the rows it did not reach are sent again.
const FIRST_ROWS = 100;
const MAX_ROWS = 2000;
const TARGET_MS = 1000;
const STEP_SECONDS = 1.5;

export function startPool(calc) {
  const extras = [];
  for (let i = 0; i < extraCount(); i++) {
    const m = startExtra(i);
    if (m) extras.push(m);
  }
  const main = { call: (fn, arg) => calc.call("roster.worker", fn, JSON.stringify(arg)), main: true };
  return {
    size: () => 1 + extras.filter((m) => !m.dead).length,
    // Estimates while the file is still being read: add(jobs) as each reading step answers, end()
    // after the last one. The extra engines start on the first jobs at once; the page's engine,
    // busy reading until end(), joins then. done -> {rows (in job order), parts (estimate_json
    // answers without rows, in job order)} or {failed: the first answer with ok false};
    // onProgress(rows answered) as answers arrive.
    stream(onProgress = () => {}) {
      const jobs = [];
      const rows = [];
      const parts = [];
      const queue = [];  // [start, end) ranges of jobs that no engine has yet
      let answered = 0;
      let ended = false;
      let stop = null;   // set once: the run's outcome
      let waiters = [];
      const changed = () => new Promise((r) => waiters.push(r));
      const wake = () => { const w = waiters; waiters = []; w.forEach((r) => r()); };
      let finish;
      const done = new Promise((res, rej) => { finish = { res, rej }; });
      const settle = (how, value) => { if (!stop) { stop = how; queue.length = 0; finish[how](value); } wake(); };
      const check = () => { if (ended && answered === jobs.length) settle("res", { rows, parts: parts.sort((a, b) => a.start - b.start) }); };
      const take = (want, working) => {
        if (!queue.length) return null;
        const left = queue.reduce((n, [a, b]) => n + b - a, 0);
        // near the end, an even share for each engine, so none waits long for the last one
        const size = ended ? Math.max(1, Math.min(want, Math.ceil(left / working()))) : want;
        const [a, b] = queue[0];
        if (b - a <= size) { queue.shift(); return [a, b]; }
        queue[0] = [a + size, b];
        return [a, a + size];
      };
      const live = () => 1 + extras.filter((m) => !m.dead).length;
      const work = async (member) => {
        let pace = 0;  // rows per ms, this engine's last call
        while (!stop) {
          const range = take(pace ? Math.max(1, Math.min(MAX_ROWS, Math.round(pace * TARGET_MS))) : FIRST_ROWS, live);
          if (!range) { if (ended && !member.main) return; await changed(); continue; }
          const [a, b] = range;
          const t = performance.now();
          let part;
          try {
            part = await member.call("estimate_json", { jobs: jobs.slice(a, b), seconds: STEP_SECONDS });
          } catch (e) {
            queue.unshift(range);  // the chunk goes to another engine
            wake();
            if (member.main) settle("rej", e);
            return;
          }
          if (stop) return;
          if (!part?.ok || !Array.isArray(part.rows) || !part.rows.length) { settle("res", { failed: part?.ok ? null : part }); return; }
          const k = Math.min(part.rows.length, b - a);
          for (let i = 0; i < k; i++) rows[a + i] = part.rows[i];
          if (k < b - a) queue.unshift([a + k, b]);  // the step ended before these: again
          const { rows: _, ...rest } = part;
          parts.push({ ...rest, start: a });
          answered += k;
          pace = k / Math.max(1, performance.now() - t);
          onProgress(answered, jobs.length);
          wake();
          check();
        }
      };
      for (const m of extras.filter((x) => !x.dead)) m.ready.then(() => work(m), () => {});
      return {
        done,
        add(more) {
          if (stop || !more.length) return;
          queue.push([jobs.length, jobs.length + more.length]);
          for (const j of more) jobs.push(j);
          wake();
        },
        // the file is read: the page's engine computes too, until every job has its row
        end() {
          ended = true;
          check();
          if (!stop) work(main).catch((e) => settle("rej", e));
          wake();
        },
        cancel() { settle("res", { cancelled: true }); },
      };
    },
  };
}
