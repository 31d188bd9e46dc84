// 批量测算 (staff page /staff/roster/): a pasted or opened roster (CSV in any encoding, .xlsx) goes
// to the roster package in the worker (roster/worker.py: prepare_json + prepare_more_json, then
// estimate_json per chunk, summary_json; sheets_json for 一户一单, xlsx_json for the Excel
// download). Reading the file, every estimate, the totals, the CSV and the sheets' words are Python's;
// this file reads the file's bytes, shares the chunks among workers, draws the tables (lazily: a
// county list has 35,000 rows) and lays out the sheets for window.print. Nothing is sent anywhere:
// the file is read in the page (Blob.arrayBuffer) and the downloads are Blobs made here.
import { startCalc } from "../runtime/calc-client.js";
import { startPool } from "./roster-pool.js";
import { el, yuan } from "../shared/dom.js";
import { renderSheet } from "../shared/mingbai.js";

const $ = (id) => document.getElementById(id);
const MAX_FILE_BYTES = 64 << 20;  // roster/format.py MAX_FILE_BYTES: the page refuses before reading
// Reading steps: short (the first one shortest), so the other engines start at once and always have
// rows to estimate while the page's engine reads the rest.
const STEP = { seconds: 0.5, rows: 4000 };
const FIRST_STEP = { seconds: 0.5, rows: 300 };
const FIRST_ROWS = 300;  // table rows drawn at once; the rest on 显示更多 / before printing
const MORE_ROWS = 2000;
const PART = 2000;  // rows per download / sheets call

// The slip check's totals (Python's): rows flagged, and per payer how much less than the notice gives.
function shortWords(t, cols) {
  const label = (k) => cols.find((c) => c.key === k)?.label ?? k;
  const parts = Object.entries(t.short || {}).filter(([, v]) => Number(v) > 0).map(([k, v]) => `${label(k)}少 ${yuan(v)}`);
  return `${t.flagged || 0} 行少给${parts.length ? "：" + parts.join("，") : ""}`;
}

