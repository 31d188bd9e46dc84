"""What the resident pays against the size of the bill, as an SVG picture (no JavaScript needed).

One drawing code for the site build (a chart per identity, sitegen) and the browser (the
person's own scenario, through the worker's `chart` message). Every point is a real calc run
(`calc.api.amounts`: estimate_dict's amounts, without its words); the x axis varies the first
stay's total, everything else stays as given.

Where a payer starts, stops or changes how much it pays, the resident's curve bends; those
bends are found from the computed amounts (not from the region file) and named under the
picture ("约 1.8万元：大病保险开始报"), so residents and staff see where caps and thresholds bite.

Safety: the SVG is built from numbers and from calc's own labels only; every text is
XML-escaped, so nothing from an input can add markup.
"""
from __future__ import annotations

import json
from decimal import Decimal
from xml.sax.saxutils import escape

from calc.api import amounts
from calc.engine import YEAR_KEYS
from calc.input import InputError
from calc.money import s as fen_text
from calc.vocab import PAYERS

W, H = 320, 236                  # viewBox; the picture scales to the column width (~330 px on a phone)
LEFT, RIGHT, TOP, BOTTOM = 46, 14, 50, 40
FONT = 14
LINE_GAP = 20
MIN_WIDTH = 40                   # yuan: sampling stops at this width (bends are then placed exactly
                                 # where the straight pieces on either side meet)
QUICK = {"grid": 10, "min_width": 2000}  # the browser's settings: under half the computations
TOLERANCE = Decimal("0.5")       # yuan: a midpoint this close to the chord is "on the line"
MAX_EVALS = 400                  # per line (bound on work in the browser)
MAX_MARKS = 4
# The payers a bend is put down to, in settlement order (calc.vocab.PAYERS), without the resident.
BEND_PAYERS = [k for k in PAYERS if k != "resident"]


class ChartError(ValueError):
    pass


def _with_total(base: dict, total: int) -> dict:
    """`base` with its first stay's total set to `total`; a given 目录外 keeps its share."""
    stays = [dict(s) for s in base["stays"]]
    first = stays[0]
    old_total = _dec(first.get("total"))
    oop = first.get("out_of_policy")
    if oop not in (None, "") and old_total and old_total > 0:
        first["out_of_policy"] = str((_dec(oop) * total / old_total).quantize(Decimal("0.01")))
    first["total"] = str(total)
    return {**base, "stays": stays}


def _dec(v):
    try:
        return Decimal(str(v))
    except Exception:
        return None


