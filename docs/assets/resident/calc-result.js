// The answer: the big number, calc's one-sentence summary, the line adding stays and 门诊 up to
// the year, notes on assumed or changed figures (each with the way to change or learn more),
// who pays what, and the 算账单 (calc's trace) at body size with terms explained on first use.
// Every amount and sentence comes from calc; JS only lays them out.
import { el, $, asList, glossFirst, text, withAmounts, yuan } from "./calc-dom.js";
import { identityLabel, payers } from "./calc-meta.js";
import { speakButton } from "./calc-speak.js";

// What a person can do about each kind of note (calc's `notes[].kind`).
const NOTE_ACTIONS = {
  assumption: { label: "看看、改一改这些数字", action: "advanced" },
  override: { label: "恢复原来的数字", action: "reset-overrides" },
  reading: { label: "看规则原文", action: "rule" },
  not_covered: { label: "看规则原文", action: "rule" },
  old_document: null,
  migrated: null,
};

// A pure function of calc's estimate output (and the page's meta): result JSON -> DOM in `box`.
// Exported for the precomputed answers (calc-instant.js) as well as the engine's.
export function renderResult(box, out, { meta, onAction } = {}) {
  const y = out.year || {};
  box.replaceChildren();
  box.hidden = false;
  const held = heldLabels(out, meta);
  const ident = held.length === 1 ? `按“${held[0]}”的待遇` : held.length > 1 ? `您勾了 ${held.length} 种身份（${held.join("、")}）` : "";
  const yearText = out.input?.year ? `${out.input.year} 年的规定` : "";
  const digits = yuan(y.resident).length;
  const amount = el("strong", { class: "calc-amount", "data-amount": "year.resident", text: yuan(y.resident) });
  const line = el("span", { class: "calc-amount-line" }, amount, el("span", { class: "calc-amount-unit", text: " 元" }));
  line.style.setProperty("--calc-digits", String(digits));
  box.append(
    el("p", { class: "calc-stale", id: "calc-stale", role: "note", hidden: true }),
    el("h2", { class: "calc-big", id: "calc-big", tabindex: "-1" }, el("span", { class: "calc-big-words", text: "您自己大约要付 " }), line),
    el("p", { class: "calc-sub" }, ...withAmounts([ident, yearText].filter(Boolean).join("，") + (ident || yearText ? "。" : "") + `全年总花费 ${yuan(y.total)} 元。`)));
  watchFit(line);
  const past = yearPast(out, meta);
  if (past) box.append(el("p", { class: "calc-year-past", id: "calc-year-past", role: "note", text: past }));

  const summary = text(out.summary);
  if (summary) box.append(el("p", { class: "calc-summary", id: "calc-summary" }, ...withAmounts(summary)));
  const speak = speakButton(() => speechParts(out, meta, held, past));
  if (speak) box.append(speak);
  if (text(out.year_sum)) box.append(el("p", { class: "calc-year-sum", id: "calc-year-sum" }, ...withAmounts(out.year_sum)));
  const used = payersUsed(out, meta);
  if (used) box.append(el("p", { class: "calc-sub calc-payers-used", id: "calc-payers-used", text: used }));
  box.append(notes(out, onAction));
  // the documents' words explained where the answer first uses them (sitegen/glossary.toml)
  const said = glossFirst([...box.querySelectorAll(".calc-year-past, #calc-summary, #calc-year-sum, #calc-payers-used, #calc-notes > li")], meta?.glossary);
  box.append(howToGet(meta, said));
  box.append(whoPays(meta, y));
  box.append(el("figure", { class: "calc-chart", id: "calc-chart", hidden: true }));
  box.append(trace(out, meta));
  box.append(premium(out.premium));
}

// The big figure on one line inside the screen at any text size. The CSS sizes it from the line's
// width; a text zoom (WeChat's 字体大小 = text-size-adjust) then multiplies every computed font size,
// which no CSS length can see, so the line is measured and scaled by --calc-fit until it fits.
export function fitAmount(line) {
  if (!line || !line.isConnected) return;
  line.style.setProperty("--calc-fit", "1");
  const need = line.scrollWidth;
  const have = line.clientWidth;
  if (have > 0 && need > have) line.style.setProperty("--calc-fit", String(Math.floor((have / need) * 97) / 100));
}

