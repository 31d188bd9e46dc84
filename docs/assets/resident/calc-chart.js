// The picture for the person's own scenario: paychart/ draws it in the worker (message
// `chart`), the same code that drew the pictures on this page at build time. The SVG comes from
// our own code, built from numbers and calc's labels; it is still parsed as XML and checked
// against an allow-list of elements and attributes before it enters the page.
const TAGS = new Set(["svg", "title", "desc", "g", "line", "polyline", "path", "rect", "circle", "text", "tspan"]);
const ATTRS = new Set(["xmlns", "class", "viewBox", "role", "aria-labelledby", "font-size", "id", "x", "y", "x1", "y1", "x2", "y2",
  "cx", "cy", "r", "width", "height", "points", "d", "fill", "stroke", "stroke-width", "stroke-dasharray", "text-anchor"]);

export function safeSvg(svgText) {
  if (typeof svgText !== "string" || svgText.length > 200000) return null;
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const root = doc.documentElement;
  if (!root || root.localName !== "svg" || doc.getElementsByTagName("parsererror").length) return null;
  for (const e of [root, ...root.querySelectorAll("*")]) {
    if (!TAGS.has(e.localName)) return null;
    for (const a of e.attributes) if (!ATTRS.has(a.name)) return null;
  }
  return document.importNode(root, true);
}

// Drawn when the person scrolls near it: drawing takes the worker a moment, and a new 算一算
// right after an answer should not wait behind a picture nobody has looked at yet.
export function drawOwnChartWhenSeen(app, out, figure) {
  const stays = out.input?.stays;
  if (!figure || !Array.isArray(stays) || !stays.length || typeof app.client?.chart !== "function") return;
  const note = document.createElement("p");
  note.className = "calc-note";
  note.textContent = "正在按您的情况画图…";
  figure.replaceChildren(note);
  figure.hidden = false;
  figure.dataset.state = "waiting";
  if (typeof IntersectionObserver !== "function") { drawOwnChart(app, out, figure); return; }
  const io = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    io.disconnect();
    drawOwnChart(app, out, figure);
  }, { rootMargin: "200px 0px" });
  io.observe(figure);
}

export async function drawOwnChart(app, out, figure) {
  const stays = out.input?.stays;
  figure.dataset.state = "busy";
  const ident = out.identity?.id;
  const ids = [ident];
  if (ident !== "putong" && (app.meta.region.identities || []).some((i) => i.id === "putong")) ids.push("putong");
  const req = { input: out.input, identities: ids, point: [stays[0].total, out.year.resident], uid: "own" };
  let res;
  try { res = await app.client.chart(req); } catch { res = null; }
  if (app.lastResult !== out) return;  // a newer answer is already on screen
  const svg = res?.ok ? safeSvg(res.svg) : null;
  if (!svg) { figure.hidden = true; figure.dataset.state = "failed"; return; }
  figure.replaceChildren(svg);
  const cap = document.createElement("figcaption");
  cap.textContent = stays.length > 1
    ? "红点是您填的情况。线是第 1 次住院的总费用变多或变少时，您全年自己付多少（其他住院和门诊不变）。"
    : "红点是您填的情况。线是住院总费用变多或变少时，您自己付多少（其他条件不变）。";
  const bends = Array.isArray(res.bends) ? res.bends.filter((b) => typeof b?.text === "string") : [];
  if (bends.length) {
    cap.append("粗线上的圆圈：");
    const ol = document.createElement("ol");
    ol.className = "chart-bends";
    for (const b of bends) { const li = document.createElement("li"); li.textContent = b.text; ol.append(li); }
    cap.append(ol);
  }
  figure.append(cap);
  figure.hidden = false;
  figure.dataset.state = "done";
}
