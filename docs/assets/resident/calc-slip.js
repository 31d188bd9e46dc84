// 核对结算单 page (templates/slip.md.j2): the slip's lines → calc (in the worker) → one table, payer by
// payer, with the clause and what to ask. Every amount and verdict is calc's (calc/slip.py); this
// module only reads the form, shows calc's strings and formats digits. A share link carries the slip's
// amounts only when the person asks for one; a link that opened the page is read, then stripped.
import { el, $, yuan, text } from "./calc-dom.js";
import { setupElder } from "./calc-elder.js";
import { decodeShare, shareCodeFromHash, shareUrl } from "./share.js";

const page = document.getElementById("slip");
const form = document.getElementById("slip-form");
const status = document.getElementById("slip-status");
const result = document.getElementById("slip-result");
const lines = [...form.querySelectorAll("[data-line]")].map((d) => d.dataset.line);
let client = null;
let pending = null;
let lastInput = null;

function meta() {
  try { return JSON.parse(document.getElementById("calc-meta").textContent); } catch { return null; }
}

function read() {
  const v = (id) => (document.getElementById(id)?.value ?? "").trim();
  const slip = {};
  for (const k of lines) if (v(`slip-${k}`)) slip[k] = v(`slip-${k}`);
  const stay = { total: v("slip-total"), level: v("slip-level"), place: v("slip-place"), slip };
  const ref = document.getElementById("slip-referral");
  if (ref) stay.referral = ref.checked;
  const input = { region: page.dataset.region, year: v("slip-year"),
    identities: [...form.querySelectorAll("input[name=identity]:checked")].map((x) => x.value), stays: [stay] };
  if (document.getElementById("slip-tier")) input.tier = v("slip-tier");
  return input;
}

function fill(input) {
  const set = (id, val) => { const n = document.getElementById(id); if (n && val !== undefined && val !== null) n.value = String(val); };
  const stay = (Array.isArray(input?.stays) && input.stays[0]) || {};
  set("slip-year", input.year);
  set("slip-tier", input.tier);
  set("slip-total", stay.total);
  set("slip-level", stay.level);
  set("slip-place", stay.place);
  const ref = document.getElementById("slip-referral");
  if (ref) ref.checked = stay.referral === true;
  const ids = new Set(Array.isArray(input.identities) ? input.identities : []);
  for (const box of form.querySelectorAll("input[name=identity]")) box.checked = ids.has(box.value);
  const slip = stay.slip && typeof stay.slip === "object" ? stay.slip : {};
  for (const k of lines) set(`slip-${k}`, slip[k] ?? "");
}

function clearErrors() {
  for (const p of form.querySelectorAll(".slip-err")) { p.hidden = true; p.textContent = ""; }
  for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
}

// calc's field names → the message next to the field at fault.
function fieldBox(field) {
  const m = /^stays\[0\]\.(?:slip\.)?([a-z_]+)$/.exec(field || "");
  if (m && document.getElementById(`slip-${m[1]}-err`)) return m[1];
  if (field === "identities") return "identities";
  return "form";
}

function showErrors(errors) {
  let first = null;
  for (const e of errors) {
    const key = fieldBox(e.field);
    const box = document.getElementById(`slip-${key}-err`);
    box.textContent = (box.textContent ? box.textContent + " " : "") + text(e.message);
    box.hidden = false;
    const input = document.getElementById(`slip-${key}`);
    if (input) input.setAttribute("aria-invalid", "true");
    if (!first) first = input || box;
  }
  status.textContent = "有的数没看懂，请看红字。";
  first?.focus?.();
  first?.scrollIntoView?.({ block: "center" });
}