let fitObserver = null;
function watchFit(line) {
  const refit = () => fitAmount(line);
  requestAnimationFrame(refit);
  fitAmount(line);
  if (typeof ResizeObserver !== "function") { window.addEventListener("resize", refit); return; }
  fitObserver?.disconnect();  // one big figure at a time
  // refit in the next frame, not inside the observer (resizing what it watches there is a loop error)
  fitObserver = new ResizeObserver(() => requestAnimationFrame(() => { for (const l of document.querySelectorAll(".calc-amount-line")) fitAmount(l); }));
  fitObserver.observe(line);
}

// What 读给我听 says (calc-speak.js speechText): the amount, the identity, each payer that paid,
// and the caveats in order of weight — calc's warnings, then the year line, then "an estimate".
function speechParts(out, meta, held, past) {
  const y = out.year || {};
  const paid = payers(meta).filter(([k]) => k !== "resident" && Number(y[k] || 0) !== 0).map(([k, l]) => [l, yuan(y[k])]);
  const warnings = (Array.isArray(out.warnings) ? out.warnings : []).map((w) => text(w?.message));
  const identity = held.length === 1 ? `按${held[0]}的待遇算` : held.length > 1 ? `您勾的${held.join("、")}，每一项按对您最有利的算` : "";
  return { amount: yuan(y.resident), identity, payers: paid, caveats: [...warnings, past, "这是估算，以医保经办机构结算为准"] };
}

// "本站还没有收录2026年起的新标准，仍按2025年计算。": the page's own line (sitegen/publish.py, above
// the calculator), repeated with an answer for the latest year the site has.
export function yearPast(out, meta) {
  const line = document.querySelector(".year-past");
  const years = Array.isArray(meta?.region?.years) ? meta.region.years.map(Number) : [];
  const latest = years.length ? Math.max(...years) : NaN;
  const year = Number(out.input?.year ?? meta?.region?.default_year);
  return line && year === latest ? line.textContent.trim() : "";
}

// The identities the person ticked, in the document's words.
function heldLabels(out, meta) {
  const ids = Array.isArray(out.input?.identities) ? out.input.identities : [];
  const labels = ids.map((i) => identityLabel(meta, i) || "").filter(Boolean);
  if (labels.length) return labels;
  return text(out.identity?.label) ? [out.identity.label] : [];
}

// Which held identity each payer used (calc's `payers`): "医疗救助按低保对象算，大病保险按返贫致贫人口算".
// Only when the person ticked more than one; only payers that paid something (else all listed).
export function payersUsed(out, meta) {
  if (!(Array.isArray(out.input?.identities) && out.input.identities.length > 1)) return "";
  const p = out.payers && typeof out.payers === "object" ? out.payers : {};
  const order = payers(meta).map(([k, l]) => [k, l]).filter(([k]) => p[k] && text(p[k].label));
  const paid = order.filter(([k]) => Number(out.year?.[k] || 0) !== 0);
  const rows = paid.length ? paid : order;
  if (!rows.length) return "";
  const groups = new Map();
  for (const [k, l] of rows) {
    const who = p[k].label;
    if (!groups.has(who)) groups.set(who, []);
    groups.get(who).push(l);
  }
  if (groups.size === 1) {
    const [who, ls] = [...groups][0];
    return `${ls.join("、")}都按${who}算（对您最有利的一种，同一项不叠加）。`;
  }
  return `${[...groups].map(([who, ls]) => `${ls.join("、")}按${who}算`).join("，")}（每一项取对您最有利的身份，同一项不叠加）。`;
}

