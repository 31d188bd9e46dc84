// 医保明白账 calculator UI (ES module, loaded on every page; does nothing without #calculator).
// Every amount shown comes from calc (Pyodide worker via calc-client.js). Data is only ever put
// into the page with textContent / DOM properties — never innerHTML — so a tampered share link
// cannot inject markup or script.

import { offerRetry, onEngineFatal } from "./calc-retry.js";  // delivery (issue 13)
import { SHARE_KEY, encodeShare, decodeShare, shareUrl, shareCodeFromHash } from "./share.js";

// ---- small DOM helpers ----------------------------------------------------------------------
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, String(v));
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
  return e;
}
const $ = (root, sel) => root.querySelector(sel);
const asList = (x) => (Array.isArray(x) ? x : x && typeof x === "object" ? Object.entries(x).map(([id, v]) => (v && typeof v === "object" ? { id, ...v } : { id, label: String(v) })) : []);
const optId = (o) => String(typeof o === "object" ? o.id ?? o.value : o);
const optLabel = (o) => String(typeof o === "object" ? o.label ?? o.name ?? o.id : o);
// amounts from calc are strings "12345.67"; show with thousands separators, never NaN.
function yuan(s) {
  if (s === null || s === undefined || s === "") return "—";
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(s));
  if (!m) return String(s);
  return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "");
}

const scalar = (v) => (typeof v === "string" || typeof v === "number" ? String(v) : "");

const PAYERS = [
  ["basic", "基本医保"], ["critical", "大病保险"], ["assistance", "医疗救助"], ["tilt", "倾斜救助"],
  ["other", "医院减免/特惠保"], ["hospital_bears", "医院承担"], ["resident", "您自付"],
];
const MAX_STAYS = 12;        // the "add another stay" button stops here
const MAX_LINK_STAYS = 200;  // a (tampered) link never builds more fields than this
const FIELD_WORDS = { total: "总费用", out_of_policy: "目录外费用" };

// ---- the calculator ------------------------------------------------------------------------
class Calculator {
  constructor(root, client, meta) {
    this.root = root;
    this.client = client;
    this.meta = meta;
    this.regionId = root.dataset.region;
    this.region = asList(meta.regions).find((r) => optId(r) === this.regionId) || null;
    this.form = $(root, "#calc-form");
    this.result = $(root, "#calc-result");
    this.overrides = {};
    this.lastInput = null;
    this.seq = 0;
  }

  yearsOffered() { return (this.region?.years || []).map(String); }

