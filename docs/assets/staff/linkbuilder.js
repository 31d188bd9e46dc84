// Link builder (staff page /staff/link/, sitegen/staff.py): region, year, identity, stays and
// outpatient costs -> a calculator share link (share.js, the one encoder), checked by calc in the
// worker exactly as the calculator checks it (errors next to the field, by calc's `field` names),
// a QR code made by segno in the same worker (templates/staff/link.md.j2 lists the hash-checked
// wheels; sitegen/qr.py is the same code the build uses), and a preview of the estimate.
// Page data: <script type="application/json" id="lb-data"> {regions, wheels, qr_module,
// payers: [[key, label], …] in settlement order (calc.vocab), fields + limits (calc/fields.py:
// every stay and outpatient control is built from calc's declaration, as the calculator's are)}.
// Data is put into the page with textContent / DOM nodes only.
import { startCalc } from "../runtime/calc-client.js";
import { shareUrl } from "../resident/share.js";
import { el, yuan } from "../shared/dom.js";

const $ = (id) => document.getElementById(id);

class LinkBuilder {
  constructor(form, data) {
    this.form = form;
    this.data = data;
    this.root = new URL(form.dataset.siteRoot || "../../", location.href);
    this.out = $("lb-output");
    this.seq = 0;
    this.calc = null;
    this.qrReady = null;
    this.stayFields = data.fields.filter((f) => f.where === "stay" && f.form);
    this.opdFields = data.fields.filter((f) => f.where === "outpatient" && f.form);
    this.maxStays = data.limits.stays;
    if (!this.stayFields.length || !Number.isInteger(this.maxStays)) throw new Error("lb-data has no fields from calc");
  }

  region() { return this.data.regions.find((r) => r.id === $("lb-region").value) || this.data.regions[0]; }

  init() {
    const want = new URLSearchParams(location.search).get("region");
    $("lb-region").replaceChildren(...this.data.regions.map((r) => el("option", { value: r.id, text: r.name })));
    if (this.data.regions.some((r) => r.id === want)) $("lb-region").value = want;
    $("lb-region").addEventListener("change", () => { this.fillRegion(); this.changed(); });
    $("lb-year").addEventListener("change", () => this.yearNote());
    $("lb-add-stay").addEventListener("click", () => { this.addStay(); this.staysBox().lastElementChild.querySelector("input").focus(); this.changed(); });
    this.form.addEventListener("input", () => this.changed());
    this.form.addEventListener("change", () => this.changed());
    this.form.addEventListener("submit", (ev) => { ev.preventDefault(); this.check(true); });
    $("lb-copy").addEventListener("click", () => this.copy());
    this.fillRegion();
    this.addStay({ total: "50000" });
    this.setState("loading");
    startCalc().then((calc) => {
      this.calc = calc;
      this.setState("ready");
      $("lb-status").textContent = "检查程序已就绪：填好后点“生成链接”，改了内容会自动重新检查。";
      this.check(false);
    }, (err) => {
      this.setState("error");
      $("lb-status").textContent = "";
      this.general([String(err && err.message || err)]);
    });
  }

  setState(s) { this.out.dataset.state = s; }
  staysBox() { return $("lb-stays"); }

  yearNote() {
    const note = (this.region().year_notes || {})[$("lb-year").value];
    $("lb-year-note").textContent = note || "";
    $("lb-year-note").hidden = !note;
  }

  fillRegion() {
    const r = this.region();
    const year = $("lb-year");
    year.replaceChildren(...r.years.map((y) => el("option", { value: y, text: `${y} 年` })));
    year.value = String(r.default_year);
    this.yearNote();
    const ident = $("lb-identity");
    // Several may be chosen (a person can hold 低保 and 返贫致贫 at once): the link carries them all.
    const was = new Set([...ident.selectedOptions].map((o) => o.value));
    ident.replaceChildren(...r.identities.map((i) => el("option", { value: i.id, text: i.label })));
    for (const o of ident.options) o.selected = was.has(o.value);
    if (!ident.selectedOptions.length && ident.options.length) ident.options[0].selected = true;
    // level/place options follow the region; keep what each stay had where still offered
    for (const box of this.staysBox().children) this.fillStayChoices(box);
  }

  // Optional stay fields only where the region's document makes them matter (meta.features).
  fillStayChoices(box) {
    const r = this.region();
    const index = [...this.staysBox().children].indexOf(box);
    for (const lab of box.querySelectorAll("[data-feature], [data-later]")) {
      const f = lab.dataset.feature;
      lab.hidden = Boolean(f && !(r.features ? r.features[f] : f === "referral")) || (lab.dataset.later === "1" && index < 1);
    }
    for (const [name, list] of [["level", r.levels], ["place", r.places]]) {
      const sel = box.querySelector(`select[name="${name}"]`);
      const was = sel.value || sel.dataset.want;
      sel.replaceChildren(...list.map((o) => el("option", { value: o.id, text: o.label })));
      if (list.some((o) => o.id === was)) sel.value = was;
      else if (name === "level" && list.some((o) => o.id === "2")) sel.value = "2";
    }
  }

