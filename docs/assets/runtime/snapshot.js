// snapshot.js — a memory snapshot of the booted engine, kept on this device (IndexedDB), so a
// returning visitor's worker restores an interpreter with calc already imported instead of
// starting Python again. Used by worker.js only.
//
// One record at most: {key, blob, raw, probe, saved}; blob is the gzip of Pyodide's
// makeMemorySnapshot() with its all-zero 4 KiB pages left out (60% of a 31 MB heap), so a restore
// inflates ~12 MB instead of 31 MB.
// `key` names the runtime version, the wheel's hash and the standard library's hash; a record
// with any other key is deleted on sight, so a new deployment replaces the old snapshot on the
// first visit after it. `probe` is calc's meta() answer when the snapshot was made: the worker
// asks the restored interpreter again and throws the snapshot away unless the answers match.
// gzip's CRC and Pyodide's own build-id check catch damaged or foreign bytes. Every failure here
// means "no snapshot": callers fall back to a normal boot and never show an error for it.
// IndexedDB (not Cache Storage) keeps it apart from the service worker's caches.

const DB_NAME = "calc-snapshot";
const STORE = "snapshot";
const RECORD = "current";

export function supported() {
  return typeof indexedDB === "object" && typeof CompressionStream === "function" &&
    typeof DecompressionStream === "function";
}

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("snapshot database blocked"));
  });
}

async function withStore(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let value;
      Promise.resolve(fn(tx.objectStore(STORE))).then((v) => { value = v; }, reject);
      tx.oncomplete = () => resolve(value);
      tx.onerror = tx.onabort = () => reject(tx.error || new Error("snapshot transaction failed"));
    });
  } finally {
    db.close();
  }
}

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

async function transform(blob, stream) {
  return new Response(blob.stream().pipeThrough(stream));
}

// Sparse layout: Uint32 header [MAGIC, raw length, page count], Uint32 page indices, page bytes.
const MAGIC = 0x5a53424d; // "MBSZ"
const PAGE = 4096;

function sparse(raw) {
  const pages = Math.ceil(raw.length / PAGE);
  const whole = Math.floor(raw.byteOffset % 8 === 0 ? raw.length / 8 : 0);
  const words = whole ? new BigUint64Array(raw.buffer, raw.byteOffset, whole) : null;
  const keep = [];
  for (let p = 0; p < pages; p++) {
    let nonZero = false;
    const end = Math.min(raw.length, (p + 1) * PAGE);
    if (words && end % 8 === 0) {
      for (let w = (p * PAGE) / 8; w < end / 8; w++) if (words[w] !== 0n) { nonZero = true; break; }
    } else {
      for (let b = p * PAGE; b < end; b++) if (raw[b] !== 0) { nonZero = true; break; }
    }
    if (nonZero) keep.push(p);
  }
  const head = new Uint32Array([MAGIC, raw.length, keep.length, ...keep]);
  return new Blob([head, ...keep.map((p) => raw.subarray(p * PAGE, Math.min(raw.length, (p + 1) * PAGE)))]);
}

function dense(buf) {
  const head = new Uint32Array(buf, 0, 3);
  if (head[0] !== MAGIC) throw new Error("not a calc snapshot");
  const [, length, count] = head;
  const index = new Uint32Array(buf, 12, count);
  const out = new Uint8Array(length);
  let at = 12 + 4 * count;
  for (const p of index) {
    const n = Math.min(PAGE, length - p * PAGE);
    out.set(new Uint8Array(buf, at, n), p * PAGE);
    at += n;
  }
  if (at !== buf.byteLength) throw new Error("snapshot has the wrong length");
  return out;
}

export const readRecord = () => withStore("readonly", (s) => request(s.get(RECORD)));
export const writeRecord = (rec) => withStore("readwrite", (s) => request(s.put(rec, RECORD)));
export const gunzip = async (blob) => new Uint8Array(await (await transform(blob, new DecompressionStream("gzip"))).arrayBuffer());
export const gzip = async (bytes) => (await transform(new Blob([bytes]), new CompressionStream("gzip"))).blob();

