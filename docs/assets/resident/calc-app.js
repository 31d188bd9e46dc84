// The calculator's controller: form → calc (in the worker) → answer. Every error — a field, a
// share link, the engine, loading — is brought into view and announced. Nothing about the
// person is written to the address bar or history: a share link that opened the page is read,
// then stripped from the URL.
import { el, $, announce, reveal, text, yuanShort } from "./calc-dom.js";
import { CalcForm } from "./calc-form.js";
import { renderResult, markStale } from "./calc-result.js";
import { renderAdvanced, read as readOverrides } from "./calc-advanced.js";
import { renderCompare } from "./calc-compare.js";
import { renderShare } from "./calc-print.js";
import { drawOwnChartWhenSeen } from "./calc-chart.js";
import { fieldsAt, regionName } from "./calc-meta.js";
import { decodeShare, shareCodeFromHash } from "./share.js";
import { Instant, rangeLine } from "./calc-instant.js";
import { identityLabel } from "./calc-meta.js";

const MB = (bytes) => (bytes / 1048576).toFixed(1);
const chinese = (m) => typeof m === "string" && /[\u4e00-\u9fff]/.test(m);

export class CalcApp {
  constructor(root, meta) {
    this.root = root;
    this.meta = meta;
    this.result = $(root, "#calc-result");
    this.after = $(root, "#calc-after");
    this.overrides = {};
    this.seq = 0;
    this.engine = "loading";  // loading | ready | failed
    this.pending = false;     // the person tapped 算一算 while the engine was loading
    this.form = new CalcForm(root, meta, { onSubmit: () => this.submit(), getOverrides: () => this.currentOverrides(),
      // the bill (and its chips) come before the identities; ticking one after an answer
      // recomputes that answer in place, without moving the screen
      onIdentities: () => { if (this.result.dataset.state === "done" && this.lastInput) this.run(this.form.read(), { quiet: true, changed: true }); } });
    this.instant = new Instant();  // answers calc computed at build time
  }

  build() {
    this.form.build();
    this.form.showYearNote();
    this.instant.placeChips(this.root, (total) => this.chip(total));
  }

  // A chip: its total into the bill field, then the same 算一算 as the button.
  chip(total) {
    const f = $(this.root, "#calc-stay0-total");
    if (f) f.value = total;
    this.submit();
  }

  // What is typed in 高级 now counts for every 算一算, so a corrected value is used at once.
  currentOverrides() {
    const panel = $(this.after, "#calc-advanced");
    if (panel) this.overrides = readOverrides(panel, this.overrides);
    return this.overrides;
  }

  // ---- the engine ------------------------------------------------------------------------
  attach(clientPromise) {
    this.clientP = clientPromise.then((c) => {
      this.client = c;
      this.engine = "ready";
      this.root.dataset.ready = "true";
      this.hideWait();
      // An answer looked up from the build is now recomputed by the engine and replaced.
      if (this.result.dataset.source === "instant" && this.lastInput && this.result.dataset.state === "done") {
        this.run(this.lastInput, { quiet: true });
      }
      return c;
    }, (e) => {
      this.engine = "failed";
      this.failedKind = e?.kind;
      this.failedMissing = e?.missing;  // what the <head>'s probe found missing (kind "unsupported")
      // "unsupported": the can-do paragraph (calc-instant.js) says it all, once.
      this.failed(e?.kind === "unsupported" ? "" : chinese(e?.message) ? e.message : "计算器没能加载（可能网络断了，或浏览器太旧）。");
      throw e;
    });
    this.clientP.catch(() => {});
  }

  // Worker progress: bytes downloaded and what is left (delivery's {stage, loaded, total}),
  // else the percentage it reports. Shown quietly under the button; prominently once tapped.
  progress(p) {
    if (this.engine !== "loading") return;
    const box = $(this.root, "#calc-wait");
    const line = $(this.root, "#calc-wait-text");
    const bar = $(this.root, "#calc-progress");
    if (!box || !line) return;
    const loaded = Number(p?.loaded), total = Number(p?.total), pct = Number(p?.percent);
    let t = "";
    if (Number.isFinite(loaded) && Number.isFinite(total) && total > 0) {
      t = loaded >= total ? `计算程序已下载完（${MB(total)} MB），正在启动…`
        : `正在下载计算程序：已下载 ${MB(loaded)} MB，共 ${MB(total)} MB，还剩 ${MB(total - loaded)} MB。`;
      bar.max = total; bar.value = Math.min(loaded, total);
    } else if (Number.isFinite(loaded) && loaded > 0) {
      t = `正在下载计算程序：已下载 ${MB(loaded)} MB。`;
      bar.removeAttribute("value");
    } else if (Number.isFinite(pct)) {
      t = `正在准备计算程序：${Math.round(Math.max(0, Math.min(100, pct)))}%。`;
      bar.max = 100; bar.value = Math.max(0, Math.min(100, pct));
    }
    if (!t) return;
    this.lastProgress = t;
    line.textContent = this.pending ? `计算器正在准备…${t}准备好就马上算出结果。` : t;
    box.hidden = false;
  }