  // One stay's controls from calc's declared fields, by kind; optional ones carry data-feature.
  addStay(v = {}) {
    const box = this.staysBox();
    if (box.children.length >= this.maxStays) return;
    const i = box.children.length;
    const control = (fd) => {
      const name = fd.key, f = `stays[${i}].${name}`, id = `lb-stay${i}-${name}`;
      const label = String(fd.label || fd.name).replace("{n}", String(i + 1));
      const hint = fd.note || (name === "total" ? "可以写 30000、3万、三万五" : "");
      const gate = { "data-feature": fd.feature || null, "data-later": fd.later_stays_only ? "1" : null };
      const err = el("p", { class: "field-error", id: `lb-err-${f}`, hidden: true });
      if (fd.kind === "flag") {
        const want = v[name] === undefined ? fd.default === true : v[name] === true;
        return el("label", { class: "staff-check", ...gate },
          el("input", { type: "checkbox", id, name, "data-field": f, checked: want }), ` ${label}`);
      }
      if (fd.kind === "level" || fd.kind === "place") {
        return el("div", { class: "staff-field", ...gate }, el("label", { for: id, text: label }),
          el("select", { id, name, "data-field": f, "data-want": v[name] ?? fd.default ?? "" }), err);
      }
      if (fd.kind !== "amount") throw new Error(`calc declares a stay field "${name}" of kind "${fd.kind}" the link builder cannot show`);
      return el("div", { class: "staff-field", ...gate },
        el("label", { for: id, text: label }),
        hint ? el("span", { class: "field-hint", id: `lb-hint-${f}`, text: hint }) : null,
        el("input", { id, name, inputmode: "decimal", autocomplete: "off", "data-field": f,
          "aria-describedby": `lb-err-${f}${hint ? ` lb-hint-${f}` : ""}`, value: v[name] ?? "" }),
        err);
    };
    const remove = el("button", { type: "button", class: "staff-btn staff-btn-link", text: "删去这次住院" });
    remove.addEventListener("click", () => { box.removeChild(fs); this.renumber(); this.changed(); });
    const fs = el("fieldset", { class: "lb-stay" },
      el("legend", { text: `第${i + 1}次住院` }),
      this.stayFields.map(control),
      el("p", { class: "field-error", id: `lb-err-stays[${i}]`, hidden: true }),
      remove);
    box.append(fs);
    this.fillStayChoices(fs);
    $("lb-add-stay").hidden = box.children.length >= this.maxStays;
  }

  // After a stay is removed the field names (stays[i]…) and labels follow the new order.
  renumber() {
    [...this.staysBox().children].forEach((fs, i) => {
      fs.querySelector("legend").textContent = `第${i + 1}次住院`;
      for (const e of fs.querySelectorAll("[data-field]")) e.dataset.field = e.dataset.field.replace(/^stays\[\d+\]/, `stays[${i}]`);
      for (const e of fs.querySelectorAll("[id^='lb-err-stays[']")) e.id = e.id.replace(/stays\[\d+\]/, `stays[${i}]`);
      for (const e of fs.querySelectorAll("[id^='lb-hint-stays[']")) e.id = e.id.replace(/stays\[\d+\]/, `stays[${i}]`);
      for (const e of fs.querySelectorAll("[id^='lb-stay']")) e.id = e.id.replace(/^lb-stay\d+-/, `lb-stay${i}-`);
      for (const e of fs.querySelectorAll("label[for^='lb-stay']")) e.htmlFor = e.htmlFor.replace(/^lb-stay\d+-/, `lb-stay${i}-`);
      for (const e of fs.querySelectorAll("[aria-describedby]")) e.setAttribute("aria-describedby", e.getAttribute("aria-describedby").replace(/stays\[\d+\]/g, `stays[${i}]`));
    });
    for (const fs of this.staysBox().children) this.fillStayChoices(fs);
    $("lb-add-stay").hidden = this.staysBox().children.length >= this.maxStays;
  }

  // The estimate input exactly as typed (calc reads 3万 itself); empty 目录外 = unknown (left out).
  readInput() {
    const r = this.region();
    const stays = [...this.staysBox().children].map((fs) => {
      const s = {};
      for (const fd of this.stayFields) {
        const c = fs.querySelector(`[name="${fd.key}"]`);
        if (!c || c.closest("[data-feature], [data-later]")?.hidden) continue;
        if (fd.kind === "flag") s[fd.key] = c.checked;
        else if (c.value.trim() !== "" || fd.required) s[fd.key] = c.value.trim();  // empty = calc's default
      }
      return s;
    });
    const input = { region: r.id, year: Number($("lb-year").value), identities: [...$("lb-identity").selectedOptions].map((o) => o.value), stays };
    const outpatient = {};
    for (const fd of this.opdFields) {
      const c = $(`lb-${fd.form}`);
      if (c && c.value.trim()) outpatient[fd.key] = c.value.trim();
    }
    if (Object.keys(outpatient).length) input.outpatient = outpatient;
    return input;
  }

