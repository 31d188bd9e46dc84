// 比一比: the same bill under another identity or another year's rules, side by side.
import { el, $, optId, optLabel, yuan } from "./calc-dom.js";
import { identities, identityLabel, payers } from "./calc-meta.js";

export function renderCompare(app) {
  const meta = app.meta;
  const ids = identities(meta);
  const cur = app.lastInput.identities?.[0];
  const box = el("section", { class: "calc-compare", id: "calc-compare", "aria-labelledby": "calc-compare-title" },
    el("h3", { id: "calc-compare-title", text: "比一比" }));
  const sel = el("select", { id: "calc-compare-identity" }, ids.map((i) => el("option", { value: optId(i), text: optLabel(i) })));
  sel.value = ids.some((i) => optId(i) === "dibao") && cur !== "dibao" ? "dibao" : optId(ids.find((i) => optId(i) !== cur) || ids[0]);
  const go = el("button", { type: "button", id: "calc-compare-identity-go", class: "calc-btn calc-btn-secondary", text: "如果我是这个身份" });
  go.addEventListener("click", () => compareWith(app, { ...app.lastInput, identities: [sel.value] }, `如果是${sel.selectedOptions[0].textContent}`));
  box.append(el("div", { class: "calc-field" }, el("label", { for: "calc-compare-identity", text: "换一个身份算" }), sel), go);
  const years = (meta.region.years || []).map(String).filter((y) => y !== String(app.lastInput.year));
  for (const y of years) {
    const b = el("button", { type: "button", class: "calc-btn calc-btn-secondary calc-compare-year", "data-year": y, text: `按 ${y} 年的规定比一比` });
    b.addEventListener("click", () => compareWith(app, { ...app.lastInput, year: Number(y) }, `${y} 年`));
    box.append(b);
  }
  box.append(el("div", { id: "calc-compare-out", role: "status" }));
  return box;
}

async function compareWith(app, other, label) {
  const outBox = $(app.root, "#calc-compare-out");
  outBox.dataset.state = "busy";
  outBox.replaceChildren(el("p", { text: "正在算…" }));
  let o;
  try { o = await app.call(other); } catch { o = { ok: false, errors: [{ message: "计算器出错了，请再试一次。" }] }; }
  if (!o || !o.ok) {
    outBox.replaceChildren(el("p", { class: "calc-general-error", text: (o?.errors || []).map((e) => e.message).join("；") || "无法对比" }));
    outBox.dataset.state = "error";
    return;
  }
  const a = app.lastResult;
  const keys = payers(app.meta).filter(([k]) => Number(a.year?.[k] || 0) !== 0 || Number(o.year?.[k] || 0) !== 0);
  keys.sort(([x], [y]) => (x === "resident" ? -1 : y === "resident" ? 1 : 0));  // the person's share first
  const held = (a.input?.identities || app.lastInput.identities || []).map((i) => identityLabel(app.meta, i)).filter(Boolean);
  const curLabel = `现在（${held.join("、") || a.identity?.label || ""}，${a.input?.year ?? app.lastInput.year} 年）`;
  const table = el("table", { class: "calc-compare-table" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "" }), el("th", { scope: "col", text: curLabel }), el("th", { scope: "col", text: label }))),
    el("tbody", {}, keys.map(([k, l]) =>
      el("tr", {}, el("th", { scope: "row", text: l }),
        el("td", { "data-amount": `year.${k}`, "data-label": curLabel, text: yuan(a.year?.[k]) }),
        el("td", { "data-amount": `compare.year.${k}`, "data-label": label, text: yuan(o.year?.[k]) }))),
      el("tr", {}, el("th", { scope: "row", text: "参保一年自己交" }),
        el("td", { "data-label": curLabel, text: yuan(a.premium?.resident_pays) }),
        el("td", { "data-amount": "compare.premium.resident_pays", "data-label": label, text: yuan(o.premium?.resident_pays) }))));
  outBox.replaceChildren(el("p", { class: "calc-note", text: "单位：元" }), table);
  outBox.dataset.state = "done";
}