// How to get the money: the same steps as the 明白纸 (sitegen/resident.py HOW_TO_GET, in the meta).
function howToGet(meta, said) {
  const steps = Array.isArray(meta?.how_to_get) ? meta.how_to_get.filter((t) => text(t)) : [];
  if (!steps.length) return el("span", { hidden: true });
  const items = steps.map((t) => el("li", { text: t }));
  glossFirst(items, meta.glossary, said);
  return el("section", { class: "calc-howto", id: "calc-howto", "aria-labelledby": "calc-howto-title" },
    el("h3", { id: "calc-howto-title", text: "怎样拿到这笔报销" }),
    el("ol", { class: "calc-howto-list" }, items));
}

// calc's notes (contract v2). Until calc sends them, the one thing a person must know is
// derived from calc's own trace: the answer rests on assumed figures.
// A step's figures: paths into calc's `figures` map.
function figuresOf(out, step) {
  const map = out.figures && typeof out.figures === "object" ? out.figures : {};
  return (Array.isArray(step?.figures) ? step.figures : [])
    .map((f) => (typeof f === "string" && Object.prototype.hasOwnProperty.call(map, f) ? map[f] : null))
    .filter((f) => f && typeof f === "object");
}

// The short 注意 list under the answer: calc's warnings, then its notes (the year's note, assumed
// figures, readings, what is not counted), then how several identities were combined. Plain
// items; each kind of note offers its one way to change or learn more.
function notes(out, onAction) {
  let list = Array.isArray(out.notes) ? out.notes.filter((n) => text(n?.text)) : [];
  if (out.notes === undefined) {
    const assumed = new Set((out.trace || []).flatMap((s) => figuresOf(out, s).filter((f) => f?.provenance === "assumption").map((f) => text(f.label))));
    if (assumed.size) list = [{ kind: "assumption", text: `这个结果用到了文件里没有写明、按常见做法假设的数（${[...assumed].slice(0, 3).join("、")}${assumed.size > 3 ? "等" : ""}），实际可能不同。` }];
  }
  const warnings = (Array.isArray(out.warnings) ? out.warnings : []).filter((w) => text(w?.message))
    .map((w) => ({ kind: "warning", text: w.message }));
  const combine = Array.isArray(out.input?.identities) && out.input.identities.length > 1 && text(out.identity?.reason)
    ? [{ kind: "identities", text: out.identity.reason }] : [];
  // calc's warnings first, then calc's notes in calc's own order (it puts the year's note and the
  // assumptions first), then how several identities were combined
  const all = [...warnings, ...list, ...combine];
  const ul = el("ul", { class: "calc-notes", id: "calc-notes" });
  const offered = new Set();  // one button per action: two notes on assumptions share one way to change them
  for (const n of all) {
    let how = NOTE_ACTIONS[n.kind];
    if (how && offered.has(how.action)) how = null;
    if (how) offered.add(how.action);
    const own = n.kind === "warning" || n.kind === "identities";  // not one of calc's `notes`
    const li = el("li", { class: `${own ? "calc-caveat" : "calc-note-item"} calc-note-${String(n.kind).replace(/[^a-z_]/g, "")}${n.kind === "warning" ? " calc-warning" : ""}`,
      "data-kind": String(n.kind ?? "") }, ...sentencesFor(n.text));
    const anchor = typeof n.anchor === "string" && /^[a-z0-9-]+$/.test(n.anchor) ? n.anchor
      : typeof n.rule === "string" && /^[A-Za-z0-9-]+$/.test(n.rule) ? n.rule.toLowerCase() : null;
    if (how?.action === "rule") {
      if (anchor) li.append(" ", el("a", { href: `#${anchor}`, class: "calc-cite", text: how.label }));
    } else if (how) {
      const b = el("button", { type: "button", class: "calc-btn calc-btn-inline", "data-action": how.action, text: how.label });
      b.addEventListener("click", () => onAction?.(how.action));
      li.append(" ", b);
    }
    // folded by a class, not `hidden`: read-aloud (calc-speak.js) still reads every note
    if (ul.childElementCount >= SHORT_NOTES) li.classList.add("calc-note-extra", "calc-note-folded");
    ul.append(li);
  }
  const sec = el("section", { class: "calc-caveats", id: "calc-caveats", "aria-labelledby": "calc-caveats-title" },
    el("h3", { id: "calc-caveats-title", text: "注意" }), ul);
  const extra = all.length - SHORT_NOTES;
  if (extra > 0) {  // a short list: the rest one tap away (still in the page for read-aloud)
    const more = el("button", { type: "button", class: "calc-btn calc-btn-inline calc-notes-more", id: "calc-notes-more",
      "aria-expanded": "false", "aria-controls": "calc-notes", text: `还有 ${extra} 条说明，点开看` });
    more.addEventListener("click", () => {
      const open = more.getAttribute("aria-expanded") !== "true";
      for (const li of ul.querySelectorAll(".calc-note-extra")) li.classList.toggle("calc-note-folded", !open);
      more.setAttribute("aria-expanded", String(open));
      more.textContent = open ? "收起" : `还有 ${extra} 条说明，点开看`;
    });
    sec.append(more);
  }
  if (!all.length) sec.hidden = true;
  return sec;
}