  build() {
    const r = this.region;
    const f = this.form;
    f.replaceChildren();
    f.noValidate = true;
    f.append(el("div", { id: "calc-general-error", class: "calc-general-error", role: "alert", hidden: true }));

    // step 1: year
    const years = this.yearsOffered();
    const ys = el("select", { id: "calc-year", name: "year", "data-field": "year" },
      years.map((y) => el("option", { value: y, text: `${y} 年` })));
    ys.value = String(r.default_year ?? years[years.length - 1]);
    f.append(this.step("1", "哪一年住院", this.field("calc-year", "年份", ys, "year")));

    // step 2: identity with plain gloss and 不确定 help
    const ids = asList(r.identities);
    const group = el("fieldset", { class: "calc-identities", "data-field": "identities", id: "calc-identities", "aria-describedby": "err-identities" },
      el("legend", { text: "您的身份（选最符合的一项）" }),
      ids.map((i) => el("label", { class: "calc-radio" },
        el("input", { type: "radio", name: "identity", value: optId(i), checked: optId(i) === "putong" || null }),
        el("span", { class: "calc-radio-text" }, el("strong", { text: optLabel(i) }),
          i.plain ? el("span", { class: "calc-gloss", text: i.plain }) : null))),
      el("details", { class: "calc-help" }, el("summary", { text: "不确定自己是哪一类？" }),
        el("p", { text: "可以问村（社区）干部、乡镇（街道）民政办或医保经办窗口；低保证、特困供养证上也写着。确实不清楚就选“普通参保人员”，算出的是最保守的数。" })),
      el("p", { class: "calc-field-error", id: "err-identities", hidden: true }));
    if (!$(group, "input:checked") && $(group, "input")) $(group, "input").checked = true;
    const schemes = asList(r.schemes);
    const step2 = [group];
    if (schemes.length > 1) {
      const words = { resident: "城乡居民医保", employee: "职工医保" };  // wording only, no policy figures
      const ss = el("select", { id: "calc-scheme", name: "scheme" }, schemes.map((s) => el("option", { value: optId(s), text: words[optId(s)] ?? optLabel(s) })));
      step2.push(this.field("calc-scheme", "参保类型", ss, "scheme"));
    }
    if (r.tier) {
      const tiers = asList(r.tiers).length ? asList(r.tiers) : [{ id: "1", label: "一档" }, { id: "2", label: "二档" }];
      const ts = el("select", { id: "calc-tier", name: "tier" }, tiers.map((t) => el("option", { value: optId(t), text: optLabel(t) })));
      step2.push(this.field("calc-tier", "缴费档次（一档/二档）", ts, "tier"));
    }
    f.append(this.step("2", "您是谁", ...step2));

    // step 3: hospital stays
    this.staysBox = el("div", { id: "calc-stays" });
    const add = el("button", { type: "button", id: "calc-add-stay", class: "calc-btn calc-btn-secondary", text: "＋ 再加一次住院" });
    add.addEventListener("click", () => { this.addStay(); this.staysBox.lastElementChild.querySelector("input")?.focus(); });
    f.append(this.step("3", "住院花费", this.staysBox, add));
    this.addStay();

    // step 4: outpatient (whole-year)
    f.append(this.step("4", "门诊慢特病和特殊药品（全年，没有就空着）",
      this.money("calc-chronic", "门诊慢特病费用（元）", "outpatient.chronic", ""),
      this.money("calc-drugs", "特殊药品费用（元）", "outpatient.special_drugs", "")));

    f.append(el("button", { type: "submit", id: "calc-submit", class: "calc-btn calc-btn-primary", text: "算一算" }));
    if (!this.bound) {
      f.addEventListener("submit", (e) => { e.preventDefault(); this.run(this.readForm()); });
      this.bound = true;
    }
    f.hidden = false;
  }

  step(n, title, ...kids) {
    return el("fieldset", { class: "calc-step" }, el("legend", {}, el("span", { class: "calc-step-n", text: n }), title), kids);
  }

  field(id, label, control, fieldName, note) {
    const errId = `err-${id}`;
    control.setAttribute("data-field", fieldName);
    control.setAttribute("aria-describedby", errId + (note ? ` ${id}-note` : ""));
    return el("div", { class: "calc-field" }, el("label", { for: id, text: label }),
      note ? el("p", { class: "calc-note", id: `${id}-note`, text: note }) : null,
      control, el("p", { class: "calc-field-error", id: errId, hidden: true }));
  }

  money(id, label, fieldName, value, note) {
    const input = el("input", { type: "text", inputmode: "decimal", id, name: id, autocomplete: "off", value, placeholder: "例如 12000" });
    return this.field(id, label, input, fieldName, note);
  }

  select(id, label, fieldName, options, value) {
    const s = el("select", { id, name: id }, options.map((o) => el("option", { value: optId(o), text: optLabel(o) })));
    if (value !== undefined) s.value = String(value);
    return this.field(id, label, s, fieldName);
  }

