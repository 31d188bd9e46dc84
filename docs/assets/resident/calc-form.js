// The calculator form: who you are and what the hospital bill is at the top; everything else
// (year, hospital, 目录外, more stays, 门诊) folded under 更多情况. Built at once from the page's
// embedded meta, so it is usable before Python has loaded. Amounts are sent as typed ("3万");
// calc parses them and the form echoes what calc understood ("按 30,000 元计算").
import { el, $, $$, asList, glossFirst, optId, optLabel, scalar, text, yuanShort } from "./calc-dom.js";
import { identities, choices, feature, fieldsAt, flagValue, shownFor, stayLimit, yearNote } from "./calc-meta.js";

const MAX_LINK_STAYS = 200;  // a (tampered) link never builds more fields than this
const AMOUNT_HINT = "例如 3万";  // short: whole even with the text doubled at 360 px
const FIRST_LABEL = "1. 这一次住院总共花了多少钱？（元）";
const STAY0_LEGEND = "第1次住院（上面填的那一次）的详细情况";
const PLAIN = "putong";      // 普通参保人员: "none of the identities above"

export class CalcForm {
  constructor(root, meta, { onSubmit, getOverrides, onIdentities } = {}) {
    this.onIdentities = onIdentities;  // ticks changed (the answer on screen is recomputed quietly)
    this.root = root;
    this.meta = meta;
    this.region = meta.region;
    this.form = $(root, "#calc-form");
    this.onSubmit = onSubmit;
    this.getOverrides = getOverrides || (() => ({}));
    this.sentMap = [];  // index in the input sent to calc -> index of the stay in the form
    this.stayFields = fieldsAt(meta, "stay");
    this.opdFields = fieldsAt(meta, "outpatient");
    this.maxStays = stayLimit(meta);  // the "add another stay" button stops here
  }

  // ---- building ------------------------------------------------------------------------
  build() {
    const f = this.form;
    const r = this.region;
    f.replaceChildren();
    f.noValidate = true;
    f.append(el("div", { id: "calc-general-error", class: "calc-general-error", role: "alert", tabindex: "-1", hidden: true }));

    f.append(this.money("calc-stay0-total", FIRST_LABEL, "stays[0].total", "",
      "看出院结算单上的“总费用”，只填这一次住院的。"));
    f.append(this.identityChoices());
    f.append(this.more());
    this.showTierNote();
    f.append(el("button", { type: "submit", id: "calc-submit", class: "calc-btn calc-btn-primary", text: "算一算" }));
    f.append(el("p", { class: "calc-note calc-privacy", text: "计算在您的手机上完成，填的内容不会上传。" }));
    f.append(el("div", { id: "calc-wait", class: "calc-wait", role: "status", hidden: true },
      el("p", { id: "calc-wait-text" }), el("progress", { id: "calc-progress", "aria-labelledby": "calc-wait-text" })));
    if (!this.bound) {
      f.addEventListener("submit", (e) => { e.preventDefault(); this.onSubmit?.(); });
      this.bound = true;
    }
    this.glossWords();
    this.root.dataset.form = "ready";
  }

  // Official words explained where they first appear in the form (not in the identity choices,
  // which carry their own plain gloss).
  glossWords() {
    for (const d of $$(this.form, ".calc-define")) d.remove();
    const nodes = $$(this.form, "label, legend, .calc-note").filter((n) => !n.closest(".calc-identities") && !n.closest(".calc-help"));
    glossFirst(nodes, this.meta.glossary);
  }

