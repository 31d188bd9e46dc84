// The calculator's own DOM helpers; el(), $, text() and the number formats are the site's one copy
// (../shared/dom.js), re-exported here for the calculator modules.
import { el } from "../shared/dom.js";

export { el, $, $$, text, yuan, yuanShort } from "../shared/dom.js";


// meta lists may be [{id, label}] or {id: label | {label}}; both read the same.
export const asList = (x) => (Array.isArray(x) ? x
  : x && typeof x === "object" ? Object.entries(x).map(([id, v]) => (v && typeof v === "object" ? { id, ...v } : { id, label: String(v) }))
    : []);
export const optId = (o) => String(typeof o === "object" && o !== null ? o.id ?? o.value : o);
export const optLabel = (o) => String(typeof o === "object" && o !== null ? o.label ?? o.name ?? o.id : o);
export const scalar = (v) => (typeof v === "string" || typeof v === "number" ? String(v) : "");

// Say something to screen readers through the calculator's one live region.
export function announce(message) {
  const live = document.getElementById("calc-announce");
  if (!live) return;
  live.textContent = "";
  // a new text node in a later task is announced even when the text repeats
  setTimeout(() => { live.textContent = message; }, 30);
}

// Bring an element into view and give it focus (errors, the answer, the loading box).
export function reveal(target, focusTarget = target, block = "center") {
  if (!target) return;
  target.scrollIntoView({ block, behavior: "instant" });
  if (focusTarget) {
    if (!focusTarget.matches("a[href], button, input, select, textarea, summary, [tabindex]")) focusTarget.setAttribute("tabindex", "-1");
    focusTarget.focus({ preventScroll: true });
  }
}

// A sentence from calc with every amount ("35,680.00 元", "80%") as one unbreakable unit, so no
// amount splits across lines at any text size. Text nodes only (never markup).
const AMOUNT_RE = /-?\d[\d,]*(?:\.\d+)?(?:\s*(?:元|%|万元|万))?/g;
export function withAmounts(s) {
  const t = typeof s === "string" ? s : "";
  const out = [];
  let last = 0;
  for (const m of t.matchAll(AMOUNT_RE)) {
    if (m.index > last) out.push(t.slice(last, m.index));
    out.push(el("span", { class: "calc-num", text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < t.length) out.push(t.slice(last));
  return out;
}

// Official words (sitegen/glossary.toml, in the page's meta) explained where they first appear:
// after the first of `nodes` whose text uses one, a line "起付线：…". `done` (a Set of words)
// carries over between calls so each word is explained once in a part of the page.
// Only the documents' official words (glossary `official`); the 算账单 explains every word itself.
export function glossFirst(nodes, glossary, done = new Set()) {
  const words = asList(glossary).filter((w) => w.official === true && Array.isArray(w.terms) && typeof w.plain === "string" && w.plain);
  for (const node of nodes) {
    const t = node.textContent || "";
    const hits = [];  // terms explained at this node: "目录内" inside "目录内的自付" is not explained again
    for (const w of words) {
      const key = w.terms[0];
      if (done.has(key)) continue;
      const term = w.terms.find((x) => t.includes(x));
      if (!term || hits.some((h) => h.includes(term))) continue;
      hits.push(term);
      done.add(key);
      const def = el("p", { class: "calc-define", "data-word": key }, el("dfn", { text: term }), `：${w.plain}`);
      if (node.localName === "summary") node.parentElement.insertBefore(def, node.nextSibling);
      else if (node.localName === "li") node.append(def);
      else node.after(def);
    }
  }
  return done;
}
