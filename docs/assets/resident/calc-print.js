// Sharing and printing an answer. A share link (share.js) is made only when the person asks for
// one (分享) or prints; nothing is written into the address bar or history.
// Printing fits one A4 page: the inputs, the answer, the 算账单, the date, the region's document
// and the address that opens the same calculation.
import { el, $, optId, optLabel, text, yuan } from "./calc-dom.js";
import { PRIVACY_NOTE, shareText, shareUrl } from "./share.js";
import { choices, fieldsAt, identityLabel, payers, shownFor } from "./calc-meta.js";

const pageUrl = () => location.origin + location.pathname + location.search;
// What fits on one A4 page at 9 pt next to the answer, notes and the table: the 算账单 is printed
// when calc's step texts, notes and warnings together stay within this many characters;
// otherwise the paper says where to read the steps (the address printed at the bottom).
const PRINT_CHARS = 1500;

export function renderShare(app) {
  const box = el("section", { class: "calc-share", "aria-labelledby": "calc-share-title" },
    el("h3", { id: "calc-share-title", text: "分享和打印" }),
    el("p", { class: "calc-note", text: "分享的链接里只有您填的数字，打开就能看到同样的结果。本站不保存、不上传任何信息。" }),
    el("p", { class: "calc-note calc-share-privacy", id: "calc-share-privacy", text: PRIVACY_NOTE }));
  const make = el("button", { type: "button", id: "calc-share", class: "calc-btn calc-btn-secondary", text: "分享给家人（生成链接）" });
  const linkBox = el("div", { id: "calc-share-box", hidden: true });
  make.addEventListener("click", () => {
    const url = shareUrl(app.lastInput, pageUrl());
    const words = shareText(app.lastResult);  // publish: a readable line beside the link
    const message = words ? `${words}\n${url}` : url;
    const said = el("p", { id: "calc-share-text", class: "calc-share-text", text: words, hidden: !words });
    const input = el("input", { type: "text", id: "calc-share-url", readonly: true, value: url, "aria-label": "分享链接" });
    const copy = el("button", { type: "button", id: "calc-copy", class: "calc-btn calc-btn-secondary", text: "复制链接" });
    const status = el("p", { id: "calc-copy-status", role: "status", class: "calc-note" });
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(message); status.textContent = "链接已复制，可以粘贴到微信发给家人。"; }
      catch { input.focus(); input.select(); status.textContent = "请长按选中的链接，选择“复制”。"; }
    });
    const kids = [said, input, copy];
    if (typeof navigator.share === "function") {
      const send = el("button", { type: "button", id: "calc-share-native", class: "calc-btn calc-btn-secondary", text: "用手机分享" });
      send.addEventListener("click", () => navigator.share({ title: document.title, text: words || undefined, url }).catch(() => {}));
      kids.push(send);
    }
    linkBox.replaceChildren(...kids, status);
    linkBox.hidden = false;
    input.focus();
    input.select();
  });
  const print = el("button", { type: "button", id: "calc-print", class: "calc-btn calc-btn-secondary", text: "打印 / 存为 PDF" });
  print.addEventListener("click", () => window.print());
  box.append(make, linkBox, print);
  return box;
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

