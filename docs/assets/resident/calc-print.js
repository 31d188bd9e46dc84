// Sharing and printing an answer. A share link (share.js) is made only when the person asks for
// one (分享) or prints; nothing is written into the address bar or history.
// The printed answer is a 明白纸 laid out by the site's one 明白纸 layout (../shared/mingbai.js, as
// the print pages and the roster's sheets): the inputs, who paid what, the caveats (year note,
// assumed figures, estimated 目录外 amounts), the 算账单 when it fits, how to get the money, the
// date, the region's document and the address that opens the same calculation. One A4 page.
import { el, $, optId, optLabel, text, yuan } from "./calc-dom.js";
import { renderSheet } from "../shared/mingbai.js";
import { PRIVACY_NOTE, shareText, shareUrl } from "./share.js";
import { choices, fieldsAt, identityLabel, payers, shownFor } from "./calc-meta.js";
import { yearPast } from "./calc-result.js";

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
  const print = el("button", { type: "button", id: "calc-print", class: "calc-btn calc-btn-secondary", text: PRINT_LABEL });
  print.addEventListener("click", async () => {
    // the QR code to this calculation first (a few seconds at most), so the paper carries it
    print.disabled = true;
    print.textContent = "正在准备二维码…";
    await Promise.race([makeQr(app, shareUrl(app.lastInput, pageUrl())), new Promise((r) => setTimeout(r, QR_WAIT_MS))]);
    print.disabled = false;
    print.textContent = PRINT_LABEL;
    window.print();
  });
  box.append(make, linkBox, print);
  return box;
}

// The printed answer's QR code to the same calculation: segno in the worker (sitegen/qr.py as
// `staff_qr`, the link builder's code path; its wheels listed in the page's #calc-qr), made when the
// person taps 打印. Printing from the browser's own menu before that (or without the engine) puts the
// region page's own QR code on the paper instead. Never a long address to type.
const QR_WAIT_MS = 15000;  // a slow phone loads segno (77 KB) once; the paper then says where to scan
const PRINT_LABEL = "打印 / 存为 PDF";
const qrMade = new Map();  // share URL -> SVG text
let qrWheels = null;

function qrData() {
  try {
    const d = JSON.parse(document.getElementById("calc-qr")?.textContent || "null");
    return d && Array.isArray(d.wheels) && typeof d.module === "string" ? d : null;
  } catch { return null; }
}

export async function makeQr(app, url) {
  const d = qrData();
  if (qrMade.has(url) || !d || !app.client) return qrMade.get(url) || "";
  try {
    qrWheels = qrWheels || (async () => {
      for (const w of d.wheels) {
        const r = await app.client.wheel(new URL(w.path, location.href).href, w.sha256, w.bytes);
        if (!r || !r.ok) throw new Error("qr");
      }
    })();
    await qrWheels;
    const res = await app.client.call(d.module, "call", JSON.stringify({ text: url }));
    if (res && res.ok && typeof res.svg === "string" && res.svg.startsWith("<svg")) qrMade.set(url, res.svg);
  } catch { qrWheels = null; }  // a restarted worker has lost the wheels: load them again next time
  return qrMade.get(url) || "";
}

// The sheet's foot: the QR code to this calculation when made, else the region page's own.
function qrFoot(url) {
  if (qrMade.has(url)) {
    return { qr: { alt: "二维码：打开同样的计算" }, scan: "扫码看同样的计算：", text: "用手机扫左边的二维码，打开的计算器已经填好、算好。", url: "" };
  }
  return { qr: { src: "qr/region.png", alt: "二维码：打开本页的计算器" }, scan: "扫码算一算：",
    text: "用手机扫左边的二维码打开计算器，再填一次身份和住院花费就能算出来。网址：", url: pageUrl() };
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
    if (f.key === "out_of_policy" && n.stays?.[i]?.out_of_policy_assumed) return `${f.print_label} ${yuan(out.stays?.[i]?.out_of_policy)} 元（估算，见下）`;
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
  return items;
}

// Who paid what for each stay, 门诊 and the year: the 明白账 as the sheet's table.
function ledger(app, out) {
  const cols = payers(app.meta).filter(([k]) => [...(out.stays || []), out.outpatient || {}, out.year || {}]
    .some((r) => r[k] != null && Number(r[k]) !== 0));
  const rows = (out.stays || []).map((s, i) => [`第 ${i + 1} 次住院`, s]);
  if (Number(out.outpatient?.total)) rows.push(["门诊", out.outpatient]);
  rows.push(["全年", out.year || {}]);
  const you = cols.findIndex(([k]) => k === "resident");
  return {
    caption: null, suffix: "", head: ["（元）", "总费用", ...cols.map(([, l]) => l)], you: you < 0 ? -1 : you + 2,
    rows: rows.map(([name, r], i) => ({ label: name, cells: [r.total, ...cols.map(([k]) => r[k])], total: i === rows.length - 1 })),
  };
}

