// "读给我听": reads the answer aloud — the amount, calc's sentences, the year warning and the notes,
// as the page shows them (read from #calc-result and #calc-year-note at the moment of the click).
// Only with a Chinese voice the phone itself provides (`localService`): a voice that is not local
// sends the text (amounts and identity included) to a speech service, so then the person is told
// that first and chooses; the choice holds for this page only and is never stored.
// The button exists only where a Chinese voice does; voices may arrive late, so it appears then.
import { el } from "./calc-dom.js";

const synth = () => (typeof window !== "undefined" && "speechSynthesis" in window ? window.speechSynthesis : null);
const isChinese = (v) => /^(zh|cmn)([-_]|$)/i.test(v?.lang || "");
const chineseVoices = () => (synth()?.getVoices() || []).filter(isChinese);
// Mainland Mandarin first, then any Chinese voice.
const preferred = (list) => list.find((v) => /^(zh|cmn)[-_](cn|hans)/i.test(v.lang || "")) || list[0] || null;

// The voice to use and whether it is the phone's own: {voice, local} or null (no Chinese voice).
export function chooseVoice(voices = chineseVoices()) {
  const zh = voices.filter(isChinese);
  const local = preferred(zh.filter((v) => v.localService === true));
  if (local) return { voice: local, local: true };
  const other = preferred(zh);
  return other ? { voice: other, local: false } : null;
}

// What is read, in the order the page shows it. Elements hidden with the `hidden` attribute (a
// stale-answer notice that does not apply, an empty year note) are skipped; notes folded away in a
// <details> are read. An element marked `data-speak` inside the answer is read too.
const ANSWER_PARTS = [".calc-stale", "#calc-big", "#calc-summary", ".calc-summary", "#calc-year-sum"];
const NOTE_PARTS = ["#calc-notes .calc-note-item > span", ".calc-note-item > span", ".calc-warning", "[data-speak]"];

export function speechText(box = document.getElementById("calc-result"), doc = document) {
  const seen = new Set();
  const parts = [];
  const add = (e) => {
    if (!e || e.closest("[hidden]")) return;
    const t = (e.textContent || "").replace(/\s+/g, " ").trim().replace(/[。.]$/, "");
    if (t && !seen.has(t)) { seen.add(t); parts.push(t); }
  };
  const inBox = (sels) => (box ? [...box.querySelectorAll(sels.join(", "))] : []);
  inBox(ANSWER_PARTS).forEach(add);
  add(doc.getElementById("calc-year-note"));
  inBox(NOTE_PARTS).forEach(add);
  return parts.length ? spoken(parts.join("。") + "。") : "";
}

// Amounts as a person says them: "4,515.00 元" → "4515 元" (a voice reads ",", ".00" literally).
export const spoken = (t) => t.replace(/(\d),(?=\d{3})/g, "$1").replace(/(\d)\.00(?!\d)/g, "$1");

let networkAllowed = false;  // this page only: the person said yes to a speech service

export function speakButton(fallbackText) {
  const s = synth();
  if (!s || typeof window.SpeechSynthesisUtterance !== "function") return null;
  const b = el("button", { type: "button", id: "calc-speak", class: "calc-btn calc-btn-secondary calc-speak", text: "读给我听", hidden: true });
  const show = () => { b.hidden = !chooseVoice(); };
  show();
  s.onvoiceschanged = show;  // one listener: the latest answer's button
  const reset = () => { b.textContent = "读给我听"; };

  const speak = (choice) => {
    const box = b.closest("#calc-result") || document.getElementById("calc-result");
    const t = speechText(box) || spoken(typeof fallbackText === "function" ? fallbackText() || "" : "");
    if (!t) return;
    const u = new SpeechSynthesisUtterance(t);
    try { u.voice = choice.voice; } catch { /* not a real SpeechSynthesisVoice: the lang below picks it */ }
    u.lang = choice.voice.lang || "zh-CN";
    u.rate = 0.9;  // a little slower for older listeners
    u.onend = u.onerror = reset;
    s.cancel();
    s.speak(u);
    b.textContent = "停止朗读";
  };

  const ask = (choice) => {
    b.parentNode?.querySelector(".calc-speak-ask")?.remove();
    const panel = el("div", { class: "calc-speak calc-speak-ask", id: "calc-speak-ask", role: "group", "aria-labelledby": "calc-speak-ask-text" },
      el("p", { id: "calc-speak-ask-text", text: "这台手机没有自带的中文朗读声音。继续的话，要读的文字（包括您填的金额和身份）会发给手机的语音服务，可能经过网络传出去。" }),
      el("button", { type: "button", class: "calc-btn calc-btn-secondary", "data-speak-choice": "yes", text: "仍然朗读" }),
      " ",
      el("button", { type: "button", class: "calc-btn calc-btn-secondary", "data-speak-choice": "no", text: "不用了" }));
    panel.addEventListener("click", (ev) => {
      const c = ev.target.closest("[data-speak-choice]")?.dataset.speakChoice;
      if (!c) return;
      panel.remove();
      b.focus();
      if (c === "yes") { networkAllowed = true; speak(choice); }
    });
    b.after(panel);
    panel.querySelector("button").focus();
  };

  b.addEventListener("click", () => {
    if (s.speaking) { s.cancel(); reset(); return; }
    const choice = chooseVoice();
    if (!choice) { show(); return; }
    if (choice.local || networkAllowed) speak(choice);
    else ask(choice);
  });
  return b;
}
