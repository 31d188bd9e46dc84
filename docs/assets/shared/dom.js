// The one place for DOM helpers and number formats, for every page's scripts (calculator, link
// builder, roster, 明白纸). Data is only ever put into the page with textContent / DOM properties —
// never innerHTML — so a tampered link or file cannot inject markup or script.

export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, String(v));
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
}

// A tree [tag, attrs, ...kids] (kids: strings or trees) as DOM: what shared renderers such as
// mingbai.js return, so the same markup can be checked outside a browser.
export function fromTree(t) {
  if (typeof t === "string") return t;
  const [tag, attrs, ...kids] = t;
  return el(tag, attrs, kids.map(fromTree));
}

export const $ = (root, sel) => root.querySelector(sel);
export const $$ = (root, sel) => [...root.querySelectorAll(sel)];
export const text = (v) => (typeof v === "string" ? v : "");

// Amounts from calc are strings "12345.67": thousands separators, never NaN; a missing amount
// (null, undefined, "") is "—" everywhere.
export function yuan(s) {
  if (s === null || s === undefined || s === "") return "—";
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(s));
  if (!m) return String(s);
  return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "");
}
// The same without ".00" (echoes such as "按 30,000 元计算").
export const yuanShort = (s) => yuan(s).replace(/\.00$/, "");