  more() {
    const r = this.region;
    const kids = [];
    const years = (r.years || []).map(String);
    const ys = el("select", { id: "calc-year", name: "year" }, years.map((y) => el("option", { value: y, text: `${y} 年` })));
    ys.value = String(r.default_year ?? years[years.length - 1]);
    ys.addEventListener("change", () => { this.showYearNote(); this.showTierNote(); });
    kids.push(this.field("calc-year", "按哪一年的规定算", ys, "year", "默认是文件规定的最新一年。"));
    const schemes = asList(r.schemes).length ? asList(r.schemes) : [];
    if (schemes.length > 1) {
      const labels = Object.fromEntries(asList(this.meta.vocab?.schemes).map((s) => [optId(s), optLabel(s)]));
      const ss = el("select", { id: "calc-scheme", name: "scheme" },
        schemes.map((s) => el("option", { value: optId(s), text: labels[optId(s)] ?? optLabel(s) })));
      const wage = this.money("calc-wage", "月工资（元，职工医保才填）", "wage", "");
      ss.addEventListener("change", () => { wage.hidden = ss.value !== "employee"; });
      wage.hidden = true;
      kids.push(this.field("calc-scheme", "参加的是哪种医保", ss, "scheme"), wage);
    }
    if (r.tier) {
      const tiers = asList(r.tiers).length ? asList(r.tiers) : asList(this.meta.vocab?.tiers);
      const ts = el("select", { id: "calc-tier", name: "tier" }, tiers.map((t) => el("option", { value: optId(t), text: optLabel(t) })));
      kids.push(this.field("calc-tier", "缴费档次（一档、二档）", ts, "tier", " "));
    }
    if (feature(this.meta, "newborn")) {
      kids.push(this.check("calc-newborn", "是出生当年参保的新生儿", "newborn", false));
    }
    this.stay0 = el("fieldset", { class: "calc-stay", "data-stay": "0" }, el("legend", { text: STAY0_LEGEND }),
      this.stayDetails(0, {}));
    this.extraStays = el("div", { id: "calc-stays" });
    const add = el("button", { type: "button", id: "calc-add-stay", class: "calc-btn calc-btn-secondary", text: "＋ 再加一次住院（住了几次，就一次一次加）" });
    add.addEventListener("click", () => {
      this.addStay({});
      $(this.extraStays.lastElementChild, "input")?.focus();
    });
    const opd = el("fieldset", { class: "calc-stay calc-opd" }, el("legend", { text: "门诊慢特病和特殊药品（全年，没有就空着）" }),
      el("p", { class: "calc-note", text: "只看门诊、没有住院的，上面的住院总费用空着就行。" }),
      this.opdFields.filter((fd) => shownFor(this.meta, fd, 0))
        .map((fd) => this.money(`calc-${fd.form}`, text(fd.label), fd.path, "", text(fd.note) || undefined)));
    const again = el("button", { type: "submit", id: "calc-submit-more", class: "calc-btn calc-btn-primary", text: "按这些情况算一算" });
    return el("details", { class: "calc-more", id: "calc-more" },
      el("summary", { text: "更多情况（可不填）：医院、目录外费用、门诊等" }),
      kids, this.stay0, this.extraStays, add, opd, again);
  }

  field(id, label, control, fieldName, note, after) {
    const errId = `err-${id}`;
    control.setAttribute("data-field", fieldName);
    control.setAttribute("aria-describedby", [errId, note ? `${id}-note` : null, `${id}-echo`].filter(Boolean).join(" "));
    return el("div", { class: "calc-field" }, el("label", { for: id, text: label }),
      note ? el("p", { class: "calc-note", id: `${id}-note`, text: note }) : null,
      control, after || null,
      el("p", { class: "calc-echo", id: `${id}-echo`, hidden: true }),
      el("p", { class: "calc-field-error", id: errId, hidden: true }));
  }

  money(id, label, fieldName, value, note) {
    // no inputmode: the phone's own keyboard lets people type "3万" as well as digits
    const input = el("input", { type: "text", id, name: id, autocomplete: "off", value, placeholder: AMOUNT_HINT });
    return this.field(id, label, input, fieldName, note);
  }

