// The roster page's estimates, shared among workers: the page's own engine (calc-client) plus, on a
// machine with more cores, extra engines started from the same worker.js (the same checked files,
// the same message protocol, ../runtime/protocol.js, and named with the page's build so they too
// compute only for a page of their own deploy). Only estimate_json
// chunks go to the extra engines; reading the file, the totals and the sheets stay with the main one.
// An extra engine that fails to start, errs or is silent is dropped and its chunk goes back into the
// queue, so the answer never depends on how many engines helped.
import { ROLE, isReply, readReply, request, startWorker } from "../runtime/protocol.js";

const MAX_EXTRA = 3;
const CALL_MS = 30000;

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
    const timer = setTimeout(() => { kill(member); rej(new Error("silent")); }, CALL_MS);
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

export function startPool(calc) {
  const extras = [];
  for (let i = 0; i < extraCount(); i++) {
    const m = startExtra(i);
    if (m) extras.push(m);
  }
  const main = { call: (fn, arg) => calc.call("roster.worker", fn, JSON.stringify(arg)), main: true };
  return {
    size: () => 1 + extras.filter((m) => !m.dead).length,
    // chunks of jobs -> their estimate_json answers, in order; onPart(answer) as each arrives
    map(chunks, onPart = () => {}) {
      const results = new Array(chunks.length);
      const queue = chunks.map((_, i) => i);
      let done = 0;
      let wake = () => {};
      const changed = () => new Promise((r) => { wake = r; });
      const take = async (member, i) => {
        try {
          results[i] = await member.call("estimate_json", { jobs: chunks[i] });
          done++;
          onPart(results[i]);
        } catch (e) {
          if (member.main) throw e;
          queue.unshift(i);  // an extra engine died: the chunk goes to another one
          return false;
        } finally {
          wake();
        }
        return true;
      };
      // extra engines join when they are ready and leave when the queue is empty
      for (const m of extras.filter((x) => !x.dead)) {
        m.ready.then(async () => { while (queue.length && await take(m, queue.shift())); }, () => {});
      }
      // the main engine takes chunks until every chunk has an answer (also those a dropped extra left)
      return (async () => {
        while (done < chunks.length) {
          if (queue.length) await take(main, queue.shift());
          else await changed();
        }
        return results;
      })();
    },
  };
}