  showWait(input) {
    const box = $(this.root, "#calc-wait");
    if (!box) return;
    this.pending = true;
    box.classList.add("calc-wait-active");
    $(this.root, "#calc-wait-text").textContent = `计算器正在准备…${this.lastProgress || ""}准备好就马上算出结果。`;
    $(box, "#calc-range")?.remove();
    const r = input && this.instant.range(input);  // only where the build checked it is monotone
    if (r) box.append(rangeLine(r, identityLabel(this.meta, input.identities[0])));
    box.hidden = false;
    reveal(box, null);
    announce("计算程序还在下载，准备好就马上算出结果。");
  }

  hideWait() {
    this.pending = false;
    const box = $(this.root, "#calc-wait");
    if (box) { box.hidden = true; box.classList.remove("calc-wait-active"); $(box, "#calc-range")?.remove(); }
  }

  failed(why) {
    this.root.dataset.ready = "false";
    this.root.dataset.failed = "true";
    const wasPending = this.pending;
    this.hideWait();
    const box = $(this.root, "#calc-failed");
    if (!box) return;
    const w = $(box, "#calc-failed-why");
    if (w && why) w.textContent = why;
    // What still works without the engine (the build's answers), and whom to call.
    let can = $(box, "#calc-instant-can");
    if (!can) { can = el("p", { id: "calc-instant-can", class: "calc-instant-can" }); box.insertBefore(can, w?.closest("p")?.nextSibling || null); }
    can.textContent = this.instant.canDo(this.failedKind, this.failedMissing);
    box.hidden = false;
    if (this.failedKind !== "unsupported") this.onFailed?.();  // adds the 重试 button (calculator.js)
    if (this.result.dataset.state === "busy") {
      this.result.dataset.state = "error";
      if (this.lastResult && this.result.childElementCount) markStale(this.result, "failed");
    }
    announce(`计算器打不开。${why || ""}`);
    if (wasPending) reveal(box, $(box, "#calc-retry") || box);
  }

  async call(input) {
    const c = await this.clientP;
    let out = await c.estimate(input);
    if (typeof out === "string") out = JSON.parse(out);
    return out;
  }

  // ---- computing -------------------------------------------------------------------------
  submit() {
    this.instant.markChip($(this.root, "#calc-stay0-total")?.value.trim());
    this.run(this.form.read());
  }

  async run(input, { fromLink = false, quiet = false, changed = false } = {}) {
    const my = ++this.seq;
    this.form.clearErrors();
    if (this.engine !== "ready") {
      // Before (or without) the engine: the answer calc computed at build time, if this is one.
      const found = this.instant.lookup(input);
      if (found) { this.hideWait(); this.show(input, found, { source: "instant", quiet, changed }); return; }
    }
    this.result.dataset.state = "busy";
    this.result.setAttribute("aria-busy", "true");
    if (this.lastResult && this.result.childElementCount) markStale(this.result, "busy");
    if (this.engine === "failed") { this.failed(); reveal($(this.root, "#calc-failed"), $(this.root, "#calc-retry") || $(this.root, "#calc-failed")); return; }
    if (this.engine === "loading") this.showWait(input);
    let out;
    try { out = await this.call(input); } catch (e) {
      if (this.engine === "failed") {
        if (my === this.seq) reveal($(this.root, "#calc-failed"), $(this.root, "#calc-retry") || $(this.root, "#calc-failed"));
        return;
      }
      out = { ok: false, errors: [{ field: "json", message: "计算器出错了，请再点一次“算一算”；还不行就刷新页面。" }], failed: true };
    }
    if (my !== this.seq) return;
    this.hideWait();
    this.result.setAttribute("aria-busy", "false");
    if (!out || out.ok !== true) {
      this.showErrors(Array.isArray(out?.errors) && out.errors.length ? out.errors : [{ field: "json", message: "输入有误，请检查。" }], fromLink, out?.failed);
      return;
    }
    this.show(input, out, { source: "engine", quiet, changed });
  }

  // An answer on screen — the engine's, or one calc computed at build time (same renderer).
  // quiet: the engine replacing an instant answer; no scrolling, focus or announcement.
  // changed: an identity ticked after an answer; the new amount flashes and is brought into view.
  show(input, out, { source, quiet = false, changed = false }) {
    const traceOpen = quiet && $(this.result, "#calc-trace")?.open;
    this.result.setAttribute("aria-busy", "false");
    this.lastInput = input;
    this.lastResult = out;
    this.form.echo(out.input, out.stays);
    renderResult(this.result, out, { meta: this.meta, onAction: (a) => this.action(a) });
    this.result.append(renderCompare(this), renderShare(this));
    renderAdvanced(this.after, out.assumptions, this.overrides, {
      onApply: () => this.submit(),
      onReset: () => this.resetOverrides(),
      glossary: this.meta.glossary,
    });
    markStale(this.result, false);
    this.result.dataset.source = source;
    this.result.dataset.state = "done";
    if (traceOpen) $(this.result, "#calc-trace").open = true;
    drawOwnChartWhenSeen(this, out, $(this.result, "#calc-chart"));
    if (changed) showChange(this.result, out);
    if (quiet) return;
    announce(text(out.summary) || `您自己大约要付 ${yuanShort(out.year?.resident)} 元。`);
    const big = $(this.result, "#calc-big");
    reveal(big, big, "start");  // the answer at the top of the screen, under the header
  }