  select(id, label, fieldName, options, value) {
    const s = el("select", { id, name: id }, options.map((o) => el("option", { value: optId(o), text: optLabel(o) })));
    if (value !== undefined && options.some((o) => optId(o) === String(value))) s.value = String(value);
    return this.field(id, label, s, fieldName);
  }

  check(id, label, fieldName, checked, note) {
    return el("div", { class: "calc-field calc-check" },
      el("label", { class: "calc-checkbox" },
        el("input", { type: "checkbox", id, "data-field": fieldName, checked: checked || null,
          "aria-describedby": [`err-${id}`, note ? `${id}-note` : null].filter(Boolean).join(" ") }),
        el("span", { text: label })),
      note ? el("p", { class: "calc-note", id: `${id}-note`, text: note }) : null,
      el("p", { class: "calc-field-error", id: `err-${id}`, hidden: true }));
  }

  // One stay's controls, in calc's declared order, by the field's kind (calc/fields.py). The
  // first stay's total is the page's first question (build()), not repeated here.
  stayDetails(i, stay) {
    const p = `calc-stay${i}`;
    const out = [];
    for (const fd of this.stayFields) {
      if (!shownFor(this.meta, fd, i) || (fd.key === "total" && i === 0)) continue;
      const id = `${p}-${fd.form}`, name = `stays[${i}].${fd.key}`, label = text(fd.label).replace("{n}", String(i + 1));
      const note = text(fd.note) || undefined, v = stay[fd.key];
      if (fd.kind === "amount") out.push(this.money(id, label, name, scalar(v), note));
      else if (fd.kind === "level" || fd.kind === "place") out.push(this.select(id, label, name, choices(this.meta, `${fd.kind}s`), v ?? fd.default));
      else if (fd.kind === "flag") out.push(this.check(id, label, name, flagValue(fd, v), note));
      else throw new Error(`calc declares a stay field "${fd.key}" of kind "${fd.kind}" that the form cannot show`);
    }
    return out;
  }

  addStay(stay = {}, force = false) {
    const i = this.extraStays.children.length + 1;
    if (i >= this.maxStays && !force) return;
    const box = el("fieldset", { class: "calc-stay calc-stay-card", "data-stay": i }, el("legend", { text: `第${i + 1}次住院` }),
      this.stayDetails(i, stay));
    const rm = el("button", { type: "button", class: "calc-btn calc-btn-secondary calc-remove-stay", text: `删去第${i + 1}次住院` });
    rm.addEventListener("click", () => { box.remove(); this.renumber(); $(this.root, "#calc-add-stay")?.focus(); });
    box.append(rm);
    this.extraStays.append(box);
    this.labelFirstStay();
    $(this.root, "#calc-add-stay")?.toggleAttribute("disabled", this.extraStays.children.length + 1 >= this.maxStays);
  }

  // With more than one stay, the first box says it is the first one.
  labelFirstStay() {
    const lab = this.form.querySelector('label[for="calc-stay0-total"]');
    if (lab) lab.textContent = this.extraStays?.children.length ? "1. 第1次住院总共花了多少钱？（元）" : FIRST_LABEL;
  }

  renumber() {
    const vals = this.readStays().slice(1);
    this.extraStays.replaceChildren();
    vals.forEach((s) => this.addStay(s, true));
    this.labelFirstStay();
    $(this.root, "#calc-add-stay")?.toggleAttribute("disabled", this.extraStays.children.length + 1 >= this.maxStays);
  }

