// 高级: the assumed figures this computation used (calc's `assumptions`: only those, each
// labelled for whom), editable; rates are typed as percentages ("75" → sent as "75%").
// The panel lives outside the answer, so a bad value gets calc's message next to it while the
// form and the previous answer stay; fixing it (or 恢复原来的数字) and 算一算 again works.
import { el, $, $$, glossFirst, text } from "./calc-dom.js";

const unitOf = (a) => a.unit || (/%$/.test(String(a.display ?? "")) ? "ratio" : /元/.test(String(a.display ?? "")) ? "yuan" : "");
// the value as a person types it: calc's `edit` (meta v2), else derived from value/display
function editOf(a) {
  if (a.edit !== undefined && a.edit !== null) return String(a.edit);
  if (unitOf(a) === "ratio") return String(a.display ?? "").replace(/%$/, "");
  return String(a.value ?? "");
}
const typedOf = (sent) => String(sent).replace(/%$/, "");

export function renderAdvanced(box, assumptions, overrides, { onApply, onReset, glossary }) {
  const list = Array.isArray(assumptions) ? assumptions.filter((a) => a && typeof a.param === "string") : [];
  const wasOpen = $(box, "#calc-advanced")?.open;
  const d = el("details", { class: "calc-advanced", id: "calc-advanced", open: wasOpen || null },
    el("summary", { text: `高级：改一改计算用的假设数字（${list.length} 项）` }),
    el("p", { class: "calc-note", text: "下面这些数，文件里没有写明，是我们按常见做法取的假设；只列出这次计算用到的。您知道当地实际的数，可以改了再算。" }));
  if (!list.length) d.append(el("p", { text: "这次计算没有用到假设的数。" }));
  list.forEach((a, i) => {
    const id = `calc-ov-${i}`;
    const unit = unitOf(a);
    const current = a.param in overrides ? typedOf(overrides[a.param]) : editOf(a);
    const inp = el("input", { type: "text", inputmode: "decimal", id, value: current, autocomplete: "off",
      "data-override": a.param, "data-field": `overrides.${a.param}`, "data-original": editOf(a), "data-unit": unit,
      "aria-describedby": `err-${id} ${id}-note` });
    const who = text(a.who) ? `（${a.who}）` : "";
    d.append(el("div", { class: "calc-field calc-ov" },
      el("label", { for: id, text: `${text(a.label) || a.param}${who}${a.param in overrides ? "：已修改" : ""}` }),
      el("p", { class: "calc-note", id: `${id}-note`, text: `原来取 ${text(a.display) || editOf(a)}${text(a.reason) ? `。${a.reason}` : ""}` }),
      el("div", { class: "calc-ov-row" }, inp, unit === "ratio" ? el("span", { class: "calc-unit", text: "%" }) : unit === "yuan" ? el("span", { class: "calc-unit", text: "元" }) : null),
      el("p", { class: "calc-field-error", id: `err-${id}`, hidden: true })));
  });
  if (list.length) {
    const apply = el("button", { type: "button", id: "calc-apply-overrides", class: "calc-btn calc-btn-primary", text: "按改过的数字重新算" });
    apply.addEventListener("click", () => onApply());
    d.append(apply);
  }
  if (Object.keys(overrides).length) {
    const reset = el("button", { type: "button", id: "calc-reset-overrides", class: "calc-btn calc-btn-secondary", text: "恢复原来的数字" });
    reset.addEventListener("click", () => onReset());
    d.append(reset);
  }
  glossFirst($$(d, ".calc-ov > label"), glossary);
  box.replaceChildren(d);
  return d;
}

// The overrides after the person's edits: a changed field is sent ("75" → "75%" for a rate);
// a field put back to its original value is dropped.
export function read(panel, overrides) {
  const next = { ...overrides };
  for (const inp of $$(panel, "[data-override]")) {
    const typed = inp.value.trim();
    if (typed === "" || typed === inp.dataset.original) delete next[inp.dataset.override];
    else next[inp.dataset.override] = inp.dataset.unit === "ratio" && !/%$/.test(typed) ? `${typed}%` : typed;
  }
  return next;
}