class _Line:
    """Year amounts for one identity at sampled bill sizes, refined where the curve bends."""

    def __init__(self, base: dict, identity: str, min_width: int = MIN_WIDTH):
        self.base = {**base, "identities": [identity]}
        self.min_width = min_width
        self.identity = identity
        self.points: dict[int, dict] = {}
        self.label = identity
        self.evals = 0

    def at(self, x: int) -> dict:
        if x not in self.points:
            if self.evals >= MAX_EVALS:
                raise ChartError("too many evaluations")
            self.evals += 1
            try:
                rp, _, _, _, run = amounts(_with_total(self.base, x))
            except InputError as e:
                raise ChartError("; ".join(err.get("message", "") for err in e.errors)) from None
            self.label = rp.label_of(run.ctx.schedule["assistance"]) or self.label
            self.points[x] = {k: Decimal(fen_text(run.year[k])) for k in YEAR_KEYS if run.year[k] is not None}
        return self.points[x]

    def y(self, x: int) -> Decimal:
        return self.at(x)["resident"]

    def y_near(self, x: int) -> Decimal:
        """The curve's height at x, read off the polyline (no new computation)."""
        v = self.vertices()
        for (a, ya), (b, yb) in zip(v, v[1:]):
            if a <= x <= b:
                return ya + (yb - ya) * (x - a) / (b - a) if b > a else ya
        return v[-1][1]

    def sample(self, lo: int, hi: int, n: int = 24):
        xs = sorted({lo + (hi - lo) * i // n for i in range(n + 1)})
        todo = list(zip(xs, xs[1:]))
        while todo:
            a, b = todo.pop()
            if b - a <= self.min_width:
                continue
            m = (a + b) // 2
            ya, yb, ym = self.y(a), self.y(b), self.y(m)
            chord = ya + (yb - ya) * (m - a) / (b - a)
            if abs(ym - chord) > TOLERANCE:
                todo += [(a, m), (m, b)]
        return self

    def vertices(self):
        """The sampled curve without points that lie on the line through their neighbours."""
        xs = sorted(self.points)
        keep = [xs[0]]
        for i in range(1, len(xs) - 1):
            a, m, b = keep[-1], xs[i], xs[i + 1]
            chord = self.y(a) + (self.y(b) - self.y(a)) * (m - a) / (b - a)
            if abs(self.y(m) - chord) > TOLERANCE:
                keep.append(m)
        keep.append(xs[-1])
        return [(x, self.y(x)) for x in keep]

    def bends(self):
        """[(x, text)]: where a payer starts, stops or changes its share, read from the amounts.

        The curve is straight between bends; around each bend the sampling leaves one short
        segment. A bend is where the straight segments on either side meet; what changed is
        the payer whose rate (yuan per yuan of bill) differs most between those two segments.
        """
        xs = [x for x, _ in self.vertices()]
        long = [(a, b) for a, b in zip(xs, xs[1:]) if b - a > 2 * self.min_width]
        found = []
        for (a1, b1), (a2, b2) in zip(long, long[1:]):
            p1, q1, p2, q2 = self.at(a1), self.at(b1), self.at(a2), self.at(b2)
            rate = lambda p, q, k, w: (q.get(k, 0) - p.get(k, 0)) / w  # noqa: E731
            left = {k: rate(p1, q1, k, b1 - a1) for k in BEND_PAYERS}
            right = {k: rate(p2, q2, k, b2 - a2) for k in BEND_PAYERS}
            k = max(BEND_PAYERS, key=lambda k: abs(right[k] - left[k]))
            dl, dr = left[k], right[k]
            if abs(dr - dl) < Decimal("0.01"):
                continue
            # where the two straight pieces of the resident's curve meet
            sl, sr = rate(p1, q1, "resident", b1 - a1), rate(p2, q2, "resident", b2 - a2)
            x = b1 if sl == sr else (p2["resident"] - sr * a2 - p1["resident"] + sl * a1) / (sl - sr)
            x = int(min(max(Decimal(x), Decimal(b1)), Decimal(a2)))
            small = Decimal("0.005")
            if abs(dl) < small < abs(dr):
                what = "开始承担" if k == "hospital_bears" else "开始报"
            elif abs(dr) < small < abs(dl):
                what = "不再承担" if k == "hospital_bears" else "到了封顶线"
            else:
                what = "报得更多了" if dr > dl else "报得少了"
            if found and found[-1][1] == PAYERS[k] + what and x - found[-1][0] < (xs[-1] - xs[0]) / 50:
                continue  # one bend seen twice around a short segment
            found.append((x, PAYERS[k] + what))
        return found


def _nice_max(v: Decimal) -> int:
    v = max(int(v), 1)
    mag = 10 ** (len(str(v)) - 1)
    for m in (1, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= m * mag:
            return int(m * mag)
    return 10 * mag


def _wan(v) -> str:
    """Tick and label text: 5000 → 5,000; 15000 → 1.5万."""
    v = Decimal(v)
    if v >= 10000:
        w = (v / 10000).quantize(Decimal("0.1")).normalize()
        return f"{w:f}万"
    return f"{int(v):,}"


def _yuan(v: Decimal) -> str:
    return f"{v.quantize(Decimal('1')):,}"


def _point_label_y(lx: float, py: float, marks: list, top: float, bottom: float) -> float:
    """The baseline of "您在这里": above the point, else below it, else higher up — the first place
    whose box (4 characters wide, one line high) clears every numbered circle (radius 8 + 2)."""
    half = FONT * 2
    def clear(y):
        return all(not (abs(cx - lx) < half + 10 and y - FONT - 10 < cy < y + 10) for cx, cy in marks)
    for y in (max(py - 12, top + 12), py + FONT + 10, max(py - 32, top + 12), max(py - 52, top + 12), bottom - 6):
        if top + 12 <= y <= bottom and clear(y):
            return round(y, 1)
    return round(max(py - 12, top + 12), 1)


def _fits(label: str, identity: str, room: float) -> str:
    """A legend label that fits `room` user units (a CJK character is FONT wide): the document's
    words where they fit, else the project's short name (calc.vocab), else cut with "…"."""
    from calc import vocab
    if FONT * len(label) <= room:
        return label
    short = vocab.identity_label(identity) or label
    if FONT * len(short) <= room:
        return short
    n = max(1, int(room // FONT) - 1)
    return short[:n] + "…"


def chart_svg(base: dict, identities: list[str], **kw) -> str:
    """SVG text: the resident's yearly share against the first stay's total, one line per identity
    (see chart_data); the list of bends is drawn under the picture."""
    return chart_data(base, identities, **kw)["svg"]


def chart_data(base: dict, identities: list[str], highlight: str | None = None, reference: str | None = "putong",
               lo: int = 5000, hi: int = 300000, point: tuple | None = None, uid: str = "chart",
               title: str | None = None, x_label: str = "住院总费用（元）", legend: bool = True,
               grid: int = 24, min_width: int = MIN_WIDTH) -> dict:
    """{"svg": SVG text, "bends": [{"n", "x", "text"}]}: the picture, and where the highlighted
    line bends (numbered as on the picture). legend=False leaves the list of bends out of the
    SVG, for a page that shows it as text at body size.

    base: an estimate input with at least one stay (its first stay's total is varied).
    highlight: the identity drawn bold (default the first); reference: drawn dashed when listed.
    point: (bill, resident) of the person's own answer, marked on the highlighted line.
    uid: prefix for element ids, so several pictures can share one page.
    """
    if not isinstance(base, dict) or not base.get("stays"):
        raise ChartError("need at least one stay")
    lo, hi = int(lo), int(hi)
    if not 0 < lo < hi:
        raise ChartError("bad range")
    if point is not None:
        lo, hi = min(lo, int(point[0])), max(hi, int(point[0]))
    highlight = highlight or identities[0]
    lines = [_Line(base, i, min_width).sample(lo, hi, grid) for i in identities]
    main = next(l for l in lines if l.identity == highlight)
    ymax = _nice_max(max(y for l in lines for _, y in l.vertices()) * Decimal("1.05"))
    bends = main.bends()[:MAX_MARKS]
    others = [l for l in lines if l is not main]
    legend_rows = 1 + (1 if others else 0)
    top = TOP + (legend_rows - 1) * LINE_GAP
    plot_h = H - top - BOTTOM
    plot_w = W - LEFT - RIGHT
    height = H + (legend_rows - 1) * LINE_GAP + (LINE_GAP * len(bends) + 8 if bends and legend else 0)

    def X(x):
        return round(LEFT + plot_w * x / hi, 1)

    def Y(y):
        return round(top + plot_h - plot_h * float(y) / ymax, 1)

    uid = "".join(c for c in uid if c.isalnum() or c in "-_") or "chart"
    name = _fits(main.label, main.identity, W - LEFT - 28 - 4)
    title = title or f"{name}：住院花多少，自己付多少"
    desc = [f"横轴是{x_label.replace('（元）', '')}，从{_yuan(Decimal(lo))}元到{_yuan(Decimal(hi))}元；纵轴是您一年自己付的钱。"]
    for l in lines:
        v = l.vertices()
        desc.append(f"{l.label}：自己付从{_yuan(v[0][1])}元到{_yuan(v[-1][1])}元。")
    for x, t in bends:
        desc.append(f"总费用约{_wan(x)}元时，{t}。")
    if point is not None:
        desc.append(f"您填的情况：总费用{_yuan(Decimal(point[0]))}元，自己付{_yuan(Decimal(point[1]))}元。")

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {W} {height}" '
           f'role="img" aria-labelledby="{uid}-t {uid}-d" font-size="{FONT}">',
           f'<title id="{uid}-t">{escape(title)}</title>',
           f'<desc id="{uid}-d">{escape("".join(desc))}</desc>']
    # legend
    ly = 16
    out.append(f'<line class="chart-line-main" x1="{LEFT}" y1="{ly - 4}" x2="{LEFT + 22}" y2="{ly - 4}" '
               f'stroke="#00695c" stroke-width="3"/>')
    out.append(f'<text class="chart-text" x="{LEFT + 28}" y="{ly}" fill="#1a1a1a">{escape(name)}</text>')
    if others:
        ref = [l for l in others if l.identity == reference]
        rest = [l for l in others if l.identity != reference]
        x0 = LEFT
        ly += LINE_GAP
        if ref:
            out.append(f'<line class="chart-line-ref" x1="{x0}" y1="{ly - 4}" x2="{x0 + 22}" y2="{ly - 4}" '
                       f'stroke="#555" stroke-width="2" stroke-dasharray="5 3"/>')
            ref_name = _fits(ref[0].label, ref[0].identity, W - x0 - 28 - 4 - (28 + FONT * 4 + 14 if rest else 0))
            out.append(f'<text class="chart-text" x="{x0 + 28}" y="{ly}" fill="#1a1a1a">{escape(ref_name)}</text>')
            x0 += 28 + FONT * len(ref_name) + 14
        if rest:
            out.append(f'<line class="chart-line-other" x1="{x0}" y1="{ly - 4}" x2="{x0 + 22}" y2="{ly - 4}" '
                       f'stroke="#999" stroke-width="1.5"/>')
            out.append(f'<text class="chart-text" x="{x0 + 28}" y="{ly}" fill="#1a1a1a">其他身份</text>')
    # axes, grid, ticks
    # the axis title sits a full line above the top tick label (they share the left margin)
    out.append(f'<text class="chart-text" x="4" y="{top - 16}" fill="#1a1a1a">您自己付（元）</text>')
    for i in range(5):
        v = Decimal(ymax) * i / 4
        y = Y(v)
        out.append(f'<line class="chart-grid" x1="{LEFT}" y1="{y}" x2="{W - RIGHT}" y2="{y}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text class="chart-text" x="{LEFT - 4}" y="{y + 4}" text-anchor="end" fill="#1a1a1a">{_wan(v)}</text>')
    step = 50000 if hi > 150000 else 20000 if hi > 60000 else 10000 if hi > 20000 else 5000
    for x in range(0, hi + 1, step):
        out.append(f'<line class="chart-axis" x1="{X(x)}" y1="{top + plot_h}" x2="{X(x)}" y2="{top + plot_h + 4}" stroke="#555"/>')
        # a tick label near the right edge ends at the edge instead of leaving the picture
        anchor = "end" if X(x) + FONT * 1.2 > W else "middle"
        tx = W - 1 if anchor == "end" else X(x)
        out.append(f'<text class="chart-text" x="{tx}" y="{top + plot_h + 18}" text-anchor="{anchor}" fill="#1a1a1a">{_wan(x) if x else "0"}</text>')
    out.append(f'<line class="chart-axis" x1="{LEFT}" y1="{top + plot_h}" x2="{W - RIGHT}" y2="{top + plot_h}" stroke="#555"/>')
    out.append(f'<line class="chart-axis" x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{top + plot_h}" stroke="#555"/>')
    out.append(f'<text class="chart-text" x="{W - RIGHT}" y="{top + plot_h + 35}" text-anchor="end" fill="#1a1a1a">{escape(x_label)}</text>')

    def poly(l):
        return " ".join(f"{X(x)},{Y(y)}" for x, y in l.vertices())

    for l in others:
        cls, stroke, extra = (("chart-line-ref", "#555", ' stroke-width="2" stroke-dasharray="5 3"') if l.identity == reference
                              else ("chart-line-other", "#999", ' stroke-width="1.5"'))
        out.append(f'<polyline class="{cls}" fill="none" stroke="{stroke}"{extra} points="{poly(l)}"/>')
    out.append(f'<polyline class="chart-line-main" fill="none" stroke="#00695c" stroke-width="3" points="{poly(main)}"/>')
    marks = []
    for n, (x, t) in enumerate(bends, 1):
        cx, cy = X(x), Y(main.y_near(x))
        marks.append((cx, cy))
        out.append(f'<circle class="chart-mark" cx="{cx}" cy="{cy}" r="8" fill="#fff" stroke="#00695c" stroke-width="2"/>')
        out.append(f'<text class="chart-mark-text" x="{cx}" y="{cy + 4}" text-anchor="middle" font-size="11" fill="#1a1a1a">{n}</text>')
    if point is not None:
        px, py = X(int(point[0])), Y(Decimal(point[1]))
        out.append(f'<circle class="chart-point" cx="{px}" cy="{py}" r="6" fill="#d84315" stroke="#fff" stroke-width="2"/>')
        lx = min(max(px, LEFT + 40), W - RIGHT - 40)
        out.append(f'<text class="chart-text chart-point-text" x="{lx}" y="{_point_label_y(lx, py, marks, top, top + plot_h)}" '
                   f'text-anchor="middle" fill="#1a1a1a">您在这里</text>')
    y = H + (legend_rows - 1) * LINE_GAP + 6
    listed = [{"n": n, "x": x, "text": f"总费用约{_wan(x)}元：{t}"} for n, (x, t) in enumerate(bends, 1)]
    for b in listed if legend else []:
        y += LINE_GAP
        out.append(f'<text class="chart-text" x="4" y="{y}" fill="#1a1a1a">{b["n"]}. {escape(b["text"])}</text>')
    out.append("</svg>")
    return {"svg": "".join(out), "bends": listed}


def chart(json_text: str) -> str:
    """The browser's entry (worker message `chart`): JSON {input, identities?, point?, uid?} → JSON.

    Answers {"ok": true, "svg": "<svg…>", "bends": [...]} or {"ok": false}; never raises.
    """
    try:
        req = json.loads(json_text)
        base = req["input"]
        ids = [i for i in (req.get("identities") or base.get("identities") or []) if isinstance(i, str)][:3]
        if not ids:
            raise ChartError("no identity")
        point = req.get("point")
        if point is not None:
            point = (int(Decimal(str(point[0]))), Decimal(str(point[1])))
        several = isinstance(base.get("stays"), list) and len(base["stays"]) > 1
        out = chart_data(base, ids, highlight=ids[0], point=point, uid=str(req.get("uid") or "own"),
                         x_label="第1次住院总费用（元）" if several else "住院总费用（元）", legend=False, **QUICK)
        return json.dumps({"ok": True, **out}, ensure_ascii=False)
    except Exception:  # a picture is a bonus: the answer is already on screen
        return json.dumps({"ok": False})