  // Who you are: every identity the region's document names, in its words with a plain gloss.
  // A person may hold several (calc uses the most favourable one for each payer, never two).
  // 普通参保人员 means "none of these": ticking it clears the others, and the other way round.
  identityChoices() {
    const group = el("fieldset", { id: "calc-identity", class: "calc-field calc-identities", "data-field": "identities",
      "aria-describedby": "err-calc-identity calc-identity-note" },
    el("legend", { text: "2. 您是哪一类人？（符合的都勾上）" }),
    el("p", { class: "calc-note", id: "calc-identity-note", text: "有几种身份就勾几个，每一项报销按对您最有利的一种算。都不是就勾“普通参保人员”。" }));
    for (const i of identities(this.meta)) {
      const id = optId(i);
      const box = el("input", { type: "checkbox", id: `calc-id-${id}`, name: "identity", value: id, checked: id === PLAIN || null });
      box.addEventListener("change", () => { this.exclusive(id, box.checked); this.onIdentities?.(); });
      group.append(el("label", { class: "calc-checkbox calc-choice", for: box.id }, box,
        el("span", { class: "calc-choice-text" }, el("span", { class: "calc-choice-label", text: optLabel(i) }),
          text(i.plain) ? el("span", { class: "calc-gloss", text: i.plain }) : null,
          // what the clause gives this identity where it gives only part (meta identities[].note)
          text(i.note) ? el("span", { class: "calc-gloss calc-id-note", text: i.note }) : null)));
    }
    group.append(el("p", { class: "calc-field-error", id: "err-calc-identity", hidden: true }),
      el("details", { class: "calc-help" }, el("summary", { text: "不知道自己是哪一类？" }),
        el("p", { text: "可以问村（社区）干部、乡镇（街道）民政办或医保窗口；低保证、特困供养证上也写着。确实不清楚就勾“普通参保人员”，算出的是最保守的数。" })));
    return group;
  }

  identityBoxes() {
    return $$(this.form, 'input[name="identity"]');
  }

  exclusive(id, checked) {
    if (!checked) return;
    for (const b of this.identityBoxes()) {
      if (b.value !== id && (id === PLAIN || b.value === PLAIN)) b.checked = false;
    }
  }

  heldIdentities() {
    return this.identityBoxes().filter((b) => b.checked).map((b) => b.value);
  }

  setIdentities(list) {
    const want = new Set((Array.isArray(list) ? list : []).map(String));
    const boxes = this.identityBoxes();
    if (!boxes.some((b) => want.has(b.value))) want.add(PLAIN);
    for (const b of boxes) b.checked = want.has(b.value);
  }

  // 重庆 一档/二档: what they are and what each costs that year (sitegen computes it with calc).
  showTierNote() {
    const n = $(this.form, "#calc-tier-note");
    if (!n) return;
    const notes = this.region.tier_notes || {};
    const t = notes[String($(this.form, "#calc-year")?.value)];
    n.textContent = typeof t === "string" ? t : "";
    n.hidden = !n.textContent;
  }

  showYearNote() {
    const note = document.getElementById("calc-year-notice");
    if (!note) return;
    const year = $(this.form, "#calc-year")?.value;
    const t = yearNote(this.meta, year);
    const body = document.getElementById("calc-year-notice-text");
    const title = document.getElementById("calc-year-notice-title");
    if (body && title) {  // one folded line: the title names the year, the note is one tap away
      body.textContent = t;
      for (const d of note.querySelectorAll(".calc-define")) d.remove();
      glossFirst([body], this.meta.glossary);  // 全国参考数, 行动计划: explained where first shown
      title.textContent = (title.dataset.title || "{year}").replace("{year}", String(year));  // sitegen's YEAR_NOTE_TITLE
    } else note.textContent = t;
    note.hidden = !t;
  }

  // ---- reading and filling ---------------------------------------------------------------
  readStays() {
    const n = 1 + this.extraStays.children.length;
    return Array.from({ length: n }, (_, i) => {
      const s = {};
      for (const fd of this.stayFields) {
        const c = document.getElementById(`calc-stay${i}-${fd.form}`);
        if (c) s[fd.key] = fd.kind === "flag" ? c.checked : c.value;
      }
      return s;
    });
  }

