// The share-link format, in one place for the browser (calculator, link builder, roster):
//   <region page URL>#calc=<base64url(UTF-8 JSON of the calc.api.estimate input)>, no padding.
// calc/share.py is the same format for Python (site build, CLI); tests/unit/test_share.py and
// an e2e test check that both read each other's links. A link is untrusted input: decode never
// throws and calc validates every value.
export const SHARE_KEY = "calc";
const MAX_CODE = 20000;  // a link longer than this is not one we made
// The same limits as calc/jsonguard.py, checked before JSON.parse: a link nested thousands deep
// would otherwise reach the engine and overflow its stack.
const MAX_DEPTH = 8;
const MAX_ITEMS = 2000;
const TOO_DEEP = "分享链接或输入的内容层次太多，不是本站生成的，无法读取。请重新填写。";
const TOO_MANY = "分享链接或输入的内容项目太多，不是本站生成的，无法读取。请重新填写。";
const BAD_TEXT = "分享链接或输入里有无法识别的字符，不是本站生成的，无法读取。请重新填写。";

// A message when JSON text nests deeper than MAX_DEPTH or holds more than MAX_ITEMS keys/items.
export function shapeProblem(text) {
  let depth = 0, items = 0, inString = false, escaped = false;
  for (const c of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") { if (++depth > MAX_DEPTH) return TOO_DEEP; }
    else if (c === "]" || c === "}") depth--;
    else if ((c === "," || c === ":") && ++items > MAX_ITEMS) return TOO_MANY;
  }
  return null;
}

// A lone surrogate ("\ud800" in the JSON) cannot be written as UTF-8: refused, never passed on.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// The input without empty fields ("", null, [], {}): a shorter link that says only what was typed.
// calc/share.py compact() is the same rule.
export function compact(value) {
  if (Array.isArray(value)) return value.map(compact);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const c = compact(v);
      if (c === "" || c === null || c === undefined) continue;
      if (Array.isArray(c) && c.length === 0) continue;
      if (c && typeof c === "object" && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out;
  }
  return value;
}

export function encodeShare(input) {
  const bytes = new TextEncoder().encode(JSON.stringify(compact(input)));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// -> {ok:true, input} | {ok:false, message}
export function decodeShare(code) {
  try {
    if (typeof code !== "string" || code.length > MAX_CODE || !/^[A-Za-z0-9_-]*$/.test(code)) throw new Error("alphabet");
    const b64 = code.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((code.length + 3) % 4);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const problem = shapeProblem(text);
    if (problem) return { ok: false, message: problem };
    let input;
    try { input = JSON.parse(text); } catch { return { ok: false, message: "分享链接里的内容不完整或被改动过，无法读取。请重新填写。" }; }
    if (!input || typeof input !== "object" || Array.isArray(input)) {
      return { ok: false, message: "分享链接里的内容格式不对，无法读取。请重新填写。" };
    }
    let unreadable = false;
    JSON.stringify(input, (k, v) => {
      if (LONE_SURROGATE.test(k) || (typeof v === "string" && LONE_SURROGATE.test(v))) unreadable = true;
      return v;
    });
    if (unreadable) return { ok: false, message: BAD_TEXT };
    return { ok: true, input };
  } catch {
    return { ok: false, message: "分享链接已损坏（编码不正确），无法读取。请重新填写。" };
  }
}

// In a production build, the deployment's address of `url` (a page of this site): links made on an
// intranet mirror or a laptop copy still open the public site (base_url, sitegen/settings.py).
// The page's own root is mkdocs-material's `base` (#__config); the public root is <meta name="mbz-site">.
export function deployedUrl(url, doc = globalThis.document) {
  try {
    const meta = doc?.querySelector('meta[name="mbz-site"]');
    if (!meta || meta.dataset.production !== "production" || !/^https?:\/\//.test(meta.content)) return url;
    const config = JSON.parse(doc.getElementById("__config")?.textContent || "{}");
    const root = new URL(`${config.base || "."}/`, doc.location?.href || url).href;
    return url.startsWith(root) ? meta.content + url.slice(root.length) : url;
  } catch {
    return url;
  }
}

// Full URL of a region page carrying `input`; `pageUrl` is that page's address (no fragment).
export function shareUrl(input, pageUrl = location.href) {
  const u = new URL(deployedUrl(new URL(pageUrl).href));
  u.hash = `${SHARE_KEY}=${encodeShare(input)}`;
  return u.toString();
}

// The code in a location hash ("#calc=…"), or null when the hash is not a share link.
export function shareCodeFromHash(hash = location.hash) {
  const m = /^#calc=(.*)$/s.exec(hash);
  return m ? m[1] : null;
}

// Amounts in a share text as people say them: 30000 -> "3万元", 35000 -> "3.5万元", 8234.5 -> "8,235元".
export function amountWords(text) {
  const n = Number(text);
  if (!Number.isFinite(n)) return "";
  const whole = Math.round(n);
  if (whole >= 10000 && whole % 1000 === 0) return `${String(whole / 10000)}万元`;
  return `${whole.toLocaleString("en-US")}元`;
}

// One readable line sent beside the link, from calc's answer (calc/share.py text() is the twin):
// "阳城县 低保对象 住院3万元 自己约付8,235元（估算）".
export function shareText(out) {
  if (!out || !out.ok) return "";
  const parts = [out.region?.name, out.identity?.label];
  const stays = out.stays || [];
  const sum = stays.reduce((a, s) => a + Number(s.total || 0), 0);
  if (stays.length === 1) parts.push(`住院${amountWords(sum)}`);
  else if (stays.length > 1) parts.push(`住院${stays.length}次共${amountWords(sum)}`);
  const opd = Number(out.outpatient?.total || 0);
  if (opd > 0) parts.push(`门诊${amountWords(opd)}`);
  parts.push(`自己约付${amountWords(out.year?.resident)}（估算）`);
  return parts.filter(Boolean).join(" ");
}

// The one line the share box shows before a link is made.
export const PRIVACY_NOTE = "注意：链接里有您选的身份和填的金额，会留在这部手机的浏览记录和聊天记录里。";
