// The 明白纸, laid out once for the roster's 每人一张 sheets and the calculator's printed answer;
// templates/partials/mingbai.html lays out the same sheet data for the build's print pages, and
// tests/unit/test_mingbai_markup.py holds the two to the same markup. The sheet data is plain JSON
// (made by sitegen/staff.py, roster/sheets.py and calc-print.js):
//   {title, lead, year_note?, inputs?, pay: {caption?, suffix?, head, rows: [{label?, cells, total?}], you},
//    lines?, trace?: {title, steps, more?}, steps?, office?, topics?, assumed?, oop?, foot}
// sheetTree() returns a tree [tag, attrs, ...kids] (strings are text, never markup); fromTree()
// (dom.js) makes it DOM. No document is needed to build the tree.
import { fromTree, yuan } from "./dom.js";

const s = (v) => (v === null || v === undefined ? "" : String(v));
const list = (v) => (Array.isArray(v) ? v : []);

function payTable(pay) {
  const head = list(pay.head);
  const suffix = typeof pay.suffix === "string" ? pay.suffix : " 元";  // "" where the head says （元）
  const rows = list(pay.rows).map((r) => ["tr", r.total ? { class: "mb-total" } : {},
    ...(r.label === null || r.label === undefined ? [] : [["th", { scope: "row" }, s(r.label)]]),
    ...list(r.cells).map((c, j) => {
      const col = j + (r.label === null || r.label === undefined ? 0 : 1);
      const amount = c === null || c === undefined || c === "" ? "—" : `${yuan(c)}${suffix}`;
      return col === pay.you ? ["td", { class: "mb-you", "data-label": s(head[col]) }, ["strong", {}, amount]]
        : ["td", { "data-label": s(head[col]) }, amount];
    })]);
  return ["table", { class: "mb-pay", "data-kind": "mb-pay" },
    ...(pay.caption ? [["caption", {}, s(pay.caption)]] : []),
    ["thead", {}, ["tr", {}, ...head.map((h) => ["th", { scope: "col" }, s(h)])]],
    ["tbody", {}, ...rows]];
}

function claimSteps(steps, office) {
  const o = office || {};
  return ["ol", { class: "mb-steps" }, ...list(steps).map((t) => ["li", {}, s(t)]),
    ...(o.name ? [["li", {}, ["strong", {}, "有疑问"], `请找${s(o.name)}，电话 `, ["strong", { class: "mb-hotline" }, s(o.hotline)],
      `${o.address ? `，地址：${s(o.address)}` : ""}。`]] : [])];
}

const NO_TOPICS = "按基本医保和大病保险的一般规定报销，没有另外的医疗救助；遇到大额医疗费用生活困难的，可以向民政或医保部门申请救助。";

function topics(ts) {
  if (!list(ts).length) return ["ul", { class: "mb-figures" }, ["li", {}, NO_TOPICS]];
  return ["ul", { class: "mb-figures" }, ...list(ts).map((t) => ["li", {}, ["strong", {}, `${s(t.title)}：`],
    list(t.figures).map((p) => `${s(p.label)} ${s(p.shown)}${p.provenance !== "document" ? `（${s(p.provenance_words)}）` : ""}`).join("；")
      + (t.more ? "等" : ""),
    ...(list(t.cites).length ? [["span", { class: "mb-cite" }, `（${list(t.cites).join("；")}）`]] : [])])];
}

function assumed(items) {
  const kids = [];
  list(items).forEach((a, i) => {
    if (i) kids.push("；");
    kids.push(["span", { class: "mb-assumed-item", "data-param": s(a.path) }, `${s(a.label)} ${s(a.shown)}（假设）`]);
  });
  return ["p", { class: "mb-assumed", "data-kind": "mb-assumed" },
    ["strong", {}, "上面的金额还用到了文件没写的假设数字"], "（本站按常见做法取的，实际可能不同）：", ...kids, "。"];
}

function foot(f) {
  const qr = f.qr || {};
  const code = qr.src ? ["img", { class: "qr", src: s(qr.src), alt: s(qr.alt), width: "150", height: "150" }]
    : ["div", { class: "qr", role: "img", "aria-label": s(qr.alt) }];
  return ["footer", { class: "mb-foot" }, ...(f.qr ? [code] : []),
    ["div", { class: "mb-foot-text" },
      ["p", {}, ["strong", {}, s(f.scan)], s(f.text), ...(f.url ? [["span", { class: "mb-url" }, s(f.url)]] : [])],
      ["p", { class: "mb-date" }, s(f.date)]]];
}

export function sheetTree(sheet, attrs = {}) {
  const t = sheet || {};
  return ["article", { class: "mingbai", ...attrs },
    ["h1", {}, s(t.title)],
    ["p", { class: "mb-lead" }, s(t.lead), ["strong", {}, "以医保经办机构结算为准"], "。"],
    ...(t.year_note ? [["p", { class: "mb-year-note", role: "note" }, ["strong", {}, "请注意："], s(t.year_note)]] : []),
    ...(list(t.inputs).length ? [["ul", { class: "mb-inputs" }, ...list(t.inputs).map((x) => ["li", {}, s(x)])]] : []),
    payTable(t.pay || {}),
    ...list(t.lines).map((x) => ["p", { class: "mb-line" }, s(x)]),
    ...(t.oop ? [["p", { class: "mb-oop", "data-kind": "mb-oop" }, s(t.oop)]] : []),
    ...(list(t.assumed).length ? [assumed(t.assumed)] : []),
    ...(t.trace ? [["h2", {}, s(t.trace.title)], ["ol", { class: "mb-trace" }, ...list(t.trace.steps).map((x) => ["li", {}, s(x)])],
      ...(t.trace.more ? [["p", { class: "mb-trace-more" }, s(t.trace.more)]] : [])] : []),
    ...(list(t.steps).length ? [["h2", {}, "怎样享受"], claimSteps(t.steps, t.office)] : []),
    ...(Array.isArray(t.topics) ? [["h2", {}, "政策数字和出处"], topics(t.topics)] : []),
    foot(t.foot || {})];
}

// The sheet as DOM (a QR code given as SVG text from our own worker goes into the .qr box).
export function renderSheet(sheet, attrs = {}, qrSvg = "") {
  const node = fromTree(sheetTree(sheet, attrs));
  const box = node.querySelector("div.qr");
  if (box && qrSvg) box.innerHTML = qrSvg;  // segno's SVG of our own link: no user text in it
  return node;
}