/** The record's snapshot bytes: gunzip (its CRC rejects damaged bytes), zero pages put back. */
export async function inflate(rec) {
  if (!(rec.blob instanceof Blob)) throw new Error("no snapshot bytes");
  const raw = dense((await gunzip(rec.blob)).buffer);
  if (raw.length !== rec.raw) throw new Error("snapshot has the wrong length");
  return raw;
}

/** The stored snapshot for `key` (a value or a promise of one, so reading can start before the
 *  key is known) as {bytes: Promise<Uint8Array>, probe}, or null when none is stored. A record
 *  for another key is deleted and reported by throwing. Reading and inflating (~12 MB) run in a
 *  helper worker (snapshot-reader.js), in parallel with the engine checking its downloads —
 *  on the engine's own thread they would queue behind each other. */
export async function readSnapshot(key) {
  if (!supported()) return null;
  const { record, bytes } = typeof Worker === "function" ? readInHelper() : readHere();
  bytes.catch(() => {}); // the caller awaits it (through loadPyodide) and handles the failure
  const rec = await record;
  if (!rec) return null;
  if (rec.key !== await key || typeof rec.probe !== "string") {
    await dropSnapshot();
    throw new Error("stored for another version");
  }
  return { bytes, probe: rec.probe };
}

function readHere() {
  const record = readRecord();
  return { record, bytes: record.then((rec) => (rec ? inflate(rec) : null)) };
}

// Deadlines: the helper's script (from our origin or the service worker) and
// the record must arrive within RECORD_MS, the inflated bytes within BYTES_MS; otherwise there is
// no snapshot and the engine starts normally — a stalled helper never holds the start up.
export const RECORD_MS = 8000;
export const BYTES_MS = 30000;

function readInHelper() {
  const reader = new Worker(new URL("./snapshot-reader.js", import.meta.url), { type: "module" });
  let gotRecord, gotBytes;
  const record = new Promise((resolve, reject) => { gotRecord = { resolve, reject }; });
  const bytes = new Promise((resolve, reject) => { gotBytes = { resolve, reject }; });
  const fail = (err) => {
    clearTimeout(recordLate);
    clearTimeout(bytesLate);
    gotRecord.reject(err); gotBytes.reject(err); reader.terminate();
  };
  const recordLate = setTimeout(() => fail(new Error("the snapshot reader did not answer in time")), RECORD_MS);
  const bytesLate = setTimeout(() => fail(new Error("the snapshot was not read in time")), BYTES_MS);
  reader.onmessage = ({ data }) => {
    if (data.error) fail(new Error(data.error));
    else if ("record" in data) {
      clearTimeout(recordLate);
      gotRecord.resolve(data.record);
      if (!data.record) { clearTimeout(bytesLate); reader.terminate(); }
    } else if (data.bytes) {
      clearTimeout(bytesLate);
      gotBytes.resolve(new Uint8Array(data.bytes));
      reader.terminate();
    }
  };
  reader.onerror = (ev) => { ev.preventDefault?.(); fail(new Error("the snapshot reader did not start")); };
  return { record, bytes };
}

/** Compress and store `raw` under `key`, replacing any older snapshot; returns bytes stored. */
export async function writeSnapshot(key, raw, probe) {
  const blob = await (await transform(sparse(raw), new CompressionStream("gzip"))).blob();
  await writeRecord({ key, blob, raw: raw.length, probe, saved: Date.now() });
  return blob.size;
}

export async function dropSnapshot() {
  if (typeof indexedDB !== "object") return;
  try {
    await withStore("readwrite", (s) => request(s.delete(RECORD)));
  } catch (e) { /* nothing stored, or storage unavailable: nothing to clean up */ }
}
