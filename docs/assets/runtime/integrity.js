// Downloads one file of the calculator's engine and checks it against the sha256 and size that
// build_site.py wrote into calc-manifest.json (SubtleCrypto), before anything runs it. Used by
// worker.js. Failures are LoadError with a Chinese message and a kind:
//   "timeout"     nothing arrived for stallMs (a dead or hopeless connection)
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

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function downloadOnce(url, expect, opts, cache) {
  const { what, stallMs, onBytes } = opts;
  const ctrl = new AbortController();
  let timer;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(), stallMs);
  };
  const broken = () => ctrl.signal.aborted
    ? new LoadError("timeout", `下载${what}时，网络 ${Math.round(stallMs / 1000)} 秒没有传来数据。${RETRY}`, url)
    : new LoadError("network", `下载${what}时网络中断了。${RETRY}`, url);
  arm();
  try {
    let resp;
    try {
      resp = await opts.fetch(url, { signal: ctrl.signal, cache });
    } catch (e) {
      throw broken();
    }
    if (!resp.ok) throw new LoadError("network", `下载${what}失败（服务器回答 ${resp.status}）。请稍后点“重试”。`, url);
    const buf = new Uint8Array(expect.bytes);
    let n = 0;
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
      arm();
      if (n + chunk.value.length > buf.length) {
        reader.cancel().catch(() => {});
        throw new LoadError("integrity", `${what}比本站发布的大，和发布的版本不一致。`, url);
      }
      buf.set(chunk.value, n);
      n += chunk.value.length;
      onBytes(n);
    }
    if (n !== expect.bytes) throw new LoadError("integrity", `${what}不完整（${n} / ${expect.bytes} 字节）。`, url);
    if (!globalThis.crypto?.subtle) {
      throw new LoadError("unsupported", "这个浏览器无法核对计算器文件（本站需要用 https 开头的网址打开）。", url);
    }
    clearTimeout(timer);
    const digest = hex(await crypto.subtle.digest("SHA-256", buf));
    if (digest !== expect.sha256) throw new LoadError("integrity", `${what}和本站发布的版本不一致。`, url);
    return buf;
  } finally {
    clearTimeout(timer);
  }
}

// -> Uint8Array holding exactly the published bytes.
// opts: {what: Chinese name, stallMs, onBytes(n), fetch (the network fetch)}
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
