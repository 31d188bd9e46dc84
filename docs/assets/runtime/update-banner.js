// Tells a returning visitor that a newer version of the site is ready (a service worker is
// waiting, see ../sw.js) with a button that switches to it: "本站内容已更新". The page keeps the
// version it was opened with until then, so figures, calculator and engine always match.
// Loaded on every page (overrides/main.html); does nothing unless a service worker controls it.
const sw = navigator.serviceWorker;
let switching = false;

function banner(onClick) {
  let box = document.getElementById("site-update");
  if (box) return box;
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
  text.textContent = "本站内容已更新。";
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
  if (reg.waiting) offer(reg);
  reg.addEventListener("updatefound", () => {
    const next = reg.installing;
    next?.addEventListener("statechange", () => {
      if (next.state === "installed" && sw.controller) offer(reg);
    });
  });
  sw.addEventListener("controllerchange", () => {
    if (switching) location.reload();
    else offer(reg);  // switched from another tab: this page still shows the old version
  });
}

if (sw && sw.controller && /^https?:$/.test(location.protocol)) watch().catch(() => {});
