// The share-link format, in one place for the browser (calculator, link builder, roster):
//   <region page URL>#calc=<base64url(UTF-8 JSON of the calc.api.estimate input)>, no padding.
// calc/share.py is the same format for Python (site build, CLI); tests/unit/test_share.py and
// an e2e test check that both read each other's links. A link is untrusted input: decode never
// throws and calc validates every value.
export const SHARE_KEY = "calc";
const MAX_CODE = 20000;  // a link longer than this is not one we made

export function encodeShare(input) {
  const bytes = new TextEncoder().encode(JSON.stringify(input));
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
    let input;
    try { input = JSON.parse(text); } catch { return { ok: false, message: "分享链接里的内容不完整或被改动过，无法读取。请重新填写。" }; }
    if (!input || typeof input !== "object" || Array.isArray(input)) {
      return { ok: false, message: "分享链接里的内容格式不对，无法读取。请重新填写。" };
    }
    return { ok: true, input };
  } catch {
    return { ok: false, message: "分享链接已损坏（编码不正确），无法读取。请重新填写。" };
  }
}

// Full URL of a region page carrying `input`; `pageUrl` is that page's address (no fragment).
export function shareUrl(input, pageUrl = location.href) {
  const u = new URL(pageUrl);
  u.hash = `${SHARE_KEY}=${encodeShare(input)}`;
  return u.toString();
}

// The code in a location hash ("#calc=…"), or null when the hash is not a share link.
export function shareCodeFromHash(hash = location.hash) {
  const m = /^#calc=(.*)$/s.exec(hash);
  return m ? m[1] : null;
}
