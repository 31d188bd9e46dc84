// Sharing and printing an answer. A share link (share.js) is made only when the person asks for
// one (分享) or prints; nothing is written into the address bar or history.
// Printing fits one A4 page: the inputs, the answer, the 算账单, the date, the region's document
// and a QR code that opens the same calculation.
import { el, $, optId, optLabel, text, yuan } from "./calc-dom.js";
import { PRIVACY_NOTE, shareText, shareUrl } from "./share.js";
import { choices, identityLabel, payers } from "./calc-meta.js";

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
  print.addEventListener("click", async () => {
    // the QR code to this calculation first (a few seconds at most), so the paper carries it
    print.disabled = true;
    await Promise.race([makeQr(app, shareUrl(app.lastInput, pageUrl())), new Promise((r) => setTimeout(r, QR_WAIT_MS))]);
    print.disabled = false;
    window.print();
  });
  box.append(make, linkBox, print);
  return box;
}

// The printed answer's QR code to the same calculation: segno in the worker (sitegen/qr.py as
// `staff_qr`, the link builder's code path; its wheels listed in the page's #calc-qr), made when the
// person taps 打印. Printing from the browser's own menu before that (or without the engine) puts the
// region page's own QR code on the paper instead. Never a long address to type.
const QR_WAIT_MS = 5000;
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
    if (res && res.ok && typeof res.svg === "string") qrMade.set(url, res.svg);
  } catch { qrWheels = null; }  // a restarted worker has lost the wheels: load them again next time
  return qrMade.get(url) || "";
}

function qrBox(app, url) {
  const svg = qrMade.get(url);
  const node = svg ? new DOMParser().parseFromString(svg, "image/svg+xml").documentElement : null;
  if (node && node.nodeName === "svg") {
    return el("div", { class: "calc-print-qr" },
      el("div", { class: "calc-qr", role: "img", "aria-label": "二维码：打开同样的计算", "data-text": url }, document.importNode(node, true)),
      el("p", { text: "用手机扫这个二维码，可以看到同样的计算（已经填好）。" }));
  }
  return el("div", { class: "calc-print-qr" },
    el("img", { class: "calc-qr", src: "qr/region.png", alt: "二维码：打开本页的计算器", width: "120", height: "120" }),
    el("p", { text: "用手机扫这个二维码，打开本页的计算器，再填一次身份和住院花费就能算出来。" }));
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
  (n.stays || []).forEach((s, i) => {
    const oop = s.out_of_policy_assumed ? `${yuan(out.stays?.[i]?.out_of_policy)} 元（没填，按一般情况估）` : `${yuan(s.out_of_policy)} 元`;
    items.push(`第 ${i + 1} 次住院：总费用 ${yuan(s.total)} 元，目录外 ${oop}，${hospital(s.level)}，${lab("places", s.place)}`);
  });
  const o = n.outpatient || {};
  if (Number(o.chronic) || Number(o.special_drugs)) items.push(`门诊慢特病 ${yuan(o.chronic || "0")} 元，特殊药品 ${yuan(o.special_drugs || "0")} 元`);
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
    fits ? null : el("p", { class: "calc-print-note", text: `每一步是怎么算的（共 ${steps} 步）纸上放不下，请用手机扫下面的二维码查看“算账单”。` }),
    qrBox(app, shareUrl(app.lastInput, pageUrl())),
  ].filter(Boolean));
}
