// Sharing and printing an answer. A share link (share.js) is made only when the person asks for
// one (分享) or prints; nothing is written into the address bar or history.
// Printing fits one A4 page: the inputs, the answer, the 算账单, the date, the region's document
// and the address that opens the same calculation.
import { el, $, yuan, text } from "./calc-dom.js";
import { shareUrl } from "./share.js";
import { choices, identityLabel } from "./calc-meta.js";
import { optId, optLabel } from "./calc-dom.js";

const pageUrl = () => location.origin + location.pathname + location.search;

export function renderShare(app) {
  const box = el("section", { class: "calc-share", "aria-labelledby": "calc-share-title" },
    el("h3", { id: "calc-share-title", text: "分享和打印" }),
    el("p", { class: "calc-note", text: "分享的链接里只有您填的数字，打开就能看到同样的结果。本站不保存、不上传任何信息。" }));
  const make = el("button", { type: "button", id: "calc-share", class: "calc-btn calc-btn-secondary", text: "分享给家人（生成链接）" });
  const linkBox = el("div", { id: "calc-share-box", hidden: true });
  make.addEventListener("click", () => {
    const url = shareUrl(app.lastInput, pageUrl());
    const input = el("input", { type: "text", id: "calc-share-url", readonly: true, value: url, "aria-label": "分享链接" });
    const copy = el("button", { type: "button", id: "calc-copy", class: "calc-btn calc-btn-secondary", text: "复制链接" });
    const status = el("p", { id: "calc-copy-status", role: "status", class: "calc-note" });
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(url); status.textContent = "链接已复制，可以粘贴到微信发给家人。"; }
      catch { input.focus(); input.select(); status.textContent = "请长按选中的链接，选择“复制”。"; }
    });
    const kids = [input, copy];
    if (typeof navigator.share === "function") {
      const send = el("button", { type: "button", id: "calc-share-native", class: "calc-btn calc-btn-secondary", text: "用手机分享" });
      send.addEventListener("click", () => navigator.share({ title: document.title, url }).catch(() => {}));
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
  const items = [`身份：${out.identity?.label || identityLabel(app.meta, n.identities?.[0]) || ""}；按 ${n.year ?? ""} 年的规定`];
  (n.stays || []).forEach((s, i) => items.push(`第 ${i + 1} 次住院：总费用 ${yuan(s.total)} 元，目录外 ${yuan(s.out_of_policy)} 元${s.out_of_policy_assumed ? "（没填，按一般情况估）" : ""}，`
    + `${lab("levels", s.level)}医院，${lab("places", s.place)}${s.referral === false ? "，未转诊" : ""}`));
  const o = n.outpatient || {};
  if (Number(o.chronic) || Number(o.special_drugs)) items.push(`门诊慢特病 ${yuan(o.chronic || "0")} 元，特殊药品 ${yuan(o.special_drugs || "0")} 元`);
  return el("ul", { class: "calc-print-inputs" }, items.map((t) => el("li", { text: t })));
}

// Called on beforeprint/afterprint (boot wires them once).
export function preparePrint(app, on) {
  const head = $(app.root, "#calc-print-head");
  const foot = $(app.root, "#calc-print-foot");
  const t = $(app.root, "#calc-trace");
  if (!on) {
    document.body.classList.remove("calc-printing");
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
  foot.replaceChildren(
    el("p", { class: "calc-print-url" }, "用手机打开这个地址，可以看到同样的计算：", el("span", { text: shareUrl(app.lastInput, pageUrl()) })));
}
