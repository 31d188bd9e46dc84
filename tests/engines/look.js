// What a resident sees on a calculator page, as one JSON-able object: evaluated as an expression
// in the page by every engine's driver (puppeteer in Chromium 92 and Firefox, WebDriver in WebKitGTK).
(() => {
  const q = (s) => document.querySelector(s);
  const vis = (e) => !!e && !e.hidden && e.getClientRects().length > 0;
  // clipped away on purpose (a stacked table's visually hidden header row)
  const clipped = (e) => { for (let a = e; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a); if (s.display === "none" || (s.clip && s.clip !== "auto")) return true; } return false; };
  const narrow = [];
  document.querySelectorAll("caption, th, td, h1, h2, h3, figcaption").forEach((e) => {
    const w = e.getBoundingClientRect().width;
    if (e.textContent.trim() && vis(e) && !clipped(e) && w < 120) narrow.push(e.tagName + " " + Math.round(w) + "px " + e.textContent.trim().slice(0, 24));
  });
  const r = q("#calc-result");
  return {
    state: r ? r.dataset.state : null,
    source: r ? r.dataset.source || "" : null,
    stale: r ? r.dataset.stale || "" : null,
    amount: vis(q('#calc-big [data-amount="year.resident"]')) ? q('#calc-big [data-amount="year.resident"]').textContent.trim() : null,
    amountRight: vis(q("#calc-big .calc-amount-line")) ? Math.round(q("#calc-big .calc-amount-line").getBoundingClientRect().right) : null,
    summary: vis(q("#calc-summary")) ? q("#calc-summary").textContent.trim() : null,
    steps: Array.prototype.map.call(document.querySelectorAll("#calc-trace .calc-trace-text"), (s) => s.textContent),
    share: vis(q("#calc-share")),
    failed: vis(q("#calc-failed")) ? q("#calc-failed").textContent : null,
    retry: !!q("#calc-retry"),
    intro: q("#calc-form .calc-intro") ? q("#calc-form .calc-intro").textContent : null,
    ready: q("#calculator") ? q("#calculator").dataset.ready : null,
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    narrow: narrow,
  };
})()