// A note's words; a sentence pointing at 高级 is marked, so 长辈版 (which has no 高级) hides it.
const NAMES_ADVANCED = "“高级”";
function sentencesFor(t) {
  // every character kept (the sentences join back to calc's text); no lookbehind: Safari < 16.4
  const parts = String(t).match(/[^。]*。|[^。]+$/g) || [];
  return [el("span", {}, ...parts.map((p) => (p.includes(NAMES_ADVANCED)
    ? el("span", { class: "calc-needs-advanced" }, ...withAmounts(p)) : withAmounts(p))))];
}

// The 注意 list shows this many at first.
const SHORT_NOTES = 3;

function whoPays(meta, y) {
  const total = Number(y.total) || 0;
  const rows = payers(meta).filter(([k]) => y[k] != null && Number(y[k]) !== 0);
  const bar = el("div", { class: "calc-bar", "aria-hidden": "true" });
  const list = el("dl", { class: "calc-bar-legend" });
  for (const [k, label] of rows) {
    const seg = el("span", { class: `calc-seg calc-seg-${k}` });
    seg.style.width = total > 0 ? `${Math.max(0, (Number(y[k]) / total) * 100).toFixed(2)}%` : "0";
    bar.append(seg);
    list.append(el("div", { class: `calc-legend-row${k === "resident" ? " calc-legend-you" : ""}` },
      el("dt", {}, el("span", { class: `calc-swatch calc-seg-${k}` }), label),
      el("dd", { "data-amount": `year.${k}`, text: `${yuan(y[k])} 元` })));
  }
  return el("section", { class: "calc-who", "aria-labelledby": "calc-who-title" },
    el("h3", { id: "calc-who-title", text: "这笔钱谁付了多少" }), bar, list);
}

