// Link builder for publicity staff: builds a calculator share link
// <page>#calc=<base64url(UTF-8 JSON of the estimate input)>, no Pyodide needed.
// Loaded as a module on every page; acts only where a form[data-linkbuilder] exists.
import { encodeShare } from "./share.js";

export function buildLink(base, input) {
  return base.replace(/#.*$/, "") + "#calc=" + encodeShare(input);
}

function setup(form) {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const input = {
      region: form.dataset.region,
      year: Number(form.dataset.year),
      identities: [f.identity.value],
      stays: [{
        total: f.total.value.trim(),
        out_of_policy: f.out_of_policy.value.trim() || "0",
        level: f.level.value,
        place: f.place.value,
        referral: f.referral.checked,
      }],
    };
    const url = buildLink(form.dataset.base || location.href, input);
    const out = f.link;
    out.textContent = "";
    const a = document.createElement("a");
    a.href = url;
    a.textContent = url;
    out.append(a);
  });
}

function init() {
  document.querySelectorAll("form[data-linkbuilder]").forEach(setup);
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
// mkdocs-material instant navigation swaps pages without reload
if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