  // The estimate input. A stay with no amount typed is left out when something else is there
  // (an outpatient-only year); with nothing at all, the first stay goes to calc, which says
  // what is missing next to the bill field.
  read() {
    const f = this.form;
    const stays = this.readStays();
    const outpatient = {};
    for (const fd of this.opdFields) {
      const c = $(f, `#calc-${fd.form}`);
      if (c) outpatient[fd.key] = c.value;
    }
    const amounts = this.stayFields.filter((fd) => fd.kind === "amount").map((fd) => fd.key);
    const typed = (s) => amounts.some((k) => String(s[k] ?? "").trim());
    let send = stays.map((s, i) => [s, i]).filter(([s]) => typed(s));
    const hasOpd = Object.values(outpatient).some((x) => x.trim());
    if (!send.length && !hasOpd) send = [[stays[0], 0]];
    this.sentMap = send.map(([, i]) => i);
    const input = {
      region: this.region.id,
      year: Number($(f, "#calc-year").value),
      identities: this.heldIdentities(),
      stays: send.map(([s]) => s),
      outpatient,
    };
    if ($(f, "#calc-scheme")) input.scheme = $(f, "#calc-scheme").value;
    if (input.scheme === "employee") input.wage = $(f, "#calc-wage").value;
    if ($(f, "#calc-newborn")?.checked) input.newborn = true;
    if ($(f, "#calc-tier")) input.tier = Number($(f, "#calc-tier").value);
    const ov = this.getOverrides();
    if (ov && Object.keys(ov).length) input.overrides = { ...ov };
    return input;
  }

  // Put a (possibly shared, possibly hostile) input back into the form. Unknown values are
  // left for calc to reject with its Chinese message.
  fill(input) {
    const f = this.form;
    const setSel = (s, v) => { if (s && v !== undefined && v !== null && [...s.options].some((o) => o.value === String(v))) s.value = String(v); };
    setSel($(f, "#calc-year"), input.year);
    this.setIdentities(input.identities);
    setSel($(f, "#calc-scheme"), input.scheme);
    setSel($(f, "#calc-tier"), input.tier);
    if ($(f, "#calc-newborn")) $(f, "#calc-newborn").checked = input.newborn === true;
    if ($(f, "#calc-scheme")) {
      $(f, "#calc-wage").value = scalar(input.wage);
      $(f, "#calc-wage").closest(".calc-field").hidden = $(f, "#calc-scheme").value !== "employee";
    }
    const stays = Array.isArray(input.stays) ? input.stays.slice(0, MAX_LINK_STAYS).map((s) => (s && typeof s === "object" ? s : {})) : [];
    const first = stays[0] || {};
    this.stay0.replaceChildren(el("legend", { text: STAY0_LEGEND }), ...this.stayDetails(0, first));
    $(f, "#calc-stay0-total").value = scalar(first.total);
    this.extraStays.replaceChildren();
    for (const s of stays.slice(1)) this.addStay(s, true);  // a link may carry more stays than the button allows
    this.labelFirstStay();
    this.glossWords();
    const o = input.outpatient && typeof input.outpatient === "object" ? input.outpatient : {};
    for (const fd of this.opdFields) {
      const c = $(f, `#calc-${fd.form}`);
      if (c) c.value = scalar(o[fd.key]);
    }
    const more = $(f, "#calc-more");
    const differs = (fd, v) => v !== undefined && v !== null && v !== "" && String(v) !== String(fd.default);
    const detailed = stays.length > 1 || this.opdFields.some((fd) => scalar(o[fd.key]))
      || this.stayFields.some((fd) => fd.key !== "total" && fd.kind !== "flag" && differs(fd, first[fd.key]));
    if (more && detailed) more.open = true;
    this.showYearNote();
    this.showTierNote();
  }

