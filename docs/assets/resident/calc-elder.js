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

// The text zoom a WebView applies on top of the page's sizes (WeChat's 字体大小 = text-size-adjust):
// 2 when a 100-px probe computes to 200 px. Set as --calc-tz on <html>, so 长辈版's own enlargement
// does not multiply with it (calculator.css); 1 where there is none.
export function textZoom(doc = document) {
  const probe = doc.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;font-size:100px";
  (doc.body || doc.documentElement).append(probe);
  const z = parseFloat(getComputedStyle(probe).fontSize) / 100;
  probe.remove();
  return Number.isFinite(z) && z > 0 ? z : 1;
}

export function elderOn(doc = document) {
  return doc.documentElement.classList.contains(CLASS);
}

function apply(on, group) {
  document.documentElement.classList.toggle(CLASS, on);
  if (!group) return;
  for (const b of group.querySelectorAll("[data-elder]")) b.setAttribute("aria-pressed", String((b.dataset.elder === "on") === on));
}

// Called once at boot: applies the preference and wires the switch (#calc-elder in the page): two
// positions, 普通字 | 大字, each setting its own state, so tapping 大字 when it is already on (say
// because large text turned it on) keeps it on.
export function setupElder(doc = document) {
  const group = doc.getElementById("calc-elder");
  const tz = textZoom(doc);
  if (Math.abs(tz - 1) > 0.01) doc.documentElement.style.setProperty("--calc-tz", String(Math.round(tz * 100) / 100));
  const pref = stored();
  const on = doc.getElementById("calc-elder-on");
  const off = doc.getElementById("calc-elder-off");
  if (on) on.dataset.elder = "on";
  if (off) off.dataset.elder = "off";
  apply(pref === "on" || (pref !== "off" && browserLargeText(doc)), group);
  if (!group) return;
  group.hidden = false;
  for (const b of [on, off]) {
    if (!b) continue;
    b.addEventListener("click", () => {
      const want = b.dataset.elder === "on";
      store(want ? "on" : "off");
      if (want === elderOn(doc)) return;
      apply(want, group);
      group.scrollIntoView({ block: "start", behavior: "instant" });
      b.focus({ preventScroll: true });
    });
  }
}