  addStay(stay = {}, force = false) {
    const i = this.staysBox.children.length;
    if (i >= MAX_STAYS && !force) return;
    const p = `calc-stay${i}`;
    const r = this.region;
    const levels = asList(r.levels).length ? r.levels : ["1", "2", "3"];
    const places = asList(r.places);
    const box = el("fieldset", { class: "calc-stay", "data-stay": i },
      el("legend", { text: `第 ${i + 1} 次住院` }),
      this.money(`${p}-total`, "住院总费用（元）", `stays[${i}].total`, scalar(stay.total)),
      this.money(`${p}-oop`, "其中目录外（自费）费用（元，可不填）", `stays[${i}].out_of_policy`, scalar(stay.out_of_policy),
        "看出院结算单上的“全自费”或“目录外”一栏；不知道就空着。"),
      this.select(`${p}-level`, "医院等级", `stays[${i}].level`, asList(levels).length ? asList(levels) : levels, stay.level ?? "2"),
      this.select(`${p}-place`, "医院在哪里", `stays[${i}].place`, places, stay.place ?? "county"),
      el("div", { class: "calc-field calc-check" },
        el("label", { class: "calc-checkbox" },
          el("input", { type: "checkbox", id: `${p}-referral`, "data-field": `stays[${i}].referral`, checked: stay.referral !== false || null,
            "aria-describedby": `err-${p}-referral` }),
          el("span", { text: "办了转诊手续（县内住院或按规定转诊）" })),
        el("p", { class: "calc-field-error", id: `err-${p}-referral`, hidden: true })));
    if (i > 0) {
      const rm = el("button", { type: "button", class: "calc-btn calc-btn-link", text: `删去第 ${i + 1} 次住院` });
      rm.addEventListener("click", () => { box.remove(); this.renumber(); });
      box.append(rm);
    }
    this.staysBox.append(box);
    $(this.root, "#calc-add-stay")?.toggleAttribute("disabled", this.staysBox.children.length >= MAX_STAYS);
  }

  renumber() {
    // keep the form simple: rebuild stays from current values
    const vals = this.readStays();
    this.staysBox.replaceChildren();
    vals.forEach((s) => this.addStay(s));
  }

  readStays() {
    return [...this.staysBox.children].map((b) => {
      const i = b.dataset.stay;
      const p = `#calc-stay${i}`;
      return {
        total: $(b, `${p}-total`).value, out_of_policy: $(b, `${p}-oop`).value,
        level: $(b, `${p}-level`).value, place: $(b, `${p}-place`).value, referral: $(b, `${p}-referral`).checked,
      };
    });
  }

  readForm() {
    const f = this.form;
    const input = {
      region: this.regionId,
      year: Number($(f, "#calc-year").value),
      identities: [$(f, 'input[name="identity"]:checked')?.value || "putong"],
      stays: this.readStays(),
      outpatient: { chronic: $(f, "#calc-chronic").value, special_drugs: $(f, "#calc-drugs").value },
    };
    if ($(f, "#calc-scheme")) input.scheme = $(f, "#calc-scheme").value;
    if ($(f, "#calc-tier")) input.tier = Number($(f, "#calc-tier").value);
    if (Object.keys(this.overrides).length) input.overrides = { ...this.overrides };
    return input;
  }

  // put a (possibly shared, possibly hostile) input back into the form; unknown values are left
  // for calc to reject with its Chinese message.
  fillForm(input) {
    const f = this.form;
    const setSel = (s, v) => { if (s && v !== undefined && [...s.options].some((o) => o.value === String(v))) s.value = String(v); };
    setSel($(f, "#calc-year"), input.year);
    const idv = Array.isArray(input.identities) ? String(input.identities[0]) : null;
    for (const r of f.querySelectorAll('input[name="identity"]')) if (r.value === idv) r.checked = true;
    setSel($(f, "#calc-scheme"), input.scheme);
    setSel($(f, "#calc-tier"), input.tier);
    this.staysBox.replaceChildren();
    // a link may carry more stays than the button allows; show them all (bounded) and let calc judge
    const stays = Array.isArray(input.stays) && input.stays.length ? input.stays.slice(0, MAX_LINK_STAYS) : [{}];
    for (const s of stays) this.addStay(s && typeof s === "object" ? s : {}, true);
    const o = input.outpatient && typeof input.outpatient === "object" ? input.outpatient : {};
    $(f, "#calc-chronic").value = scalar(o.chronic);
    $(f, "#calc-drugs").value = scalar(o.special_drugs);
    this.overrides = input.overrides && typeof input.overrides === "object" && !Array.isArray(input.overrides) ? { ...input.overrides } : {};
  }