function traceFits(out) {
  const len = (xs, k) => (Array.isArray(xs) ? xs : []).reduce((n, x) => n + text(x?.[k]).length, 0);
  return len(out.trace, "text") + len(out.notes, "text") + len(out.warnings, "message") <= PRINT_CHARS;
}

// Every assumed figure (an amount or a rate) the answer's sums used, once: calc's `figures`.
function assumedFigures(out) {
  const seen = new Set();
  const items = [];
  for (const [path, f] of Object.entries(out.figures || {})) {
    if (f?.provenance !== "assumption" || !text(f.display) || !/^-?\d+(\.\d+)?$/.test(String(f.value ?? ""))) continue;
    const key = `${f.label}\u0000${f.display}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ path, label: text(f.label) || path, shown: f.display });
  }
  return items;
}

function oopNote(out) {
  const est = (out.input?.stays || []).map((s, i) => (s.out_of_policy_assumed && out.stays?.[i]
    ? `第${i + 1}次住院 ${yuan(out.stays[i].out_of_policy)} 元` : null)).filter(Boolean);
  return est.length ? `目录外费用（医保目录以外、自己全付的部分）没有填，按一般情况估算：${est.join("，")}。知道的话请填出院结算单上的金额。` : null;
}

// The answer as 明白纸 data (mingbai.js), from calc's output only.
export function answerSheet(app, out) {
  const r = out.region || app.meta.region;
  const name = text(r.name) || app.meta.region.name;
  const fits = traceFits(out);
  const steps = Array.isArray(out.trace) ? out.trace : [];
  const notes = (Array.isArray(out.notes) ? out.notes : []).filter((n) => !["assumption", "old_document"].includes(n?.kind)).map((n) => text(n.text));
  const office = app.meta.office || {};
  return {
    title: `${name}医保明白账`,
    lead: `依据 ${text(r.document) || app.meta.region.document}${out.input?.year ? `（${out.input.year}年度）` : ""} · 打印日期 ${today()} · 估算结果，`,
    // "still computing with last year's figures" (the page's line) first, then the year's own note
    year_note: [yearPast(out, app.meta), text(r.year_note)].filter(Boolean).join(" ") || null,
    inputs: inputsInWords(app, out),
    pay: ledger(app, out),
    lines: [`您自己大约要付 ${yuan(out.year?.resident)} 元`, text(out.summary), text(out.year_sum),
      ...(Array.isArray(out.warnings) ? out.warnings.map((w) => text(w?.message)) : []), ...notes].filter(Boolean),
    oop: oopNote(out),
    assumed: assumedFigures(out),
    trace: fits ? { title: "算账单：每一步怎么算", steps: steps.map((s) => text(s?.text)) }
      : { title: "算账单", steps: [], more: `每一步是怎么算的（共 ${steps.length} 步）纸上放不下，请用手机扫下面的二维码查看“算账单”。` },
    steps: Array.isArray(app.meta.how_to_get) ? app.meta.how_to_get.filter((t) => text(t)) : [],
    office,
    topics: null,
    foot: {
      ...qrFoot(shareUrl(app.lastInput, pageUrl())),
      date: [`打印日期 ${today()}`, office.figures_date ? `数字核对日期 ${office.figures_date}` : "", office.name, office.hotline ? `电话 ${office.hotline}` : ""].filter(Boolean).join(" · "),
    },
  };
}

// Called on beforeprint/afterprint (boot wires them once).
export function preparePrint(app, on) {
  const box = $(app.root, "#calc-print-sheet");
  if (!on) {
    document.body.classList.remove("calc-printing");
    return;
  }
  if (app.result.dataset.state !== "done" || !app.lastResult || !box) return;
  document.body.classList.add("calc-printing");
  const url = shareUrl(app.lastInput, pageUrl());
  const sheet = renderSheet(answerSheet(app, app.lastResult), { class: "mingbai mb-answer" }, qrMade.get(url) || "");
  const qr = sheet.querySelector("div.qr");
  if (qr) qr.dataset.text = url;  // what the code says (tests decode the same)
  box.replaceChildren(sheet);
}
