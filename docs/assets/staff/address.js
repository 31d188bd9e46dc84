// The deployment's address: in a production build every page carries
//   <meta name="mbz-site" content="<base_url>" data-production="production">
// (overrides/main.html). Opened at another address (an intranet mirror, a copy on a laptop), the
// pages that show or print links and QR codes say so, as 本地预览 does: their `.other-address`
// note (templates/partials/preview.html) is shown. The links themselves keep using base_url
// (share.js deployedUrl).
export function deployment(doc = document) {
  const meta = doc.querySelector('meta[name="mbz-site"]');
  const base = meta?.content || "";
  return { base, production: meta?.dataset.production === "production" && /^https?:\/\//.test(base) };
}

export function atDeployment(href = location.href, doc = document) {
  const { base, production } = deployment(doc);
  return !production || href.startsWith(base);
}

function mark() {
  if (atDeployment()) return;
  for (const note of document.querySelectorAll(".other-address")) {
    const here = note.querySelector(".other-address-here");
    if (here) here.textContent = location.origin + location.pathname;
    note.hidden = false;
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark, { once: true });
  else mark();
}