  clearErrors() {
    for (const e of this.root.querySelectorAll(".calc-field-error")) { e.hidden = true; e.textContent = ""; }
    for (const e of this.root.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    const g = $(this.root, "#calc-general-error");
    g.hidden = true; g.replaceChildren();
  }

  showGeneral(messages) {
    const g = $(this.root, "#calc-general-error");
    g.replaceChildren(...messages.map((m) => el("p", { text: m })));
    g.hidden = false;
  }

  showErrors(errors) {
    const general = [];
    let first = null;
    for (const err of errors) {
      const msg = typeof err?.message === "string" && err.message ? err.message : "输入有误，请检查。";
      const field = String(err?.field ?? "");
      let ctl = this.root.querySelector(`[data-field="${CSS.escape(field)}"]`);
      if (!ctl && field.startsWith("overrides.")) ctl = this.root.querySelector(`[data-override="${CSS.escape(field.slice(10))}"]`);
      const errEl = ctl && document.getElementById(ctl.getAttribute("aria-describedby")?.split(" ")[0] || `err-${ctl.id}`);
      if (ctl && errEl) {
        // aria-invalid belongs on form controls, not on a fieldset group
        for (const c of ctl.matches("fieldset") ? ctl.querySelectorAll("input") : [ctl]) c.setAttribute("aria-invalid", "true");
        errEl.textContent = msg; errEl.hidden = false;
        first ??= ctl;
      } else general.push(msg);
    }
    if (general.length) this.showGeneral(general);
    this.result.replaceChildren();  // never leave a stale result next to an error
    this.result.hidden = true;
    this.result.dataset.state = "error";
    this.result.setAttribute("aria-busy", "false");
    (first && general.length === 0 ? first : $(this.root, "#calc-general-error"))?.focus?.();
  }

  async call(input) {
    let out = await this.client.estimate(input);
    if (typeof out === "string") out = JSON.parse(out);
    return out;
  }

  async run(input, { fromLink = false } = {}) {
    const my = ++this.seq;
    this.clearErrors();
    this.result.dataset.state = "busy";
    this.result.setAttribute("aria-busy", "true");
    let out;
    try { out = await this.call(input); } catch (e) {
      out = { ok: false, errors: [{ field: "json", message: "计算器出错了，请刷新页面再试。" }] };
    }
    if (my !== this.seq) return;
    if (!out || out.ok !== true) {
      this.showErrors(Array.isArray(out?.errors) && out.errors.length ? out.errors : [{ field: "json", message: "输入有误，请检查。" }]);
      if (fromLink) $(this.root, "#calc-general-error").prepend(el("p", { text: "分享链接里的内容有问题：" }));
      return;
    }
    this.lastInput = input;
    this.lastResult = out;
    this.showNormalised(out.input);
    this.render(out);
    if (!fromLink || location.hash !== `#${SHARE_KEY}=${encodeShare(input)}`) {
      history.replaceState(null, "", `#${SHARE_KEY}=${encodeShare(input)}`);
    }
    this.result.dataset.state = "done";
    this.result.setAttribute("aria-busy", "false");
  }

  // write calc's normalised amounts back so the person sees how "１２,０００元" was read.
  showNormalised(n) {
    if (!n || !Array.isArray(n.stays)) return;
    n.stays.forEach((s, i) => {
      const t = document.getElementById(`calc-stay${i}-total`); if (t && s.total != null) t.value = s.total;
      const o = document.getElementById(`calc-stay${i}-oop`); if (o && s.out_of_policy != null && (o.value !== "" || s.out_of_policy !== "0.00")) o.value = s.out_of_policy;
    });
    const c = document.getElementById("calc-chronic"), d = document.getElementById("calc-drugs");
    if (n.outpatient) {
      if (c && c.value !== "" && n.outpatient.chronic != null) c.value = n.outpatient.chronic;
      if (d && d.value !== "" && n.outpatient.special_drugs != null) d.value = n.outpatient.special_drugs;
    }
  }

  render(out) {
    const res = this.result;
    const y = out.year || {};
    res.replaceChildren();
    res.hidden = false;
    const idLabel = out.identity?.label ? `（按“${out.identity.label}”计算）` : "";
    res.append(el("h3", { class: "calc-big", id: "calc-big", tabindex: "-1" }, "您大约需要自付 ",
      el("strong", { class: "calc-amount", "data-amount": "year.resident", text: yuan(y.resident) }), " 元"));
    res.append(el("p", { class: "calc-sub", text: `全年总花费 ${yuan(y.total)} 元${idLabel}` }));
    if (out.identity?.reason) res.append(el("p", { class: "calc-sub", text: out.identity.reason }));
    res.append(this.printInputs(out));
    res.append(this.bar(y));
    for (const w of out.warnings || []) res.append(el("p", { class: "calc-warning", role: "note", text: `注意：${w.message}` }));
    res.append(this.premium(out.premium));
    res.append(this.trace(out));
    res.append(this.assumptions(out.assumptions || []));
    res.append(this.compare());
    res.append(this.share());
    $(res, "#calc-big").focus({ preventScroll: false });
  }

  // one compact list of what was entered; shown only in print (the form itself is hidden there)
  printInputs(out) {
    const n = out.input || this.lastInput;
    const label = (sel, v) => [...(document.getElementById(sel)?.options || [])].find((o) => o.value === String(v))?.textContent ?? String(v ?? "");
    const items = [`${out.region?.name || this.region.name || ""} ${n.year ?? ""} 年${out.region?.document ? `（${out.region.document}）` : ""}`,
      `身份：${out.identity?.label || ""}`];
    (n.stays || []).forEach((s, i) => items.push(`第 ${i + 1} 次住院：总费用 ${yuan(s.total)} 元，目录外 ${yuan(s.out_of_policy || "0")} 元，` +
      `${label(`calc-stay0-level`, s.level)}医院，${label(`calc-stay0-place`, s.place)}，${s.referral === false ? "未转诊" : "已转诊"}`));
    const o = n.outpatient || {};
    if (Number(o.chronic) || Number(o.special_drugs)) items.push(`门诊慢特病 ${yuan(o.chronic || "0")} 元，特殊药品 ${yuan(o.special_drugs || "0")} 元`);
    const ov = Object.entries(n.overrides || {});
    if (ov.length) items.push(`已修改的假设：${ov.map(([k, v]) => `${k} = ${v}`).join("，")}`);
    return el("ul", { class: "calc-print-inputs" }, items.map((t) => el("li", { text: t })));
  }

  bar(y) {
    const total = Number(y.total) || 0;
    const rows = PAYERS.filter(([k]) => y[k] != null && Number(y[k]) !== 0);
    const bar = el("div", { class: "calc-bar", "aria-hidden": "true" });
    const list = el("dl", { class: "calc-bar-legend" });
    for (const [k, label] of rows) {
      const seg = el("span", { class: `calc-seg calc-seg-${k}` });
      seg.style.width = total > 0 ? `${Math.max(0, (Number(y[k]) / total) * 100).toFixed(2)}%` : "0";
      bar.append(seg);
      list.append(el("div", { class: "calc-legend-row" },
        el("dt", {}, el("span", { class: `calc-swatch calc-seg-${k}` }), label),
        el("dd", { "data-amount": `year.${k}`, text: `${yuan(y[k])} 元` })));
    }
    return el("section", { class: "calc-who", "aria-label": "谁付了多少" }, el("h4", { text: "谁付了多少" }), bar, list);
  }

  premium(p) {
    if (!p) return el("span");
    return el("section", { class: "calc-premium" }, el("h4", { text: "今年参保要交多少钱" }),
      el("p", {}, "个人缴费 ", el("strong", { "data-amount": "premium.resident_pays", text: yuan(p.resident_pays) }), " 元",
        `（标准 ${yuan(p.contribution)} 元，资助 ${yuan(p.subsidy)} 元）`),
      p.note ? el("p", { class: "calc-note", text: p.note }) : null);
  }

  trace(out) {
    const ol = el("ol", { class: "calc-trace-list" });
    for (const s of out.trace || []) {
      const li = el("li", { class: `calc-trace-step calc-tier-${s.tier || ""}` }, el("span", { text: s.text || "" }));
      const assumed = (s.figures || []).filter((g) => g.provenance === "assumption");
      if (assumed.length) li.append(el("span", { class: "calc-assumed", text: ` （假设：${assumed.map((g) => `${g.label} ${g.display}`).join("，")}）` }));
      if (s.anchor && /^[a-z0-9-]+$/.test(s.anchor)) {
        li.append(" ", el("a", { href: `#${s.anchor}`, class: "calc-cite", text: s.cite ? `依据：${s.cite}` : "依据" }));
      }
      ol.append(li);
    }
    return el("details", { class: "calc-trace", id: "calc-trace" }, el("summary", { text: "算账单：一步一步怎么算的" }), ol);
  }

  assumptions(list) {
    const box = el("details", { class: "calc-advanced", id: "calc-advanced" }, el("summary", { text: "高级：修改本地参数（假设）" }),
      el("p", { class: "calc-note", text: "下面这些数字文件里没写明，是我们按当地公开做法取的假设。如果您知道当地实际的数，可以改了重新算。" }));
    if (!list.length) box.append(el("p", { text: "这次计算没有用到假设。" }));
    list.forEach((a, i) => {
      const id = `calc-ov-${i}`;
      const inp = el("input", { type: "text", inputmode: "decimal", id, value: a.value ?? "", "data-override": a.param, "data-field": `overrides.${a.param}`, autocomplete: "off" });
      box.append(el("div", { class: "calc-field" },
        el("label", { for: id, text: `${a.label}（假设${a.overridden ? "，已修改" : ""}）` }),
        a.reason ? el("p", { class: "calc-note", id: `${id}-note`, text: a.reason }) : null,
        inp, el("p", { class: "calc-field-error", id: `err-${id}`, hidden: true })));
      inp.setAttribute("aria-describedby", `err-${id}` + (a.reason ? ` ${id}-note` : ""));
    });
    if (list.length) {
      const btn = el("button", { type: "button", id: "calc-apply-overrides", class: "calc-btn calc-btn-secondary", text: "按修改后的参数重新算" });
      btn.addEventListener("click", () => {
        for (const inp of box.querySelectorAll("[data-override]")) {
          const orig = list.find((a) => a.param === inp.dataset.override);
          if (orig && inp.value.trim() !== String(orig.value) ) this.overrides[inp.dataset.override] = inp.value;
        }
        const input = this.readForm();
        this.run(input).then(() => { const d = $(this.root, "#calc-advanced"); if (d) d.open = true; });
      });
      box.append(btn);
    }
    return box;
  }

  compare() {
    const r = this.region;
    const box = el("section", { class: "calc-compare", id: "calc-compare" }, el("h4", { text: "比一比" }));
    const ids = asList(r.identities);
    const cur = this.lastInput.identities?.[0];
    const sel = el("select", { id: "calc-compare-identity" }, ids.map((i) => el("option", { value: optId(i), text: optLabel(i) })));
    sel.value = ids.some((i) => optId(i) === "dibao") && cur !== "dibao" ? "dibao" : optId(ids.find((i) => optId(i) !== cur) || ids[0]);
    const go = el("button", { type: "button", id: "calc-compare-identity-go", class: "calc-btn calc-btn-secondary", text: "如果我是这个身份" });
    go.addEventListener("click", () => this.compareWith({ ...this.lastInput, identities: [sel.value] }, `身份：${sel.selectedOptions[0].textContent}`));
    box.append(el("div", { class: "calc-field" }, el("label", { for: "calc-compare-identity", text: "换一个身份算" }), sel), go);
    const years = this.yearsOffered().filter((y) => y !== String(this.lastInput.year));
    for (const y of years) {
      const b = el("button", { type: "button", class: "calc-btn calc-btn-secondary calc-compare-year", "data-year": y, text: `对比 ${y} 年的规定` });
      b.addEventListener("click", () => this.compareWith({ ...this.lastInput, year: Number(y) }, `${y} 年`));
      box.append(b);
    }
    box.append(el("div", { id: "calc-compare-out", "aria-live": "polite" }));
    return box;
  }

  async compareWith(other, label) {
    const outBox = $(this.root, "#calc-compare-out");
    outBox.dataset.state = "busy";
    let o;
    try { o = await this.call(other); } catch { o = { ok: false, errors: [{ message: "计算器出错了" }] }; }
    if (!o.ok) {
      outBox.replaceChildren(el("p", { class: "calc-general-error", text: (o.errors || []).map((e) => e.message).join("；") || "无法对比" }));
      outBox.dataset.state = "error";
      return;
    }
    const a = this.lastResult;
    const rows = [["resident", "您自付"], ["basic", "基本医保"], ["critical", "大病保险"], ["assistance", "医疗救助"], ["tilt", "倾斜救助"], ["hospital_bears", "医院承担"]];
    const curLabel = `现在（${a.identity?.label || ""}，${a.input?.year ?? this.lastInput.year} 年）`;
    const table = el("table", { class: "calc-compare-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "" }), el("th", { scope: "col", text: curLabel }), el("th", { scope: "col", text: label }))),
      el("tbody", {}, rows.filter(([k]) => a.year?.[k] != null || o.year?.[k] != null).map(([k, l]) =>
        el("tr", {}, el("th", { scope: "row", text: l }),
          el("td", { "data-amount": `year.${k}`, text: `${yuan(a.year?.[k])} 元` }),
          el("td", { "data-amount": `compare.year.${k}`, text: `${yuan(o.year?.[k])} 元` }))),
        el("tr", {}, el("th", { scope: "row", text: "参保个人缴费" }),
          el("td", { text: `${yuan(a.premium?.resident_pays)} 元` }),
          el("td", { "data-amount": "compare.premium.resident_pays", text: `${yuan(o.premium?.resident_pays)} 元` }))));
    outBox.replaceChildren(table);
    outBox.dataset.state = "done";
  }

  share() {
    const url = shareUrl(this.lastInput);
    const text = el("input", { type: "text", id: "calc-share-url", readonly: true, value: url, "aria-label": "分享链接" });
    const copy = el("button", { type: "button", id: "calc-copy", class: "calc-btn calc-btn-secondary", text: "复制链接" });
    const status = el("p", { id: "calc-copy-status", role: "status", class: "calc-note" });
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(text.value); status.textContent = "链接已复制，可以发给家人。"; }
      catch { text.focus(); text.select(); status.textContent = "请长按选中的链接，选择“复制”。"; }
    });
    const print = el("button", { type: "button", id: "calc-print", class: "calc-btn calc-btn-secondary", text: "打印 / 存为 PDF" });
    print.addEventListener("click", () => window.print());  // beforeprint adds the print-only class
    return el("section", { class: "calc-share" }, el("h4", { text: "分享和打印" }),
      el("p", { class: "calc-note", text: "链接里只保存您填的数字，打开就能看到同样的结果，不会上传到任何地方。" }), text, copy, print, status);
  }

  fromHash() {
    const code = shareCodeFromHash();
    if (code === null) return false;
    if (code === "") {  // `#calc=` = a fresh, empty form (used to reset without reloading)
      this.overrides = {};
      this.build();
      this.result.replaceChildren(); this.result.hidden = true; this.result.dataset.state = "empty";
      return true;
    }
    const d = decodeShare(code);
    if (!d.ok) { this.clearErrors(); this.showErrors([{ field: "json", message: d.message }]); return true; }
    const input = d.input;
    if (input.region !== undefined && input.region !== this.regionId) {
      const known = asList(this.meta.regions).find((r) => optId(r) === String(input.region));
      this.clearErrors();
      this.showErrors([{ field: "json", message: known ? `这个链接是${optLabel({ label: known.name ?? known.id })}的计算，请到该地区的页面打开。` : "分享链接里的地区不认识，请在本页重新填写。" }]);
      return true;
    }
    this.fillForm(input);
    this.run({ ...input, region: this.regionId }, { fromLink: true });
    return true;
  }
}