// The 算账单. Steps are grouped by stay; a word from the glossary is explained under the first
// step that uses it; figures that are assumptions are flagged in the step. A citation of the
// region's own document is shortened to its section (the page names the document).
function trace(out, meta) {
  const words = asList(meta.glossary).filter((w) => Array.isArray(w.terms) && text(w.plain));
  const doc = text(out.region?.document) || text(meta.region.document);
  const explained = new Set();
  const box = el("div", { class: "calc-trace-body" });
  let group, ol, n = 0;
  for (const s of Array.isArray(out.trace) ? out.trace : []) {
    const g = Number.isInteger(s.stay) ? `第 ${s.stay + 1} 次住院` : s.tier === "outpatient" ? "门诊" : group === undefined ? "" : "全年";
    if (!ol || g !== group) {
      if (g) box.append(el("p", { class: "calc-trace-group", text: g }));
      ol = el("ol", { class: "calc-trace-list", start: n + 1 });
      box.append(ol);
      group = g;
    }
    n += 1;
    const assumed = figuresOf(out, s).filter((f) => f?.provenance === "assumption");
    const li = el("li", { class: `calc-trace-step calc-tier-${String(s.tier || "").replace(/[^a-z_]/g, "")}${assumed.length ? " calc-has-assumed" : ""}` },
      el("span", { class: "calc-trace-text", text: text(s.text) }));
    if (assumed.length) {
      li.append(el("span", { class: "calc-assumed", text: `（假设的数：${assumed.map((f) => `${text(f.label)} ${text(f.display)}`).join("，")}）` }));
    }
    // the office's own figures (本地标准): distinct from the notice's and from assumptions, each with its clause
    const local = figuresOf(out, s).filter((f) => f?.provenance === "local");
    if (local.length) {
      li.append(el("span", { class: "calc-local", text: `（本地标准：${local.map((f) => `${text(f.label)} ${text(f.display)}${text(f.cite) ? `，${text(f.cite)}` : ""}`).join("；")}）` }));
    }
    if (s.reading && typeof s.reading === "object" && text(s.reading.chosen)) {
      li.append(el("span", { class: "calc-reading", text: `（文件这句话可以有两种理解，这里按：${s.reading.chosen}${text(s.reading.alternative) ? `；另一种：${s.reading.alternative}` : ""}）` }));
    }
    if (typeof s.anchor === "string" && /^[a-z0-9-]+$/.test(s.anchor)) {
      const cite = text(s.cite);
      const short = doc && cite.startsWith(doc) && cite.length > doc.length ? cite.slice(doc.length).trim() : cite;
      li.append(" ", el("a", { href: `#${s.anchor}`, class: "calc-cite", text: short ? `依据 ${short}` : "依据" }));
    }
    const here = words.filter((w) => !explained.has(w) && w.terms.some((t) => text(s.text).includes(t)));
    for (const w of here) {
      explained.add(w);
      const term = w.terms.find((t) => text(s.text).includes(t));
      li.append(el("span", { class: "calc-define" }, el("dfn", { text: term }), `：${w.plain}`));
    }
    ol.append(li);
  }
  if (box.querySelector(".calc-has-assumed")) {
    box.append(el("p", { class: "calc-print-only" }, "带 * 的步骤用到了文件没写明的假设数。",
      el("span", { class: "calc-needs-advanced", text: "可以在网页的“高级”里查看和修改。" })));
  }
  return el("details", { class: "calc-trace", id: "calc-trace" },
    el("summary", { text: `算账单：一步一步怎么算的（${n} 步）` }), box);
}

function premium(p) {
  if (!p || typeof p !== "object") return el("span");
  const pays = p.resident_pays === null || p.resident_pays === undefined
    ? el("p", { text: "文件没有写明今年的参保缴费和资助标准。" })
    : el("p", {}, "一年参保自己交 ", el("strong", { "data-amount": "premium.resident_pays", text: yuan(p.resident_pays) }), " 元",
      p.contribution != null ? `（标准 ${yuan(p.contribution)} 元${p.subsidy != null ? `，政府资助 ${yuan(p.subsidy)} 元` : ""}）` : "");
  return el("section", { class: "calc-premium", "aria-labelledby": "calc-premium-title" },
    el("h3", { id: "calc-premium-title", text: "参加医保每年交多少钱" }), pays,
    text(p.note) ? el("p", { class: "calc-note", text: p.note }) : null);
}

// An answer for other numbers is never shown as current: while the new numbers are computed, after
// a field error and after an engine failure, the previous answer stays only under this line (its
// amounts greyed and struck through, calculator.css). why: false (current) | one of STALE's keys.
const STALE = {
  busy: "正在按新填的内容重新算。下面是上一次的结果，不是现在填的数。",
  error: "下面是上一次算的结果；新填的内容有误，还没有重新算。请先改好标红的地方。",
  failed: "下面是上一次算的结果，不是现在填的数：计算器出了问题，没有重新算。",
};
export function markStale(box, why) {
  const s = $(box, "#calc-stale");
  const text = why ? STALE[why] || STALE.error : "";
  if (s) { s.textContent = text; s.hidden = !why; }
  box.classList.toggle("calc-is-stale", Boolean(why));
  if (why) box.dataset.stale = why; else delete box.dataset.stale;
}