// What was entered, in words; shown only on paper (the form itself is not printed).
function inputsInWords(app, out) {
  const n = out.input || app.lastInput;
  const lab = (key, v) => optLabel(choices(app.meta, key).find((o) => optId(o) === String(v)) ?? String(v ?? ""));
  const held = (Array.isArray(n.identities) ? n.identities : []).map((i) => identityLabel(app.meta, i)).filter(Boolean);
  const who = held.length ? held.join("、") : text(out.identity?.label) || "普通参保人员";
  const items = [`身份：${who}${n.year ? `；按 ${n.year} 年的规定` : ""}`];
  const hospital = (lv) => { const t = lab("levels", lv); return t.endsWith("医院") ? t : `${t}医院`; };
  // each declared field with a print label, in calc's order (calc/fields.py)
  const said = (f, v, i) => {
    if (f.kind === "level") return hospital(v);
    if (f.kind === "place") return lab("places", v);
    if (f.kind === "flag") return `${f.print_label}：${v === true ? "是" : "否"}`;
    if (f.key === "out_of_policy" && n.stays?.[i]?.out_of_policy_assumed) return `${f.print_label} ${yuan(out.stays?.[i]?.out_of_policy)} 元（没填，按一般情况估）`;
    return `${f.print_label} ${yuan(v)} 元`;
  };
  const stayFields = fieldsAt(app.meta, "stay").filter((f) => f.print_label);
  (n.stays || []).forEach((s, i) => {
    const parts = stayFields.filter((f) => shownFor(app.meta, f, i) && s[f.key] !== undefined).map((f) => said(f, s[f.key], i));
    items.push(`第 ${i + 1} 次住院：${parts.join("，")}`);
  });
  const o = n.outpatient || {};
  const opd = fieldsAt(app.meta, "outpatient").filter((f) => f.print_label);
  if (opd.some((f) => Number(o[f.key]))) items.push(opd.map((f) => `${f.print_label} ${yuan(o[f.key] || "0")} 元`).join("，"));
  return el("ul", { class: "calc-print-inputs" }, items.map((t) => el("li", { text: t })));
}

// Who paid what for each stay, 门诊 and the year: the 明白账 as a table (paper only).
function ledger(app, out) {
  const cols = payers(app.meta).filter(([k]) => [...(out.stays || []), out.outpatient || {}, out.year || {}]
    .some((r) => r[k] != null && Number(r[k]) !== 0));
  const rows = (out.stays || []).map((s, i) => [`第 ${i + 1} 次住院`, s]);
  if (Number(out.outpatient?.total)) rows.push(["门诊", out.outpatient]);
  rows.push(["全年", out.year || {}]);
  return el("table", { class: "calc-ledger" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "（元）" }), el("th", { scope: "col", text: "总费用" }),
      cols.map(([, l]) => el("th", { scope: "col", text: l })))),
    el("tbody", {}, rows.map(([name, r]) => el("tr", {}, el("th", { scope: "row", text: name }), el("td", { text: yuan(r.total) }),
      cols.map(([k]) => el("td", { text: r[k] == null ? "—" : yuan(r[k]) }))))));
}

function traceFits(out) {
  const len = (xs, k) => (Array.isArray(xs) ? xs : []).reduce((n, x) => n + text(x?.[k]).length, 0);
  return len(out.trace, "text") + len(out.notes, "text") + len(out.warnings, "message") <= PRINT_CHARS;
}

// Called on beforeprint/afterprint (boot wires them once).
export function preparePrint(app, on) {
  const head = $(app.root, "#calc-print-head");
  const foot = $(app.root, "#calc-print-foot");
  const t = $(app.root, "#calc-trace");
  if (!on) {
    document.body.classList.remove("calc-printing", "calc-print-short");
    if (t && app.traceWasOpen !== undefined) t.open = app.traceWasOpen;
    app.traceWasOpen = undefined;
    return;
  }
  if (app.result.dataset.state !== "done" || !app.lastResult) return;
  const out = app.lastResult;
  document.body.classList.add("calc-printing");
  if (t) { app.traceWasOpen = t.open; t.open = true; }
  const r = out.region || app.meta.region;
  head.replaceChildren(
    el("p", { class: "calc-print-title", text: `${text(r.name) || app.meta.region.name}医保明白账 · 依据 ${text(r.document) || app.meta.region.document} · 打印日期 ${today()} · 估算结果，以医保经办机构结算为准` }),
    inputsInWords(app, out));
  const fits = traceFits(out);
  document.body.classList.toggle("calc-print-short", !fits);
  const steps = Array.isArray(out.trace) ? out.trace.length : 0;
  // replaceChildren would print a null as the word "null": only elements go in
  foot.replaceChildren(...[
    ledger(app, out),
    fits ? null : el("p", { class: "calc-print-note", text: `每一步是怎么算的（共 ${steps} 步）纸上放不下，请用手机打开下面的地址查看“算账单”。` }),
    el("p", { class: "calc-print-url" }, "用手机打开这个地址，可以看到同样的计算：", el("span", { text: shareUrl(app.lastInput, pageUrl()) })),
  ].filter(Boolean));
}
