// Instant answers: answers calc computed at build time (sitegen/instant.py), read from
// the page's <script type="application/json" id="calc-instant">, so the first screen answers
// before the engine has loaded, and on phones that cannot run it at all.
// This module only LOOKS UP: it never computes a figure. Whether an input is one of the
// precomputed cases is decided by tables calc wrote: for each field, the spellings (JSON text of
// the raw value; "-" = absent) calc reads as the form's default (0) or that give the same answer
// for every precomputed case (1, at most one such field). Anything else goes to the engine.
import { el, $, yuan } from "./calc-dom.js";

const ABSENT = "-";
// Which fields exist is the block's own list (calc/fields.py via sitegen/instant.py), never a copy here:
// "stay.x" = a field of the one stay, "outpatient.x" = of the outpatient object, else the input's own.
const MATCHED_APART = ["identities", "stays", "outpatient"];  // identity, total and the outpatient object
const PLAIN_TOTAL = /^\d{1,9}(\.\d{1,2})?$/;  // only to find the neighbouring chips for a range
const isObj = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
const has = (o, k) => isObj(o) && Object.prototype.hasOwnProperty.call(o, k);

// The browser's spelling of a raw value: the same text sitegen/instant.py spell() writes.
export const spell = (v) => (v === undefined ? ABSENT : JSON.stringify(v));

// {"@": i} -> the pool's entry, recursively (sitegen/instant.py pooled()); fresh objects each time.
export function expand(pool, x) {
  if (Array.isArray(x)) return x.map((v) => expand(pool, v));
  if (isObj(x)) {
    const keys = Object.keys(x);
    if (keys.length === 1 && keys[0] === "@" && Number.isInteger(x["@"]) && x["@"] >= 0 && x["@"] < pool.length) return expand(pool, pool[x["@"]]);
    return Object.fromEntries(keys.map((k) => [k, expand(pool, x[k])]));
  }
  return x;
}

export class Instant {
  // data: the parsed block (tests in Node pass it directly); else read from the page.
  constructor(data) {
    if (data === undefined) {
      try { data = JSON.parse(document.getElementById("calc-instant")?.textContent || "null"); } catch { data = null; }
    }
    this.data = isObj(data) && data.v === 1 && isObj(data.cases) && isObj(data.fields) ? data : null;
  }

  get ok() { return this.data !== null; }

  // The fields other than identity and total: every spelling listed? -> number of "alike"
  // spellings used, or -1 when one is not listed.
  rest(input) {
    const d = this.data;
    let alike = 0;
    const check = (field, value) => {
      const t = d.fields[field];
      const s = spell(value);
      if (!has(t, s)) return false;
      alike += Number(t[s]) === 1 ? 1 : 0;
      return true;
    };
    const keys = Object.keys(d.fields);
    const TOP = keys.filter((k) => !k.includes(".") && !MATCHED_APART.includes(k));
    const STAY = keys.filter((k) => k.startsWith("stay.")).map((k) => k.slice(5));
    const OPD = keys.filter((k) => k.startsWith("outpatient.")).map((k) => k.slice(11));
    if (!isObj(input) || Object.keys(input).some((k) => !TOP.includes(k) && !MATCHED_APART.includes(k))) return -1;
    for (const f of TOP) if (!check(f, input[f])) return -1;
    const o = input.outpatient;
    if (isObj(o)) {
      if (Object.keys(o).some((k) => !OPD.includes(k))) return -1;
      for (const k of OPD) if (!check(`outpatient.${k}`, o[k])) return -1;
    } else if (!check("outpatient", o)) return -1;
    const stays = input.stays;
    if (!Array.isArray(stays) || stays.length !== 1 || !isObj(stays[0])) return -1;
    const st = stays[0];
    if (Object.keys(st).some((k) => k !== "total" && !STAY.includes(k))) return -1;
    for (const k of STAY) if (!check(`stay.${k}`, st[k])) return -1;
    return alike;
  }