  showErrors(errors, fromLink, engineFailed = false) {
    const { first, general, box } = this.form.showErrors(errors, { prefix: fromLink ? "分享链接里的内容有问题：" : null });
    if (this.lastResult && this.result.childElementCount) markStale(this.result, engineFailed ? "failed" : "error");  // keep the previous answer
    else { this.result.replaceChildren(); this.result.hidden = true; }
    this.result.dataset.state = "error";
    announce(`有 ${errors.length} 处需要改：${errors.map((e) => e?.message).filter(chinese).join("；")}`);
    if (first && !general.length) reveal(first);
    else reveal(box);
  }

  action(kind) {
    if (kind === "advanced") {
      const d = $(this.root, "#calc-advanced");
      if (d) { d.open = true; reveal(d, $(d, "input") || $(d, "summary")); }
    } else if (kind === "reset-overrides") {
      this.resetOverrides();
    }
  }

  resetOverrides() {
    for (const inp of this.after.querySelectorAll("[data-override]")) inp.value = inp.dataset.original;
    this.overrides = {};
    this.submit();
  }

  // ---- share links -----------------------------------------------------------------------
  // `#calc=<code>`: fill the form from the link and compute; a link with an identity but no
  // amounts (the 明白纸 QR codes) only fills the form and puts the cursor in the bill field.
  fromHash() {
    const code = shareCodeFromHash();
    if (code === null) return false;
    history.replaceState(history.state, "", location.pathname + location.search);  // read once, keep nothing
    this.seq++;
    if (code === "") {  // `#calc=`: a fresh, empty form
      this.overrides = {};
      this.lastInput = this.lastResult = null;
      this.build();
      this.result.replaceChildren(); this.result.hidden = true; this.result.dataset.state = "empty";
      this.after.replaceChildren();
      return true;
    }
    this.after.replaceChildren();  // 高级 belonged to the previous answer
    const d = decodeShare(code);
    if (!d.ok) return this.linkError(d.message);
    const input = d.input;
    if (input.region !== undefined && input.region !== this.meta.region.id) {
      const name = regionName(this.meta, input.region);
      const msg = name ? `这个链接是${name}的计算，请到${name}的页面打开。` : "分享链接里的地区不认识，请在本页重新填写。";
      this.linkError(msg);
      if (name && /^[a-z]+$/.test(String(input.region))) {
        $(this.root, "#calc-general-error").append(el("p", {}, el("a", { href: `../${input.region}/#calc=${code}`, text: `打开${name}的页面` })));
      }
      return true;
    }
    this.form.fill(input);
    const ov = input.overrides;
    this.overrides = ov && typeof ov === "object" && !Array.isArray(ov)
      ? Object.fromEntries(Object.entries(ov).slice(0, 100).map(([k, v]) => [k, typeof v === "string" || typeof v === "number" ? String(v) : ""]))
      : {};
    const o = input.outpatient && typeof input.outpatient === "object" ? input.outpatient : {};
    const opd = fieldsAt(this.meta, "outpatient").some((f) => String(o[f.key] ?? "").trim() !== "");
    const noStays = input.stays === undefined || input.stays === null || (Array.isArray(input.stays) && input.stays.length === 0);
    if (noStays && !opd) {
      this.form.clearErrors();
      this.result.replaceChildren(); this.result.hidden = true; this.result.dataset.state = "empty";
      reveal($(this.root, "#calc-stay0-total"));
      announce("已按链接选好身份，请填住院总费用，再点“算一算”。");
      return true;
    }
    this.form.sentMap = Array.isArray(input.stays) ? input.stays.map((_, i) => i) : [];
    const sent = { ...input, region: this.meta.region.id };
    this.run(sent, { fromLink: true });
    return true;
  }

  linkError(message) {
    this.form.clearErrors();
    this.seq++;
    this.showErrors([{ field: "json", message }], true);
    return true;
  }
}

// After an identity is ticked: the recomputed amount flashes for a moment and is scrolled just
// into view (the checkbox stays where it can be seen when the answer already is), and is announced.
function showChange(result, out) {
  const big = $(result, "#calc-big");
  if (!big) return;
  big.classList.remove("calc-just-changed");
  void big.offsetWidth;  // restart the flash when two ticks come quickly
  big.classList.add("calc-just-changed");
  setTimeout(() => big.classList.remove("calc-just-changed"), 2500);
  big.scrollIntoView({ block: "nearest", behavior: "instant" });
  announce(`重新算好了：${text(out.summary) || `您自己大约要付 ${yuanShort(out.year?.resident)} 元。`}`);
}