// ---- boot ---------------------------------------------------------------------------------
async function boot() {
  const root = document.getElementById("calculator");
  if (!root) return;
  const status = $(root, "#calc-status");
  const bar = $(root, "#calc-progress");
  const setFailed = (why) => {
    root.dataset.ready = "false";
    root.dataset.failed = "true";
    if (status) status.hidden = true;
    const fail = $(root, "#calc-failed");
    if (fail) {
      fail.hidden = false;
      const d = $(fail, "#calc-failed-why"); if (d && why) d.textContent = why;
    }
  };
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    setFailed("这个浏览器不支持在手机上运行计算器（缺少 WebAssembly）。");
    return;
  }
  let client, meta;
  try {
    const { startCalc } = await import("./calc-client.js");
    client = await startCalc({
      onProgress: (p) => {
        const pct = Number(p?.percent);
        if (bar && Number.isFinite(pct)) bar.value = Math.max(0, Math.min(100, pct));
        const t = $(root, "#calc-status-text");
        if (t && Number.isFinite(pct)) t.textContent = `正在加载计算器…${Math.round(pct)}%`;
      },
    });
    meta = await client.meta();
    if (typeof meta === "string") meta = JSON.parse(meta);
  } catch (e) {
    setFailed(typeof e?.message === "string" && /[\u4e00-\u9fff]/.test(e.message) ? e.message : "计算器没能加载（可能网络断了，或浏览器太旧）。");
    offerRetry(root, () => { if (status) status.hidden = false; boot(); });  // delivery (issue 13): 重试
    return;
  }
  const calc = new Calculator(root, client, meta);
  if (!calc.region) { setFailed("计算器没有这个地区的数据。"); return; }
  calc.build();
  if (status) status.hidden = true;
  onEngineFatal(function fatal(err) {  // delivery (issue 13): the engine died for good after its start
    setFailed(err?.message);
    offerRetry(root, (ready) => ready.then(() => { if (status) status.hidden = true; root.dataset.ready = "true"; }, fatal));
  });
  window.addEventListener("hashchange", () => calc.fromHash());
  // Printing after a result: print only the calculator (inputs, result, trace) on one A4 page.
  // The trace is printed expanded: a closed <details> hides its content whatever the CSS says.
  let traceWasOpen = null;
  window.addEventListener("beforeprint", () => {
    if (calc.result.dataset.state !== "done") return;
    document.body.classList.add("calc-printing");
    const t = $(root, "#calc-trace");
    if (t) { traceWasOpen = t.open; t.open = true; }
  });
  window.addEventListener("afterprint", () => {
    document.body.classList.remove("calc-printing");
    const t = $(root, "#calc-trace");
    if (t && traceWasOpen !== null) t.open = traceWasOpen;
    traceWasOpen = null;
  });
  root.dataset.ready = "true";
  calc.fromHash();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