function render(out) {
  const tbody = $(result, "#slip-table tbody");
  tbody.replaceChildren();
  const asks = $(result, "#slip-asks");
  asks.replaceChildren();
  const st = out.stays?.[0] || {};
  $(result, "#slip-facts").textContent =
    `${text(out.region?.name)} ${text(out.identity?.label)}，${out.input?.year}年：按结算单上的政策范围内费用 ${yuan(st.in_policy)} 元、` +
    `基本医保支付 ${yuan(st.basic)} 元往下核对。`;
  for (const r of out.check || []) {
    const tr = el("tr", { class: `slip-row slip-${r.status}`, "data-payer": r.payer, "data-status": r.status },
      el("th", { scope: "row", "data-label": "哪一项", text: text(r.label) }),
      el("td", { "data-label": "结算单上", text: `${yuan(r.slip)} 元` }),
      el("td", { "data-label": "按文件", text: `${yuan(r.expected)} 元` }),
      el("td", { "data-label": "结论", class: "slip-verdict" }, el("strong", { text: text(r.verdict) })),
      el("td", { "data-label": "依据和可以问什么", class: "slip-why" }, text(r.text),
        r.cite ? el("span", { class: "slip-cite", text: `（${text(r.cite)}）` }) : null));
    tbody.append(tr);
    if (r.ask) asks.append(el("li", { text: `${text(r.label)}：${text(r.ask)}` }));
  }
  if (!asks.children.length) asks.append(el("li", { text: "结算单上的各项和文件一致或更多，不用专门去问。" }));
  result.hidden = false;
  $(result, "#slip-share-box").hidden = true;
  result.focus({ preventScroll: true });
  result.scrollIntoView({ block: "start" });
  status.textContent = "核对好了，结果在下面。";
}

async function check(input) {
  clearErrors();
  lastInput = input;
  if (!client) {
    status.textContent = "计算器还在准备，准备好就自动核对。";
    pending = input;
    return;
  }
  status.textContent = "正在核对…";
  let out;
  try { out = await client.estimate(input); } catch (e) {
    status.textContent = /[\u4e00-\u9fff]/.test(e?.message || "") ? e.message : "计算器出错了，请刷新再试。";
    return;
  }
  if (!out?.ok) { showErrors(Array.isArray(out?.errors) ? out.errors : [{ field: "json", message: "没能核对，请检查填的数。" }]); return; }
  if (!Array.isArray(out.check) || !out.check.length) {
    showErrors([{ field: "stays[0].basic", message: "请至少填一行结算单上的报销金额（如基本医保支付）。" }]);
    return;
  }
  render(out);
}

function fromHash() {
  const code = shareCodeFromHash();
  if (code === null) return;
  history.replaceState(history.state, "", location.pathname + location.search);  // read once, keep nothing
  const got = decodeShare(code);
  if (!got.ok) { status.textContent = got.message; return; }
  fill(got.input);
  check(read());
}

function boot() {
  setupElder();
  if (!meta()) { status.textContent = "页面没有下载完整，请刷新再试。"; return; }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); check(read()); });
  document.getElementById("slip-print").addEventListener("click", () => window.print());
  document.getElementById("slip-share").addEventListener("click", () => {
    if (!lastInput) return;
    const url = shareUrl(lastInput, location.href.split("#")[0]);
    const a = document.getElementById("slip-share-link");
    a.href = url;
    a.textContent = url;
    document.getElementById("slip-share-box").hidden = false;
    navigator.clipboard?.writeText(url).catch(() => {});
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    status.textContent = "这个浏览器不支持在手机上运行计算器（缺少 WebAssembly），请换一个新一点的浏览器。";
    return;
  }
  import("../runtime/calc-client.js").then((m) => m.startCalc()).then((c) => {
    client = c;
    page.dataset.ready = "true";
    if (pending) { const p = pending; pending = null; check(p); } else if (!lastInput) status.textContent = "计算器准备好了。";
  }, (e) => {
    status.textContent = /[\u4e00-\u9fff]/.test(e?.message || "") ? e.message : "计算器没能加载（可能网络断了，或浏览器太旧）。";
  });
}

if (page && form) boot();
