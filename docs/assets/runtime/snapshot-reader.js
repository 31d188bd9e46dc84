// Helper worker of snapshot.js: reads the stored snapshot record and inflates it on a thread of
// its own, so the engine worker meanwhile checks its downloads. Posts {record: {key, probe, raw}
// | null}, then {bytes: ArrayBuffer} (transferred), or {error}.
import { inflate, readRecord } from "./snapshot.js";

(async () => {
  try {
    const rec = await readRecord();
    postMessage({ record: rec ? { key: rec.key, probe: rec.probe, raw: rec.raw } : null });
    if (!rec) return;
    const raw = await inflate(rec);
    postMessage({ bytes: raw.buffer }, [raw.buffer]);
  } catch (e) {
    postMessage({ error: String((e && e.message) || e) });
  }
})();