  // ---- echo and errors -----------------------------------------------------------------
  // Under each amount: what calc understood, from its normalised input (and, for a 目录外 left
  // empty, the amount calc assumed for that stay).
  echo(norm, stays = []) {
    for (const e of $$(this.root, ".calc-echo")) { e.hidden = true; e.textContent = ""; }
    if (!norm) return;
    const put = (id, t) => { const e = document.getElementById(`${id}-echo`); if (e && t) { e.textContent = t; e.hidden = false; } };
    const typed = (id) => String(document.getElementById(id)?.value ?? "").trim() !== "";
    (Array.isArray(norm.stays) ? norm.stays : []).forEach((s, j) => {
      const i = this.sentMap[j] ?? j;
      const p = `calc-stay${i}`;
      if (s.total != null) put(`${p}-total`, `按 ${yuanShort(s.total)} 元计算`);
      if (s.out_of_policy_assumed === true) {
        const assumed = Array.isArray(stays) ? stays[j]?.out_of_policy : null;
        put(`${p}-oop`, assumed ? `没填：按一般情况估为 ${yuanShort(assumed)} 元（见结果里的说明）` : "没填：按一般情况估算（见结果里的说明）");
      }
      else if (typed(`${p}-oop`)) put(`${p}-oop`, `按 ${yuanShort(s.out_of_policy)} 元计算`);
      for (const fd of this.stayFields) {
        if (fd.kind !== "amount" || fd.key === "total" || fd.key === "out_of_policy") continue;
        if (typed(`${p}-${fd.form}`)) put(`${p}-${fd.form}`, `按 ${yuanShort(s[fd.key])} 元计算`);
      }
    });
    const o = norm.outpatient || {};
    for (const fd of this.opdFields) {
      if (typed(`calc-${fd.form}`)) put(`calc-${fd.form}`, `按 ${yuanShort(o[fd.key])} 元计算`);
    }
    if (typed("calc-wage") && norm.wage) put("calc-wage", `按 ${yuanShort(norm.wage)} 元计算`);
  }

  clearErrors() {
    for (const e of $$(this.root, ".calc-field-error")) { e.hidden = true; e.textContent = ""; }
    for (const e of $$(this.root, "[aria-invalid]")) e.removeAttribute("aria-invalid");
    const g = $(this.root, "#calc-general-error");
    g.hidden = true; g.replaceChildren();
  }

  // calc's field name -> the control in the page (stays are renumbered by sentMap)
  control(field) {
    const m = /^stays\[(\d+)\](.*)$/.exec(field);
    if (m) field = `stays[${this.sentMap[Number(m[1])] ?? m[1]}]${m[2]}`;
    let ctl = this.root.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (!ctl && field.startsWith("overrides.")) ctl = this.root.querySelector(`[data-override="${CSS.escape(field.slice(10))}"]`);
    if (!ctl && m && !m[2]) ctl = this.root.querySelector(`[data-field="stays[${this.sentMap[Number(m[1])] ?? m[1]}].total"]`);
    return ctl;
  }

  // Messages next to their fields; the rest in the general box. -> {first, general}
  showErrors(errors, { prefix } = {}) {
    const general = [];
    let first = null;
    for (const err of errors) {
      const msg = typeof err?.message === "string" && err.message ? err.message : "输入有误，请检查。";
      const ctl = this.control(String(err?.field ?? ""));
      const errEl = ctl && document.getElementById(ctl.getAttribute("aria-describedby")?.split(" ")[0] || `err-${ctl.id}`);
      if (ctl && errEl) {
        ctl.setAttribute("aria-invalid", "true");
        errEl.textContent = errEl.textContent ? `${errEl.textContent}；${msg}` : msg;
        errEl.hidden = false;
        const closed = ctl.closest("details:not([open])");
        if (closed) closed.open = true;  // a field in 更多情况 / 高级: unfold it to show the message
        if (first == null) first = ctl;
      } else general.push(msg);
    }
    const g = $(this.root, "#calc-general-error");
    if (general.length) {
      g.replaceChildren(...(prefix ? [el("p", { text: prefix })] : []), ...general.map((m) => el("p", { text: m })));
      g.hidden = false;
    }
    return { first, general, box: g };
  }
}
