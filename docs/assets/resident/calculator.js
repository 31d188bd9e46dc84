// 医保明白账 calculator — entry module (loaded on every page; does nothing without #calculator).
// The form is built at once from the page's embedded meta; the engine (Pyodide worker via
// calc-client.js) loads alongside, and the answer comes from calc. The modules:
//   calc-meta.js (labels from meta) · calc-form.js · calc-result.js · calc-advanced.js ·
//   calc-compare.js · calc-print.js (share and print) · calc-chart.js · calc-speak.js ·
//   calc-app.js (controller) · share.js (the share-link format) · calc-dom.js (helpers) ·
//   calc-elder.js (长辈版 / 大字) ·
//   calc-instant.js (answers calc computed at build time, shown before the engine arrives)
import { readMeta } from "./calc-meta.js";
import { CalcApp } from "./calc-app.js";
import { preparePrint } from "./calc-print.js";
import { offerRetry, onEngineFatal } from "./calc-retry.js";  // delivery: 重试 after a failure
import { setupElder } from "./calc-elder.js";  // 长辈版 (大字)
import { engineProbe } from "../shared/engine-probe.js";

window.__calcBooted = true;  // the modules parse here: the <head>'s too-old-browser message stays away

function boot() {
  performance.mark?.("calc-boot");  // for make bench / the e2e timeline: when the calculator started
  const root = document.getElementById("calculator");
  if (!root) return;
  setupElder();
  let meta;
  try { meta = readMeta(); } catch {
    const box = document.getElementById("calc-failed");
    if (box) { box.hidden = false; document.getElementById("calc-failed-why").textContent = "页面没有下载完整，请刷新再试。"; }
    return;
  }
  const app = new CalcApp(root, meta);
  app.build();
  // A failed start, or an engine that died for good: the message with a 重试 that starts a fresh
  // engine (calc-client.js restartCalc) without reloading the page.
  const retry = () => offerRetry(root, (ready) => { app.engine = "loading"; app.attach(ready); });
  app.onFailed = retry;
  onEngineFatal((err) => { app.engine = "failed"; app.failed(err?.message); retry(); });
  window.addEventListener("hashchange", () => app.fromHash());
  window.addEventListener("beforeprint", () => preparePrint(app, true));
  window.addEventListener("afterprint", () => preparePrint(app, false));
  // What the engine needs (the <head>'s probe, overrides/main.html): where it fails, nothing of the
  // runtime is fetched (the <head> skips its early start too); the answers calc computed at build
  // time still show (calc-instant.js), with one plain message and no 重试.
  app.attach(engineProbe().then((probe) => (probe.ok
    ? import("../runtime/calc-client.js").then((m) => m.startCalc({ onProgress: (p) => app.progress(p) }))
    : Promise.reject(Object.assign(new Error(`这个浏览器不能在手机上运行计算器（缺少 ${probe.missing}），请换一个新一点的浏览器。`),
      { kind: "unsupported", missing: probe.missing })))));
  app.fromHash();
}

// Loaded early (async, from the calculator partial) or at the end of the page: start as soon as
// the calculator's markup is complete (its last element is #calc-announce), not at DOMContentLoaded,
// so a phone still parsing the rest of a long page already shows the answer.
function whenCalculatorParsed(fn) {
  let done = false;
  const go = () => { if (!done) { done = true; obs?.disconnect(); fn(); } };
  if (document.readyState !== "loading" || document.getElementById("calc-announce")) { go(); return; }
  var obs = new MutationObserver(() => { if (document.getElementById("calc-announce")) go(); });
  obs.observe(document, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", go);
}

whenCalculatorParsed(boot);
