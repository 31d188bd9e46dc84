// "读给我听": reads the answer aloud, briefly — the amount, the identity, what the payers pay and
// one caveat (the full notes are on the screen and on paper).
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

// What is read: short enough to hear in one go (about 150 characters) — the amount, the identity,
// what each payer pays, and one caveat. `answer` is the answer's own words (calc-result.js
// speechParts): {amount, identity, payers: [[label, amount]], caveats: [..]}. A stale answer (the
// form has errors and the answer is the previous one) says so first.
export function speechText(answer, box = document.getElementById("calc-result")) {
  if (!answer || !answer.amount) return "";
  const stale = box?.querySelector("#calc-stale:not([hidden])");
  const parts = [
    stale ? "这是上一次算的结果" : "",
    `您自己大约要付 ${answer.amount} 元`,
    answer.identity || "",
    (answer.payers || []).map(([label, amount]) => `${String(label).replace(/（[^）]*）/g, "")} ${amount} 元`).join("，"),
    shortCaveat((answer.caveats || []).find((c) => c)),
  ].filter(Boolean);
  return spoken(parts.map((p) => p.replace(/[。.]$/, "")).join("。") + "。");
}

// A caveat's first sentence, without its bracketed detail: "今年的医疗费用共 123,456.00 元，超过了预警线 10,066.50 元".
export function shortCaveat(t) {
  if (typeof t !== "string") return "";
  return (t.split("。")[0] || "").replace(/（[^）]*）/g, "").replace(/\([^)]*\)/g, "").trim();
}

// Amounts as a person says them: "4,515.00 元" → "4515 元" (a voice reads ",", ".00" literally).
export const spoken = (t) => t.replace(/(\d),(?=\d{3})/g, "$1").replace(/(\d)\.00(?!\d)/g, "$1");

let networkAllowed = false;  // this page only: the person said yes to a speech service

// answerParts: () => the answer's words for speechText (the answer on screen when tapped).
export function speakButton(answerParts) {
  const s = synth();
  if (!s || typeof window.SpeechSynthesisUtterance !== "function") return null;
  const b = el("button", { type: "button", id: "calc-speak", class: "calc-btn calc-btn-secondary calc-speak", text: "读给我听", hidden: true });
  const show = () => { b.hidden = !chooseVoice(); };
  show();
  s.onvoiceschanged = show;  // one listener: the latest answer's button
  const reset = () => { b.textContent = "读给我听"; };

  const speak = (choice) => {
    const box = b.closest("#calc-result") || document.getElementById("calc-result");
    const t = speechText(typeof answerParts === "function" ? answerParts() : null, box);
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
