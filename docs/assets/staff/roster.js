// 批量测算 (staff page /staff/roster/): a pasted or opened roster (CSV or .xlsx) goes to
// calc.roster in the worker (prepare_json, estimate_json per chunk, summary_json) — the format, the parsing (xlsx with zipfile + ElementTree),
// every estimate, the totals and the result CSV are Python's; this file only reads the file,
// draws the tables and offers print / download. Nothing is sent anywhere: the file is read in the
// page (Blob.arrayBuffer) and the CSV download is a Blob made here.
import { startCalc } from "../runtime/calc-client.js";

const $ = (id) => document.getElementById(id);
const XLSX_MAX_BYTES = 500_000;
const CHUNK = 200;  // rows per call: about half a second on a desktop, a few on a cheap phone

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  e.append(...kids.flat().filter((k) => k !== null && k !== undefined));
  return e;
}

function yuan(s) {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(s ?? ""));
  if (!m) return String(s ?? "");
  return m[1].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + (m[2] || "").padEnd(2, "0").slice(0, 2);
}

function base64(buf) {
  const bytes = new Uint8Array(buf);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

class Roster {
  constructor(data) {
    this.data = data;
    this.out = $("ro-output");
    this.calc = null;
    this.file = null;   // {name, base64}
    this.csv = "";
  }

  init() {
    const want = new URLSearchParams(location.search).get("region");
    $("ro-region").replaceChildren(...this.data.regions.map((r) => el("option", { value: r.id, text: r.name })));
    if (this.data.regions.some((r) => r.id === want)) $("ro-region").value = want;
    $("ro-region").addEventListener("change", () => this.fillYears());
    this.fillYears();
    $("ro-file").addEventListener("change", () => this.readFile());
    $("ro-text").addEventListener("input", () => { if ($("ro-text").value.trim()) { this.file = null; this.reading = null; $("ro-file").value = ""; } });
    $("ro-form").addEventListener("submit", (ev) => { ev.preventDefault(); this.run(); });
    $("ro-print").addEventListener("click", () => window.print());
    $("ro-download").addEventListener("click", () => this.download());
    this.setState("loading");
    startCalc().then((calc) => {
      this.calc = calc;
      this.setState("ready");
      $("ro-status").textContent = "计算程序已就绪：打开或粘贴名单，点“计算”。";
    }, (err) => this.fail(String(err && err.message || err)));
  }

  setState(s) { this.out.dataset.state = s; }

  fillYears() {
    const r = this.data.regions.find((x) => x.id === $("ro-region").value) || this.data.regions[0];
    $("ro-year").replaceChildren(...r.years.map((y) => el("option", { value: y, text: `${y} 年` })));
    $("ro-year").value = String(r.default_year);
  }

  // The file is read here, never uploaded; run() waits for a read still going on.
  readFile() {
    const f = $("ro-file").files[0];
    this.file = null;
    if (!f) { this.reading = null; return; }
    // A big .xlsx is parsed in one step that could outlast calc-client's answer deadline on a slow
    // phone; CSV is read in a fraction of the time. (~500 kB is about 6,000 rows.)
    if (/\.xlsx$/i.test(f.name) && f.size > XLSX_MAX_BYTES) {
      this.reading = null;
      $("ro-file").value = "";
      this.fail(`这个 Excel 文件比较大（${Math.round(f.size / 1024)} KB），请在 Excel 里“另存为”→“CSV UTF-8（逗号分隔）”，再打开那个 CSV 文件，算得更快、更稳。`);
      return;
    }
    this.reading = f.arrayBuffer().then((buf) => {
      this.file = { name: f.name, base64: base64(buf) };
      $("ro-text").value = "";
      $("ro-status").textContent = `已打开“${f.name}”，点“计算”。`;
    }, () => this.fail("文件读不出来，请换一个文件再试。"));
  }

  fail(message) {
    this.setState("error");
    $("ro-status").textContent = "";
    $("ro-error").replaceChildren(el("p", { text: message }));
    $("ro-error").hidden = false;
    $("ro-error").scrollIntoView({ block: "nearest" });
  }

  async run() {
    $("ro-error").hidden = true;
    if (this.reading) await this.reading;
    const text = $("ro-text").value;
    if (!this.file && !text.trim()) { this.fail("请先打开名单文件，或把名单粘贴到上面的框里。"); return; }
    if (!this.calc) { $("ro-status").textContent = "计算程序还在加载，请稍候再点“计算”。"; return; }
    const payload = { region: $("ro-region").value, year: Number($("ro-year").value) };
    if (this.file) payload.base64 = this.file.base64; else payload.text = text;
    this.setState("running");
    $("ro-run").disabled = true;
    $("ro-result").hidden = true;
    $("ro-status").textContent = "正在计算，名单长的要等一会儿…";
    const started = performance.now();
    const py = (fn, arg) => this.calc.call("calc.roster", fn, JSON.stringify(arg));
    const bad = (res) => !res || !res.ok ? res?.message || res?.errors?.[0]?.message || "名单没能算出来。" : null;
    try {
      // in steps, each well under calc-client's answer deadline, with progress for long lists
      const prep = await py("prepare_json", payload);
      if (bad(prep)) { this.fail(bad(prep)); return; }
      const rows = [];
      for (let i = 0; i < prep.jobs.length; i += CHUNK) {
        const part = await py("estimate_json", { jobs: prep.jobs.slice(i, i + CHUNK) });
        if (bad(part)) { this.fail(bad(part)); return; }
        rows.push(...part.rows);
        $("ro-status").textContent = `正在计算：已算 ${rows.length} / ${prep.jobs.length} 行…`;
      }
      const res = await py("summary_json", { region: prep.region, rows, unknown: prep.unknown });
      if (bad(res)) { this.fail(bad(res)); return; }
      this.render(res);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const t = res.totals.all;
      $("ro-status").textContent = `算好了：${t.people} 人${t.errors ? `，${t.errors} 行输入有误（标红）` : ""}，用时 ${secs} 秒。`;
      this.out.dataset.runs = String(Number(this.out.dataset.runs || 0) + 1);
      this.setState("done");
    } catch (e) {
      this.fail(String(e && e.message || e));
    } finally {
      $("ro-run").disabled = false;
    }
  }

  render(res) {
    this.csv = res.csv;
    this.region = res.region;
    const cols = res.columns;
    const t = res.totals.all;
    const name = this.data.regions.find((r) => r.id === res.region)?.name ?? "";
    $("ro-summary").replaceChildren(...[
      el("p", { class: "ro-summary", text: `${name} · ${$("ro-year").value}年 · 共 ${t.people + t.errors} 行：算出 ${t.people} 人，${t.errors} 行输入有误。金额为估算，以医保经办机构结算为准。` }),
      res.unknown_columns.length ? el("p", { class: "field-hint", text: `没有用到的列：${res.unknown_columns.join("、")}` }) : null,
    ].filter(Boolean));
    // totals: the whole list, then each village/township when the list has a 村/乡镇 column
    const groups = [{ label: "合计", t }].concat(res.with_group ? res.totals.groups.map((g) => ({ label: g.group, t: g })) : []);
    $("ro-totals").replaceChildren(
      el("caption", { text: "按付款方合计（元）" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: res.with_group ? "村/乡镇" : "" }), el("th", { scope: "col", text: "人数" }),
        cols.map((c) => el("th", { scope: "col", text: c.label })))),
      el("tbody", {}, groups.map((g, i) => el("tr", { class: i === 0 ? "ro-total-all" : null, "data-group": i === 0 ? "" : g.label },
        el("th", { scope: "row", text: g.label }), el("td", { text: String(g.t.people) }),
        cols.map((c) => el("td", { "data-key": c.key, text: yuan(g.t.sums[c.key]) }))))));
    $("ro-rows").replaceChildren(
      el("caption", { text: "每人明细（元）" }),
      el("thead", {}, el("tr", {}, ["行号", "姓名/编号"].concat(res.with_group ? ["村/乡镇"] : [], ["按此身份"]).map((h) => el("th", { scope: "col", text: h })),
        cols.map((c) => el("th", { scope: "col", text: c.label })))),
      el("tbody", {}, res.rows.map((r) => {
        const head = [el("td", { text: String(r.line) }), el("td", { text: r.name })].concat(res.with_group ? [el("td", { text: r.group })] : []);
        if (!r.ok) {
          return el("tr", { class: "ro-bad", "data-line": r.line, "data-ok": "false" }, head,
            el("td", { class: "ro-message", colspan: cols.length + 1 },
              el("strong", { text: "输入有误：" }), r.errors.map((e) => e.text).join("；")));
        }
        return el("tr", { "data-line": r.line, "data-ok": "true" }, head, el("td", { text: r.identity }),
          cols.map((c) => el("td", { "data-key": c.key, text: yuan(r.year[c.key]) })));
      })));
    $("ro-result").hidden = false;
    $("ro-result").scrollIntoView({ block: "nearest" });
  }

  download() {
    const blob = new Blob([this.csv], { type: "text/csv;charset=utf-8" });
    const a = el("a", { href: URL.createObjectURL(blob), download: `批量测算结果-${this.region || ""}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
}

const data = $("ro-data");
if (data) new Roster(JSON.parse(data.textContent)).init();