  changed() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(false), 350);
  }

  async check(fromSubmit) {
    if (!this.calc) { if (fromSubmit) $("lb-status").textContent = "检查程序还在加载，加载好后会自动生成链接…"; return; }
    const seq = ++this.seq;
    const input = this.readInput();
    this.setState("checking");
    const res = await this.calc.estimate(input);
    if (seq !== this.seq) return;  // a newer edit is being checked
    this.clearErrors();
    if (!res || !res.ok) {
      $("lb-result").hidden = true;
      this.showErrors((res && res.errors) || [{ field: "json", message: "检查出错，请刷新页面重试" }], fromSubmit);
      this.setState("invalid");
      return;
    }
    const url = shareUrl(input, new URL(`${input.region}/`, this.root).href);
    $("lb-link").value = url;
    $("lb-open").href = url;
    $("lb-copied").textContent = "";
    this.preview(res);
    $("lb-result").hidden = false;
    this.setState("done");
    if (fromSubmit) $("lb-result").scrollIntoView({ block: "nearest" });
    this.drawQr(url, seq);
  }

  clearErrors() {
    for (const p of this.form.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
    for (const e of this.form.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    $("lb-general-error").hidden = true;
    $("lb-general-error").replaceChildren();
  }

  showErrors(errors, focus) {
    const general = [];
    let first = null;
    for (const e of errors) {
      const box = document.getElementById(`lb-err-${e.field}`);
      if (!box) { general.push(e.message); continue; }
      box.textContent = box.textContent ? `${box.textContent}；${e.message}` : e.message;
      box.hidden = false;
      const input = this.form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
      if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
    }
    if (general.length) this.general(general);
    if (focus && first) { first.focus(); first.scrollIntoView({ block: "center" }); }
  }

  general(messages) {
    const box = $("lb-general-error");
    box.replaceChildren(...messages.map((m) => el("p", { text: m })));
    box.hidden = false;
  }

  // What the person who opens the link will see first: calc's own sentence and the payers.
  preview(res) {
    const y = res.year || {};
    const rows = (this.data.payers || []).filter(([k]) => k in y && (k === "resident" || Number(y[k]) > 0));
    $("lb-preview").replaceChildren(
      el("h3", { text: "打开链接会看到（估算）" }),
      el("p", { class: "lb-summary", text: res.summary || `全年总费用 ${yuan(y.total)} 元，自己付 ${yuan(y.resident)} 元。` }),
      el("table", { class: "staff-table lb-preview-table" },
        el("tbody", {}, rows.map(([k, label]) => el("tr", { "data-payer": k }, el("th", { scope: "row", text: label }), el("td", { text: `${yuan(y[k])} 元` }))))),
      el("p", { class: "field-hint", text: `${res.region?.name ?? ""} ${res.input?.year ?? ""}年 · 按“${res.identity?.label ?? ""}”计算 · 以医保经办机构结算为准` }));
  }

  // segno in the worker: the wheels load once per worker (hash-checked there), then one call per
  // link. A worker restarted by calc-client has lost them: load again and retry once.
  async qr(url, again = true) {
    this.qrReady = this.qrReady || (async () => {
      for (const w of this.data.wheels) {
        const r = await this.calc.wheel(new URL(w.path, location.href).href, w.sha256, w.bytes);
        if (!r || !r.ok) throw new Error(r?.message || "二维码程序没能加载");
      }
    })();
    try {
      await this.qrReady;
      const res = await this.calc.call(this.data.qr_module, "call", JSON.stringify({ text: url }));
      if (!res || !res.ok) throw new Error(res?.message || res?.errors?.[0]?.message || "二维码生成失败");
      return res;
    } catch (e) {
      this.qrReady = null;
      if (again) return this.qr(url, false);
      throw e;
    }
  }

  async drawQr(url, seq) {
    const box = $("lb-qr");
    box.dataset.state = "loading";
    try {
      const res = await this.qr(url);
      if (seq !== this.seq) return;
      const svg = new DOMParser().parseFromString(res.svg, "image/svg+xml").documentElement;
      if (svg.nodeName !== "svg") throw new Error("二维码生成失败");
      box.replaceChildren(document.importNode(svg, true));
      box.dataset.text = url;
      box.dataset.state = "done";
      const old = $("lb-qr-download").href;
      if (old.startsWith("blob:")) URL.revokeObjectURL(old);
      const png = Uint8Array.from(atob(res.png), (c) => c.charCodeAt(0));
      $("lb-qr-download").href = URL.createObjectURL(new Blob([png], { type: "image/png" }));
    } catch (e) {
      box.dataset.state = "error";
      box.replaceChildren(el("p", { class: "staff-error", text: `二维码没能生成：${e.message || e}。链接可以照常复制使用。` }));
    }
  }

  async copy() {
    const text = $("lb-link").value;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      $("lb-link").select();
      document.execCommand("copy");
    }
    $("lb-copied").textContent = "已复制，可以粘贴到微信群里";
  }
}

const form = $("lb-form");
if (form) new LinkBuilder(form, JSON.parse($("lb-data").textContent)).init();
