// Downloads one file of the calculator's engine and checks it against the sha256 and size that
// build_site.py wrote into calc-manifest.json (SubtleCrypto), before anything runs it. Used by
// worker.js. Failures are LoadError with a Chinese message and a kind:
//   "timeout"     a stall or a trickle: less than min(TRICKLE_BYTES, what is still missing) arrived
//                 in stallMs — a stalled keep-alive connection, or one that drips a packet every
//                 few seconds; or the whole file took longer than it would on
//                 a slow link (TOTAL_BASE_MS + its size at SLOW_LINK bytes/s)
//   "network"     the connection broke, or the server answered with an error
//   "integrity"   the bytes are not the ones the build published (checked again past every
//                 cache once — a stale or damaged cached copy — before refusing)
//   "unsupported" no SubtleCrypto (the page was not opened over https)

export class LoadError extends Error {
  constructor(kind, message, file) {
    super(message);
    this.kind = kind;
    this.file = file;
  }
}

const RETRY = "请检查网络（或换到信号好的地方、连上 Wi-Fi）后点“重试”。";
// A link slower than these cannot bring the engine in any useful time: say so, offer 重试.
export const TRICKLE_BYTES = 16 * 1024;   // at least this much per stall window (1.6 kB/s)
export const SLOW_LINK = 20 * 1024;       // bytes/s (decoded) a whole file may take, plus ...
export const TOTAL_BASE_MS = 20000;      // ... this much for connecting and starting

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function downloadOnce(url, expect, opts, cache) {
  const { what, stallMs, onBytes } = opts;
  const ctrl = new AbortController();
  let timer, why = null;
  let n = 0, windowStart = 0;  // bytes received, and at the start of the current stall window
  const abort = (reason) => { why = reason; ctrl.abort(); };
  // Each window of stallMs must bring TRICKLE_BYTES (or the rest of the file), else: a stall.
  const arm = () => {
    clearTimeout(timer);
    windowStart = n;
    timer = setTimeout(() => abort(n > windowStart ? "trickle" : "stall"), stallMs);
  };
  const totalMs = TOTAL_BASE_MS + Math.ceil(expect.bytes / SLOW_LINK) * 1000;
  const total = setTimeout(() => abort("total"), totalMs);
  const secs = (ms) => Math.round(ms / 1000);
  const broken = () => {
    if (!ctrl.signal.aborted) return new LoadError("network", `下载${what}时网络中断了。${RETRY}`, url);
    const message = why === "stall" ? `下载${what}时，网络 ${secs(stallMs)} 秒没有传来数据（网络太慢或已断开）。`
      : why === "trickle" ? `下载${what}时网络太慢：${secs(stallMs)} 秒只传来 ${n - windowStart} 字节，照这样要很久也下不完。`
      : `下载${what}用了 ${secs(totalMs)} 秒还没有下完，网络太慢。`;
    return new LoadError("timeout", message + RETRY, url);
  };
  arm();
  try {
    let resp;
    try {
      resp = await opts.fetch(url, { signal: ctrl.signal, cache });
    } catch (e) {
      throw broken();
    }
    if (!resp.ok) throw new LoadError("network", `下载${what}失败（服务器回答 ${resp.status}）。请稍后点“重试”。`, url);
    opts.onResponse?.(resp);
    const buf = new Uint8Array(expect.bytes);
    const reader = resp.body.getReader();
    onBytes(0);
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw broken();
      }
      if (chunk.done) break;
      if (n + chunk.value.length > buf.length) {
        reader.cancel().catch(() => {});
        throw new LoadError("integrity", `${what}比本站发布的大，和发布的版本不一致。`, url);
      }
      buf.set(chunk.value, n);
      n += chunk.value.length;
      if (n - windowStart >= Math.min(TRICKLE_BYTES, expect.bytes - windowStart)) arm();
      onBytes(n);
    }
    if (n !== expect.bytes) throw new LoadError("integrity", `${what}不完整（${n} / ${expect.bytes} 字节）。`, url);
    if (!globalThis.crypto?.subtle) {
      throw new LoadError("unsupported", "这个浏览器无法核对计算器文件（本站需要用 https 开头的网址打开）。", url);
    }
    clearTimeout(timer);
    clearTimeout(total);
    const digest = hex(await crypto.subtle.digest("SHA-256", buf));
    if (digest !== expect.sha256) throw new LoadError("integrity", `${what}和本站发布的版本不一致。`, url);
    return buf;
  } finally {
    clearTimeout(timer);
    clearTimeout(total);
  }
}

// -> Uint8Array holding exactly the published bytes.
// opts: {what: Chinese name, stallMs, onBytes(n), onResponse?(response), fetch (the network fetch)}
export async function fetchVerified(url, expect, opts) {
  try {
    return await downloadOnce(url, expect, opts, "default");
  } catch (e) {
    if (e.kind !== "integrity") throw e;
  }
  try {
    return await downloadOnce(url, expect, opts, "reload");
  } catch (e) {
    if (e.kind !== "integrity") throw e;
    throw new LoadError("integrity",
      `${e.message}它可能在传输途中或缓存里被改动过，为了安全，计算器没有运行它。请换个网络（比如连上 Wi-Fi）后点“重试”；也可以看本页下面的算例。`,
      url);
  }
}