  identity(input) {
    const ids = input?.identities;
    return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === "string" && has(this.data.cases, ids[0]) ? ids[0] : null;
  }

  answer(ident, i) {
    const c = this.data.cases[ident]?.[i];
    return c ? expand(this.data.pool || [], c) : null;
  }

  // -> calc's full output for this input, when the build computed exactly this case; else null.
  lookup(input) {
    if (!this.ok) return null;
    const alike = this.rest(input);
    if (alike < 0 || alike > 1) return null;
    const ident = this.identity(input);
    const s = spell(input.stays[0].total);
    if (!ident || !has(this.data.totals, s)) return null;
    return this.answer(ident, this.data.totals[s]);
  }

  // For a total between two chip amounts, where the build checked the answer is monotone
  // between them: {low: {total, out}, high: {total, out}}; else null.
  range(input) {
    if (!this.ok || this.rest(input) !== 0) return null;
    const ident = this.identity(input);
    const raw = input.stays[0].total;
    const t = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim().replace(/,/g, "").replace(/\s*元$/, "") : "";
    if (!ident || !PLAIN_TOTAL.test(t)) return null;
    const x = Number(t);
    const a = this.data.amounts.map(Number);
    const i = a.findIndex((v, k) => k + 1 < a.length && v < x && x < a[k + 1]);
    if (i < 0 || this.data.ranges?.[ident]?.[i] !== true) return null;
    return { low: { total: this.data.amounts[i], out: this.answer(ident, i) },
      high: { total: this.data.amounts[i + 1], out: this.answer(ident, i + 1) } };
  }

  // The chips: under the bill field of the form (the form is rebuilt at times: call again).
  placeChips(root, onChip) {
    const chips = document.getElementById("calc-chips");
    if (!chips || !this.ok) return;
    const field = $(root, "#calc-stay0-total")?.closest(".calc-field");
    if (field && chips.previousElementSibling !== field) field.after(chips);
    chips.hidden = false;
    if (!chips.dataset.bound) {
      chips.dataset.bound = "1";
      chips.addEventListener("click", (e) => {
        const b = e.target.closest?.(".calc-chip");
        if (b && chips.contains(b)) onChip(b.dataset.total, b);
      });
    }
  }

  markChip(total) {
    for (const b of document.querySelectorAll("#calc-chips .calc-chip")) b.setAttribute("aria-pressed", String(b.dataset.total === total));
  }

  // What this phone can do without the engine, in one short paragraph (+ the office's hotline
  // when the site settings name one).
  canDo(reason, missing) {
    const labels = Array.isArray(this.data?.labels) ? this.data.labels : [];
    const span = labels.length ? `（${labels[0]}到${labels[labels.length - 1]}）` : "";
    const office = this.data?.office;
    const call = office?.hotline ? `算别的情况请打电话问${office.name || "医保经办机构"}：${office.hotline}。` : "算别的情况可以问当地医保窗口。";
    const why = reason === "unsupported" ? `这部手机的浏览器不能运行计算程序（缺少 ${missing || "WebAssembly"}）。` : "";
    return this.ok
      ? `${why}能做的：选好身份，点上面常见的总费用${span}，马上看结果。不能做的：算别的金额和情况。${call}`
      : `${why}${call}`;
  }
}

// The wait box's range line: the two neighbouring answers, each as calc wrote it.
export function rangeLine(r, identityLabel) {
  const lo = r.low.out?.year?.resident, hi = r.high.out?.year?.resident;
  return el("p", { class: "calc-range", id: "calc-range" },
    `先看个大概：${identityLabel ? `按“${identityLabel}”、` : ""}总费用在 ${yuan(r.low.total)} 元到 ${yuan(r.high.total)} 元之间时，您自己大约付 `,
    el("strong", { "data-range": "low", text: yuan(lo) }), " 元到 ", el("strong", { "data-range": "high", text: yuan(hi) }),
    " 元（本站已核对这一段里不会忽高忽低）。准确的数，计算器准备好马上算出。");
}
