// The answer: the big number, calc's one-sentence summary, the line adding stays and 门诊 up to
// the year, notes on assumed or changed figures (each with the way to change or learn more),
// who pays what, and the 算账单 (calc's trace) at body size with terms explained on first use.
// Every amount and sentence comes from calc; JS only lays them out.
import { el, $, asList, text, yuan } from "./calc-dom.js";
import { payers } from "./calc-meta.js";
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

export function renderResult(box, out, { meta, onAction }) {
  const y = out.year || {};
  box.replaceChildren();
  box.hidden = false;
  const ident = out.identity?.label ? `按“${out.identity.label}”的待遇` : "";
  const yearText = out.input?.year ? `${out.input.year} 年的规定` : "";
  box.append(
    el("p", { class: "calc-stale", id: "calc-stale", role: "note", hidden: true,
      text: "下面是上一次算的结果；新填的内容有误，还没有重新算。请先改好标红的地方。" }),
    el("h2", { class: "calc-big", id: "calc-big", tabindex: "-1" }, "您自己大约要付 ",
      el("strong", { class: "calc-amount", "data-amount": "year.resident", text: yuan(y.resident) }), " 元"),
    el("p", { class: "calc-sub", text: [ident, yearText].filter(Boolean).join("，") + (ident || yearText ? "。" : "") + `全年总花费 ${yuan(y.total)} 元。` }));

  const summary = text(out.summary);
  if (summary) {
    box.append(el("p", { class: "calc-summary", id: "calc-summary", text: summary }));
  }
  const speak = speakButton(() => [text(out.summary) || `您自己大约要付 ${yuan(y.resident)} 元`, text(out.year_sum)].filter(Boolean).join("。"));
  if (speak) box.append(speak);
  if (text(out.year_sum)) box.append(el("p", { class: "calc-year-sum", id: "calc-year-sum", text: out.year_sum }));
  if (out.input?.identities?.length > 1 && text(out.identity?.reason)) {
    box.append(el("p", { class: "calc-sub", text: out.identity.reason }));
  }
  box.append(notes(out, onAction));
  for (const w of Array.isArray(out.warnings) ? out.warnings : []) {
    if (text(w?.message)) box.append(el("p", { class: "calc-warning", role: "note", text: `注意：${w.message}` }));
  }
  box.append(whoPays(meta, y));
  box.append(el("figure", { class: "calc-chart", id: "calc-chart", hidden: true }));
  box.append(trace(out, meta));
  box.append(premium(out.premium));
}

// calc's notes (contract v2). Until calc sends them, the one thing a person must know is
// derived from calc's own trace: the answer rests on assumed figures.
// A step's figures: paths into calc's `figures` map.
function figuresOf(out, step) {
  const map = out.figures && typeof out.figures === "object" ? out.figures : {};
  return (Array.isArray(step?.figures) ? step.figures : [])
    .map((f) => (typeof f === "string" && Object.hasOwn(map, f) ? map[f] : null))
    .filter((f) => f && typeof f === "object");
}

function notes(out, onAction) {
  let list = Array.isArray(out.notes) ? out.notes.filter((n) => text(n?.text)) : [];
  if (out.notes === undefined) {
    const assumed = new Set((out.trace || []).flatMap((s) => figuresOf(out, s).filter((f) => f?.provenance === "assumption").map((f) => text(f.label))));
    if (assumed.size) list = [{ kind: "assumption", text: `这个结果用到了文件里没有写明、按常见做法假设的数（${[...assumed].slice(0, 3).join("、")}${assumed.size > 3 ? "等" : ""}），实际可能不同。` }];
  }
  const ul = el("ul", { class: "calc-notes", id: "calc-notes" });
  const offered = new Set();  // one button per action: two notes on assumptions share one way to change them
  for (const n of list) {
    let how = NOTE_ACTIONS[n.kind];
    if (how && offered.has(how.action)) how = null;
    if (how) offered.add(how.action);
    const li = el("li", { class: `calc-note-item calc-note-${String(n.kind).replace(/[^a-z_]/g, "")}`, "data-kind": String(n.kind ?? "") },
      el("span", { text: n.text }));
    if (how?.action === "rule") {
      const anchor = typeof n.anchor === "string" && /^[a-z0-9-]+$/.test(n.anchor) ? n.anchor : null;
      if (anchor) li.append(" ", el("a", { href: `#${anchor}`, class: "calc-cite", text: how.label }));
    } else if (how) {
      const b = el("button", { type: "button", class: "calc-btn calc-btn-inline", "data-action": how.action, text: how.label });
      b.addEventListener("click", () => onAction?.(how.action));
      li.append(" ", b);
    }
    ul.append(li);
  }
  if (!list.length) ul.hidden = true;
  return ul;
}

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
    box.append(el("p", { class: "calc-print-only", text: "带 * 的步骤用到了文件没写明的假设数，可以在网页的“高级”里查看和修改。" }));
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

// After a field error: the previous answer stays, marked as not yet recomputed.
export function markStale(box, stale) {
  const s = $(box, "#calc-stale");
  if (s) s.hidden = !stale;
  box.classList.toggle("calc-is-stale", stale);
}