function base64(buf) {
  const bytes = new Uint8Array(buf);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

// The Chinese message of a failed answer or error, whichever field carries it: roster answers
// {ok:false, message}, calc answers {ok:false, errors:[{message}]}, engine failures are Errors.
function problem(x, fallback = "这一步没能完成，请刷新页面再试。") {
  return (x && (x.message || x.errors?.[0]?.message)) || fallback;
}

const isZip = (bytes) => bytes[0] === 0x50 && bytes[1] === 0x4b;  // .xlsx, whatever the file is called

class Roster {
  constructor(data) {
    this.data = data;
    this.out = $("ro-output");
    this.calc = null;
    this.pool = null;
    this.file = null;   // {name, base64, zip}
    this.res = null;
  }

  init() {
    // Names and ID numbers are not left behind: the browser keeps no copy of the paste box or the
    // chosen file in its session files once the page is left (docs/privacy.md).
    addEventListener("pagehide", () => { $("ro-text").value = ""; $("ro-file").value = ""; });
    const want = new URLSearchParams(location.search).get("region");
    $("ro-region").replaceChildren(...this.data.regions.map((r) => el("option", { value: r.id, text: r.name })));
    if (this.data.regions.some((r) => r.id === want)) $("ro-region").value = want;
    $("ro-region").addEventListener("change", () => this.fillYears());
    this.fillYears();
    $("ro-file").addEventListener("change", () => this.readFile());
    $("ro-text").addEventListener("input", () => { if ($("ro-text").value.trim()) { this.file = null; this.reading = null; $("ro-file").value = ""; } });
    $("ro-form").addEventListener("submit", (ev) => { ev.preventDefault(); this.run(); });
    $("ro-print").addEventListener("click", () => { this.drawAll(); document.body.classList.remove("ro-printing-sheets"); window.print(); });
    $("ro-sheets-print").addEventListener("click", () => this.printSheets());
    $("ro-download").addEventListener("click", () => this.downloadCsv());
    $("ro-download-xlsx").addEventListener("click", () => this.downloadXlsx());
    $("ro-more").addEventListener("click", () => this.drawMore(MORE_ROWS));
    window.addEventListener("beforeprint", () => { if (!document.body.classList.contains("ro-printing-sheets")) this.drawAll(); });
    window.addEventListener("afterprint", () => document.body.classList.remove("ro-printing-sheets"));
    this.setState("loading");
    startCalc().then((calc) => {
      this.calc = calc;
      this.pool = startPool(calc);  // more workers for the estimates, on machines with more cores
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
    if (f.size > MAX_FILE_BYTES) {
      this.reading = null;
      $("ro-file").value = "";
      this.fail(`这个文件有 ${Math.round(f.size / 1048576)} MB，超过 ${MAX_FILE_BYTES >> 20} MB，太大了。请分成几个文件。`);
      return;
    }
    this.reading = f.arrayBuffer().then((buf) => {
      this.file = { name: f.name, base64: base64(buf), zip: isZip(new Uint8Array(buf, 0, Math.min(4, buf.byteLength))) };
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

  // Hash-checked wheels from our origin (openpyxl for .xlsx, segno for QR codes). Asked for before
  // every use: a worker remembers what it has unpacked (worker.js answers at once then), and a
  // restarted worker has nothing, so the page must not remember for it.
  async load(kind) {
    for (const w of this.data[kind]) {
      const r = await this.calc.wheel(new URL(w.path, location.href).href, w.sha256, w.bytes);
      if (!r || !r.ok) throw new Error(problem(r, "程序文件没能加载，请刷新页面再试。"));
    }
  }

  py(fn, arg) { return this.calc.call("roster.worker", fn, JSON.stringify(arg)); }

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
    $("ro-sheets").hidden = true;
    $("ro-status").textContent = "正在读名单，名单长的要等一会儿…";
    const started = performance.now();
    const bad = (res) => !res || !res.ok ? problem(res, "名单没能算出来。") : null;
    let run = null;  // the estimates (roster-pool.js), stopped when the run fails
    try {
      if (this.file?.zip) await this.load("xlsx_wheels");
      // read in steps, each well under calc-client's answer deadline; the other engines estimate
      // the rows read so far meanwhile (roster-pool.js), the page's engine joins once the file is read
      let total = 0;
      let done = 0;
      let reading = true;
      const say = () => {
        $("ro-status").textContent = reading ? `正在读名单：已读 ${total} 行…` : `正在计算：已算 ${done} / ${total} 行…`;
      };
      run = this.pool.stream((n) => { done = n; say(); });
      let prep = await this.py("prepare_json", { ...payload, ...FIRST_STEP });
      if (bad(prep)) { this.fail(bad(prep)); return; }
      const { unknown, costlike } = prep;
      const skipped = [];  // 合计 / 制表人 rows
      for (;;) {
        run.add(prep.jobs);
        total += prep.jobs.length;
        skipped.push(...(prep.skipped || []));
        if (!prep.more) break;
        say();
        prep = await this.py("prepare_more_json", { more: prep.more, ...STEP });
        if (bad(prep)) { this.fail(bad(prep)); return; }
      }
      reading = false;
      say();
      run.end();
      const out = await run.done;
      if (out.failed !== undefined) { this.fail(bad(out.failed)); return; }
      const { rows, parts } = out;
      // the totals: each chunk's partial sums, merged in Python (the rows stay here)
      const res = await this.py("summary_json", { region: payload.region, unknown, costlike, skipped,
        parts: parts.map(({ rows: _, ...rest }) => rest) });
      if (bad(res)) { this.fail(bad(res)); return; }
      res.rows = rows;
      this.render(res);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const t = res.totals.all;
      $("ro-status").textContent = `算好了：${t.people} 人${t.errors ? `，${t.errors} 行输入有误（标红）` : ""}，用时 ${secs} 秒。`;
      this.out.dataset.runs = String(Number(this.out.dataset.runs || 0) + 1);
      this.out.dataset.people = String(t.people);
      this.out.dataset.seconds = secs;
      this.setState("done");
    } catch (e) {
      this.fail(problem(e));
    } finally {
      run?.cancel();  // after a failure the other engines stop; after success this does nothing
      $("ro-run").disabled = false;
    }
  }

  render(res) {
    this.res = res;
    this.region = res.region;
    this.year = $("ro-year").value;
    const cols = res.columns;
    const t = res.totals.all;
    const name = this.data.regions.find((r) => r.id === res.region)?.name ?? "";
    $("ro-date").textContent = new Date().toLocaleDateString("zh-CN");
    $("ro-summary").replaceChildren(...[
      el("p", { class: "ro-summary", text: `${name} · ${this.year}年 · 共 ${t.people + t.errors} 行：算出 ${t.people} 人，${t.errors} 行输入有误。金额为估算，以医保经办机构结算为准。` }),
      res.costlike_columns.length ? el("p", { class: "staff-error", role: "alert", "data-kind": "costlike",
        text: `注意：这些列看起来是费用，但没有算进去：${res.costlike_columns.join("、")}。列名请写成“住院1总费用”“门诊慢特病”这样（见下面“名单的格式”）。` }) : null,
      res.unknown_columns.length ? el("p", { class: "field-hint", text: `没有用到的列：${res.unknown_columns.join("、")}` }) : null,
      res.skipped_note ? el("p", { class: "field-hint", "data-kind": "skipped", text: res.skipped_note }) : null,
    ].filter(Boolean));
    // totals: the whole list, then each village/township when the list has a 村/乡镇 column
    const groups = [{ label: "合计", t }].concat(res.with_group ? res.totals.groups.map((g) => ({ label: g.group, t: g })) : []);
    $("ro-totals").replaceChildren(
      el("caption", { text: "按付款方合计（元）" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: res.with_group ? "村/乡镇" : "" }), el("th", { scope: "col", text: "人数" }),
        cols.map((c) => el("th", { scope: "col", text: c.label })))),
      el("tbody", {}, groups.map((g, i) => el("tr", { class: i === 0 ? "ro-total-all" : null, "data-group": i === 0 ? "" : g.label },
        el("th", { scope: "row", text: g.label }), el("td", { text: String(g.t.people) }),
        cols.map((c) => el("td", { "data-key": c.key, text: c.key === "check" ? shortWords(g.t, cols) : yuan(g.t.sums[c.key]) }))))));
    this.body = el("tbody");
    this.drawn = 0;
    $("ro-rows").replaceChildren(
      el("caption", { text: "每人明细（元）" }),
      el("thead", {}, el("tr", {}, ["行号", "姓名/编号"].concat(res.with_group ? ["村/乡镇"] : [], ["按此身份"]).map((h) => el("th", { scope: "col", text: h })),
        cols.map((c) => el("th", { scope: "col", text: c.label })))),
      this.body);
    this.drawMore(FIRST_ROWS);
    $("ro-result").hidden = false;
    $("ro-result").scrollIntoView({ block: "nearest" });
  }

  row(r) {
    const res = this.res;
    const cols = res.columns;
    const head = [el("td", { text: String(r.line) }), el("td", { text: r.name })].concat(res.with_group ? [el("td", { text: r.group })] : []);
    if (!r.ok) {
      return el("tr", { class: "ro-bad", "data-line": r.line, "data-ok": "false" }, head,
        el("td", { class: "ro-message", colspan: cols.length + 1 },
          el("strong", { text: "输入有误：" }), r.errors.map((e) => e.text).join("；")));
    }
    return el("tr", { "data-line": r.line, "data-ok": "true", class: r.check?.less?.length ? "ro-short" : null }, head, el("td", { text: r.identity }),
      cols.map((c) => el("td", { "data-key": c.key, text: c.key === "check" ? (r.check?.words ?? "") : yuan(r.year[c.key]) })));
  }

  // Lazy drawing: a county list would take seconds to draw at once and nobody reads 35,000 rows on
  // screen; the rest come with 显示更多 and, all of them, before printing.
  drawMore(n) {
    const rows = this.res.rows;
    const end = Math.min(rows.length, this.drawn + n);
    const frag = document.createDocumentFragment();
    for (let i = this.drawn; i < end; i++) frag.append(this.row(rows[i]));
    this.body.append(frag);
    this.drawn = end;
    $("ro-more-wrap").hidden = end >= rows.length;
    $("ro-more").textContent = `显示更多行（还有 ${rows.length - end} 行）`;
    this.out.dataset.drawn = String(end);
  }

  drawAll() { if (this.res && this.drawn < this.res.rows.length) this.drawMore(this.res.rows.length); }

  // 一户一单: one A4 sheet per computed person, then the browser's print dialog.
  async printSheets() {
    const btn = $("ro-sheets-print");
    btn.disabled = true;
    const status = $("ro-status").textContent;
    $("ro-status").textContent = "正在排每人一张的明白纸…";
    try {
      const made = { sheets: [], links: [], skipped: 0 };
      for (let i = 0; i < this.res.rows.length; i += PART) {
        const r = await this.py("sheets_json", { region: this.region, rows: this.res.rows.slice(i, i + PART), base_url: this.data.base_url });
        if (!r.ok) throw new Error(problem(r));
        made.sheets.push(...r.sheets);
        made.skipped += r.skipped;
        for (const link of r.links) if (!made.links.includes(link)) made.links.push(link);
      }
      await this.load("qr_wheels");
      const qr = new Map();
      for (const link of made.links) {  // one QR code per identity and year, not per person
        const r = await this.calc.call(this.data.qr_module, "call", JSON.stringify({ text: link }));
        if (!r.ok) throw new Error(problem(r));
        qr.set(link, r.svg);
      }
      $("ro-sheets").replaceChildren(...made.sheets.map((s) => this.sheet(s, qr.get(s.link))));
      $("ro-sheets").hidden = false;
      $("ro-sheets").dataset.sheets = String(made.sheets.length);
      $("ro-status").textContent = `${status} 明白纸已排好：${made.sheets.length} 张${made.skipped ? `（${made.skipped} 行输入有误，没有排）` : ""}。`;
      document.body.classList.add("ro-printing-sheets");
      window.print();
    } catch (e) {
      this.fail(problem(e));
    } finally {
      btn.disabled = false;
    }
  }

  // The 明白纸 layout is the site's one (mingbai.js); the sheet's words, amounts and caveats are
  // roster/sheets.py's, the claim steps and the office the page's (the print pages' own).
  sheet(s, svg) {
    const o = this.data.office;
    const region = this.data.regions.find((r) => r.id === this.region)?.name ?? "";
    return renderSheet({
      ...s.sheet,
      steps: this.data.how_to_get, office: { name: o.name, hotline: o.hotline, address: o.address },
      foot: {
        qr: { alt: `二维码：打开${region}的计算器，已选好“${s.identity}”` },
        scan: "扫码算一算：", text: `打开${region}的计算器，已选好“${s.identity}”（链接里没有姓名和金额）。`, url: null,
        date: `数字核对日期：${o.figures_date || "（未填写）"} · 测算日期：${new Date().toLocaleDateString("zh-CN")} · ${o.name} · 电话 ${o.hotline}${o.address ? ` · ${o.address}` : ""}`,
      },
    }, { class: "mingbai ro-sheet", "data-line": s.line }, svg);
  }

  // Downloads are made in Python in parts (a county list would outlast one call's deadline).
  async downloadCsv() {
    try {
      const parts = [];
      for (let i = 0; i < this.res.rows.length || i === 0; i += PART) {
        const r = await this.py("csv_json", { rows: this.res.rows.slice(i, i + PART), columns: this.res.columns,
          with_group: this.res.with_group, head: i === 0 });
        if (!r.ok) throw new Error(problem(r));
        parts.push(r.csv);
      }
      this.save(new Blob(parts, { type: "text/csv;charset=utf-8" }), "csv");
    } catch (e) {
      this.fail(problem(e));
    }
  }

  async downloadXlsx() {
    try {
      await this.load("xlsx_wheels");
      const o = this.data.office;
      const rows = this.res.rows;
      let r = { token: undefined };
      for (let i = 0; i < rows.length || i === 0; i += PART) {
        const end = i + PART >= rows.length;
        r = await this.py("xlsx_json", { token: r.token, rows: rows.slice(i, i + PART), columns: this.res.columns,
          with_group: this.res.with_group, end,
          footer: `${o.name} · 电话 ${o.hotline} · 数字核对日期：${o.figures_date || "（未填写）"} · 金额为估算，以医保经办机构结算为准。` });
        if (!r.ok) throw new Error(problem(r));
      }
      const bytes = Uint8Array.from(atob(r.base64), (c) => c.charCodeAt(0));
      this.save(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }), "xlsx");
    } catch (e) {
      this.fail(problem(e));
    }
  }

  save(blob, ext) {
    const a = el("a", { href: URL.createObjectURL(blob), download: `批量测算结果-${this.region || ""}.${ext}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
}

const data = $("ro-data");
if (data) new Roster(JSON.parse(data.textContent)).init();
