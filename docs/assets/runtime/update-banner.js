// Tells a returning visitor that a newer version of the site is ready (a service worker is
// waiting, see ../sw.js) with a button that switches to it: "本站内容已更新". The page keeps the
// version it was opened with until then, so figures, calculator and engine always match.
// Loaded on every page (overrides/main.html). It also registers the service worker, so that one
// visit to any page makes every page work offline: at once after the page has loaded,
// or on a calculator page once the engine has started or failed (calc-client.js calls
// registerSiteWorker), so the first visit's downloads do not compete with the engine's.
// And when the engine says the page is of another deploy than its files (kind "version",
// worker.js), it switches to the newest version by itself: "本站内容已更新，正在换成新版本".
import { engineProbe } from "../shared/engine-probe.js";

const sw = navigator.serviceWorker;
const SITE = new URL("../../", import.meta.url);
let switching = false;
let registered = null;

export function registerSiteWorker() {
  if (registered || !sw || !/^https?:$/.test(location.protocol)) return registered || Promise.resolve(null);
  // updateViaCache "none": the browser always asks the server for sw.js, so a new deployment is seen.
  // A phone that cannot run the engine (the <head>'s probe, engine-probe.js): its service worker
  // caches the pages only, never the runtime (nothing of the runtime is downloaded there).
  const url = new URL("sw.js", SITE);
  registered = engineProbe().then((probe) => {
    if (!probe.ok) url.search = "?engine=0";
    return sw.register(url, { scope: SITE.pathname, updateViaCache: "none" });
  }).catch(() => null);  // offline support is a bonus; the pages work without it
  return registered;
}

function banner(onClick, message = "本站内容已更新。") {
  let box = document.getElementById("site-update");
  if (box) {
    box.querySelector("#site-update-text").textContent = message;
    return box;
  }
  box = document.createElement("div");
  box.id = "site-update";
  box.setAttribute("role", "status");
  Object.assign(box.style, {
    position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "10",
    display: "flex", flexWrap: "wrap", gap: ".5em 1em", alignItems: "center", justifyContent: "center",
    padding: ".75em 1em", fontSize: "1rem", lineHeight: "1.4",
    background: "#00463d", color: "#fff",  // AA contrast whatever the theme colours
  });
  const text = document.createElement("span");
  text.id = "site-update-text";
  text.textContent = message;
  const button = document.createElement("button");
  button.type = "button";
  button.id = "site-update-load";
  button.textContent = "看最新内容";
  Object.assign(button.style, {
    font: "inherit", fontWeight: "bold", padding: ".4em 1em", minHeight: "44px", cursor: "pointer",
    border: "2px solid currentColor", borderRadius: "4px", background: "#fff", color: "#00463d",
  });
  button.addEventListener("click", onClick);
  const style = document.createElement("style");
  style.textContent = "@media print { #site-update { display: none !important; } }";
  box.append(text, button, style);
  document.body.append(box);
  return box;
}

function offer(reg) {
  banner(() => {
    switching = true;
    if (reg.waiting) reg.waiting.postMessage({ type: "SKIP_WAITING" });  // then controllerchange
    else location.reload();  // another tab already switched: this page only needs a reload
  });
}

async function watch() {
  const reg = await sw.getRegistration();
  if (!reg) return;
  const track = (next) => next?.addEventListener("statechange", () => {
    if (next.state === "installed" && sw.controller) offer(reg);
  });
  if (reg.waiting) offer(reg);
  track(reg.installing);  // an update already under way when this page started
  reg.addEventListener("updatefound", () => track(reg.installing));
  sw.addEventListener("controllerchange", () => {
    if (switching) location.reload();
    else offer(reg);  // switched from another tab: this page still shows the old version
  });
}

if (sw && sw.controller && /^https?:$/.test(location.protocol)) watch().catch(() => {});

// A page with a calculator registers once its engine has settled (calc-client.js); others, and a
// calculator page whose engine cannot run here (its pages still work offline), after load.
engineProbe().then((probe) => {
  if (probe.ok && (document.getElementById("calculator") || window.__calcEarly)) return;
  if (document.readyState === "complete") registerSiteWorker();
  else addEventListener("load", () => registerSiteWorker(), { once: true });
});

// The engine refused to compute for this page: its files are of another deploy (worker.js,
// kind "version"). Get the newest version of everything, then load the page again — once per
// page and version (marked in this history entry's state, which a reload keeps; nothing is
// stored), so a host that keeps serving mixed files cannot make it reload forever.
async function switchVersion(build) {
  banner(() => location.reload(), "本站内容已更新，正在换成新版本……");
  if (history.state && history.state.mbzReloadedFor === build) return;  // tried already: the button stays
  history.replaceState({ ...(history.state || {}), mbzReloadedFor: build }, "");
  const reg = sw && (await sw.getRegistration().catch(() => null));
  if (reg) {
    await reg.update().catch(() => {});
    const next = reg.installing || reg.waiting;
    if (next) {
      await new Promise((resolve) => {
        const done = () => next.state === "installed" || next.state === "activated" || next.state === "redundant";
        if (done()) resolve();
        else next.addEventListener("statechange", () => done() && resolve());
      });
      if (reg.waiting) {
        switching = true;
        sw.addEventListener("controllerchange", () => location.reload(), { once: true });
        reg.waiting.postMessage({ type: "SKIP_WAITING" });
        return;
      }
    }
  }
  location.reload();
}
addEventListener("calc-version", (ev) => {
  const meta = document.querySelector('meta[name="calc-build"]');
  switchVersion((meta && meta.content) || "").catch(() => {});
});
