// Runs the build's inlined early start (sitegen/instant.py early_script) and protocol.js with a
// page's <meta name="calc-build">, recording the workers made: for tests/unit/test_protocol.py.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [script, protocolPath] = process.argv.slice(2);
const made = [];
globalThis.Worker = class { constructor(url, opts) { made.push({ url: String(url), ...opts }); } };
globalThis.document = { querySelector: (sel) => (sel === 'meta[name="calc-build"]' ? { content: "b1d" } : null) };
globalThis.window = globalThis;
globalThis.WebAssembly = {};
globalThis.__calcProbe = () => ({ then: (f) => f({ ok: true, missing: "" }) });  // the head's probe, passed
new Function(readFileSync(script, "utf-8"))();
const p = await import(pathToFileURL(protocolPath).href);
p.startWorker("worker.js", p.ROLE.roster, 2);
const early = globalThis.__calcEarly;
process.stdout.write(JSON.stringify({ made, early: { name: early.name, queue: early.queue.length }, answerMs: p.ANSWER_MS,
  builds: made.map((w) => p.buildOf(w.name)), roles: p.ROLE,
  request: p.request(3, "call", { a: 1 }), isAck: p.isReply(p.received(3)), isReply: p.isReply(p.reply(3, true, "{}")) }));
