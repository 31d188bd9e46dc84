// "读给我听": reads the answer sentence aloud with the phone's own Chinese voice (Web Speech API).
// The button exists only where such a voice does; voices may arrive late, so it appears then.
import { el } from "./calc-dom.js";

const synth = () => (typeof window !== "undefined" && "speechSynthesis" in window ? window.speechSynthesis : null);
const chineseVoice = () => (synth()?.getVoices() || []).find((v) => /^(zh|cmn)([-_]|$)/i.test(v.lang || ""));

export function speakButton(getText) {
  const s = synth();
  if (!s || typeof window.SpeechSynthesisUtterance !== "function") return null;
  const b = el("button", { type: "button", id: "calc-speak", class: "calc-btn calc-btn-secondary calc-speak", text: "读给我听", hidden: true });
  const show = () => { b.hidden = !chineseVoice(); };
  show();
  s.onvoiceschanged = show;  // one listener: the latest answer's button
  b.addEventListener("click", () => {
    if (s.speaking) { s.cancel(); b.textContent = "读给我听"; return; }
    const u = new SpeechSynthesisUtterance(getText());
    const v = chineseVoice();
    try { if (v) u.voice = v; } catch { /* the lang below picks the voice */ }
    u.lang = v?.lang || "zh-CN";
    u.rate = 0.9;  // a little slower for older listeners
    u.onend = u.onerror = () => { b.textContent = "读给我听"; };
    s.cancel();
    s.speak(u);
    b.textContent = "停止朗读";
  });
  return b;
}
