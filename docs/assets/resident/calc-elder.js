// 长辈版 (大字): main text >= 18 px, every target >= 60 px, line spacing >= 1.3, and on the page
// only the question, the answer and how to get the money (calculator.css / site.css, under
// html.calc-elder). A preference of this device, not resident data: localStorage key
// "mbz-elder" = "on" | "off" (README, privacy). Without a stored choice it follows the browser's
// large-text setting where a page can see it: a default font size well above the usual 16 px.
export const ELDER_KEY = "mbz-elder";
const CLASS = "calc-elder";
const LARGE = 16 * 1.3;  // px: a browser default font this large means the person asked for large text

function stored() {
  try { return localStorage.getItem(ELDER_KEY); } catch { return null; }
}
function store(v) {
  try { localStorage.setItem(ELDER_KEY, v); } catch { /* private mode: the switch still works on this page */ }
}

// The browser's default font size ("medium"), which its large-text setting raises.
export function browserLargeText(doc = document) {
  const probe = doc.createElement("span");
  probe.style.position = "absolute";
  probe.style.visibility = "hidden";
  probe.style.fontSize = "medium";
  (doc.body || doc.documentElement).append(probe);
  const px = parseFloat(getComputedStyle(probe).fontSize);
  probe.remove();
  return Number.isFinite(px) && px >= LARGE;
}

export function elderOn(doc = document) {
  return doc.documentElement.classList.contains(CLASS);
}

function apply(on, button) {
  document.documentElement.classList.toggle(CLASS, on);
  if (button) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "长辈版（大字）已打开，点这里换回普通版" : "长辈版（大字）";
  }
}

// Called once at boot: applies the preference and wires the switch (#calc-elder in the page).
export function setupElder(doc = document) {
  const button = doc.getElementById("calc-elder");
  const pref = stored();
  apply(pref === "on" || (pref !== "off" && browserLargeText(doc)), button);
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const on = !elderOn(doc);
    store(on ? "on" : "off");
    apply(on, button);
    button.scrollIntoView({ block: "start", behavior: "instant" });
    button.focus({ preventScroll: true });
  });
}
