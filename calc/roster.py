"""批量测算: a roster of people (CSV or .xlsx, one row each) → an estimate per person and totals.

The roster format lives only here: the template file, the roster page's help text, the browser
and the command line all read it from this module.

    python -m calc roster people.csv --region yiyuan [--year 2020] [--out result.csv] [--jobs N]

The browser calls prepare_json / estimate_json / summary_json through the worker (docs/assets/roster.js).

Columns (header row, Chinese; order free, unknown columns are reported and ignored):
  姓名/编号 · 村/乡镇 (optional, subtotals) · 身份 · 住院1总费用 · 住院1目录外 · 住院1医院等级 ·
  住院1就医地点 · 住院1规范转诊 · 住院2… (any number of stays) · 门诊慢特病 · 门诊特药
Cells are passed to calc as people wrote them (amounts like 3万 are read by calc.amount); a cell
this module cannot map (an unknown identity or level) goes to calc unchanged, so the row shows
calc's own Chinese message. Pure standard library: it runs natively and in Pyodide.
"""
import base64
import csv
import io
import json
import re
import sys
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from . import api, vocab

# ---- the format -------------------------------------------------------------------------------
NAME = "姓名/编号"
GROUP = "村/乡镇"
IDENTITY = "身份"
STAY = "住院{n}{what}"
# stay column word -> estimate input key
STAY_FIELDS = {"总费用": "total", "目录外": "out_of_policy", "医院等级": "level", "就医地点": "place",
               "规范转诊": "referral"}
OUTPATIENT = {"门诊慢特病": "chronic", "门诊特药": "special_drugs"}
TEMPLATE_STAYS = 2
MAX_ROWS = 100_000

HELP = [
    (NAME, "姓名或编号，只用来在结果里认出这一行（可以只填编号，不必填真实姓名）。"),
    (GROUP, "可不填。填了村或乡镇名称，结果按村/乡镇分别合计。"),
    (IDENTITY, "如 低保、特困、返贫致贫、监测对象、普通；几种身份用顿号隔开（如 低保、返贫致贫），"
               "按最有利的一种计算。"),
    (STAY.format(n=1, what="总费用"), "第1次住院的总费用（元），可以写 30000、3万、三万五。"),
    (STAY.format(n=1, what="目录外"), "其中医保目录外的费用；不知道就空着（按常见比例估算），没有就填 0。"),
    (STAY.format(n=1, what="医院等级"), "一级、二级或三级；空着按二级。"),
    (STAY.format(n=1, what="就医地点"), "县域内、县外市内、省内市外或省外；空着按县域内。"),
    (STAY.format(n=1, what="规范转诊"), "是 或 否；空着按“否”。"),
    ("住院2总费用 …", "第2次住院，列名同上，把 1 换成 2；住院几次就加几组列，不住院的空着。"),
    ("门诊慢特病", "全年门诊慢特病费用（元），没有就空着。"),
    ("门诊特药", "全年门诊特殊药品费用（元），没有就空着。"),
]

TEMPLATE_ROWS = [
    {NAME: "张某", GROUP: "示例村", IDENTITY: "低保", "住院1总费用": "3万", "住院1目录外": "",
     "住院1医院等级": "二级", "住院1就医地点": "县域内", "住院1规范转诊": "是", "门诊慢特病": "3000"},
    {NAME: "0002", GROUP: "示例村", IDENTITY: "特困", "住院1总费用": "12000", "住院1目录外": "800",
     "住院1医院等级": "二级", "住院1就医地点": "县域内", "住院1规范转诊": "是",
     "住院2总费用": "45000", "住院2目录外": "", "住院2医院等级": "三级", "住院2就医地点": "县外市内",
     "住院2规范转诊": "是"},
    {NAME: "李某", GROUP: "示例村", IDENTITY: "普通", "门诊慢特病": "5000"},
]

# Words people write for identities, beyond each identity's label and id (calc.vocab). The
# parentheses of ARCHITECTURE's identity list: 特困(含孤儿、五保), 低保边缘(含低收入家庭),
# 监测对象 = 脱贫不稳定 / 边缘易致贫 / 易返贫致贫.
ALIASES = {"五保": "tekun", "五保户": "tekun", "孤儿": "tekun", "低收入": "dibao_edge",
           "低收入家庭": "dibao_edge", "脱贫不稳定": "jiance", "边缘易致贫": "jiance",
           "易返贫致贫": "jiance", "普通": "putong", "普通居民": "putong", "一般": "putong"}
SUFFIXES = ("人员", "对象", "人口", "家庭成员", "重病患者", "患者", "户")
LEVEL_WORDS = {"一": "1", "二": "2", "三": "3", "1": "1", "2": "2", "3": "3"}
PLACE_WORDS = [  # first match wins: the more specific words first
    ("省外", "outside"), ("外省", "outside"), ("省内市外", "province"), ("省级", "province"),
    ("省内", "province"), ("县外市内", "city"), ("市级", "city"), ("市内", "city"),
    ("县域内", "county"), ("县内", "county"), ("县域", "county"), ("县级", "county"), ("乡镇", "county"),
]
YES = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "无", "没有", "n", "no", "false", "0", "×"}
SPLIT = re.compile(r"[、,，/;；\s]+")
STAY_HEADER = re.compile(r"住院(\d{1,3})(总费用|目录外|医院等级|就医地点|规范转诊)")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

MESSAGES = {
    "empty": "文件是空的，或第一行不是列名。请按模板填写，第一行是列名。",
    "no_identity": "没有找到“身份”这一列。请按模板填写，第一行是列名。",
    "no_cost": "没有找到费用列（如“住院1总费用”“门诊慢特病”）。请按模板填写。",
    "too_many": f"一次最多算 {MAX_ROWS:,} 行，请分成几个文件。",
    "xlsx": "这个 Excel 文件读不出来，请在 Excel 里“另存为 CSV（逗号分隔）”后再试。",
    "encoding": "文件的文字编码认不出来，请在 Excel 里“另存为 CSV UTF-8”后再试。",
    "identity_empty": "身份没有填写（例如：低保、特困、普通）",
}


class RosterError(ValueError):
    """A problem with the whole file (not one row); message is Chinese."""


def columns(stays: int = TEMPLATE_STAYS) -> list:
    """The template's header row."""
    cols = [NAME, GROUP, IDENTITY]
    for n in range(1, stays + 1):
        cols += [STAY.format(n=n, what=w) for w in STAY_FIELDS]
    return cols + list(OUTPATIENT)


def template_csv() -> str:
    """The downloadable template: header + example rows, with a BOM so Excel reads UTF-8."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    cols = columns()
    w.writerow(cols)
    for row in TEMPLATE_ROWS:
        w.writerow([row.get(c, "") for c in cols])
    return "\ufeff" + buf.getvalue()


# ---- reading files ------------------------------------------------------------------------------
def read_table(data) -> list:
    """bytes (CSV in UTF-8 or GB18030, or .xlsx) or str (pasted text) -> rows of cell strings."""
    if isinstance(data, (bytes, bytearray)):
        if data[:4] == b"PK\x03\x04":
            return read_xlsx(bytes(data))
        for enc in ("utf-8-sig", "gb18030"):
            try:
                data = bytes(data).decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterError(MESSAGES["encoding"])
    text = data.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delim = "\t" if "\t" in first else ("，" if "，" in first and "," not in first else ",")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delim)]


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_xlsx(data: bytes) -> list:
    """The first worksheet of an .xlsx as rows of strings (zipfile + ElementTree, no library)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            shared = []
            if "xl/sharedStrings.xml" in names:
                for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", _NS):
                    shared.append("".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")))
            sheet = _first_sheet(z, names)
            root = ElementTree.fromstring(z.read(sheet))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as e:
        raise RosterError(MESSAGES["xlsx"]) from e
    rows = []
    sheet_data = root.find("m:sheetData", _NS)
    for r in (sheet_data if sheet_data is not None else ()):
        cells = {}
        for c in r:
            ref = c.get("r")
            col = _col_index(ref) if ref else len(cells)
            cells[col] = _cell_text(c, shared)
        rows.append([cells.get(i, "").strip() for i in range(max(cells) + 1)] if cells else [])
    return rows


def _first_sheet(z, names):
    """Path of the workbook's first sheet (via workbook.xml.rels), falling back to sheet1.xml."""
    try:
        wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
        first = wb.find("m:sheets/m:sheet", _NS)
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        for rel in rels:
            if rel.get("Id") == first.get(_REL):
                target = rel.get("Target").lstrip("/")
                path = target if target.startswith("xl/") else "xl/" + target
                if path in names:
                    return path
    except (KeyError, AttributeError, ElementTree.ParseError):
        pass
    return "xl/worksheets/sheet1.xml"


_COLUMNS: dict = {}
_V = f"{{{_NS['m']}}}v"


def _col_index(ref: str) -> int:
    """"AB12" -> 27 (cached per letters: a sheet repeats the same few)."""
    letters = ref.rstrip("0123456789")
    n = _COLUMNS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch.upper()) - 64
        n = _COLUMNS[letters] = n - 1
    return n


def _cell_text(c, shared) -> str:
    kind = c.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
    v = next((x for x in c if x.tag == _V), None)
    text = v.text if v is not None and v.text is not None else ""
    if kind == "s":
        return shared[int(text)] if text.isdigit() and int(text) < len(shared) else ""
    if kind in (None, "n") and text:
        try:  # Excel may store 12000 as "12000.000000000002": back to the fen people typed
            d = Decimal(text)
            q = d.quantize(Decimal("0.01"))
            return format(q.normalize(), "f") if abs(d - q) < Decimal("1e-6") else text
        except ArithmeticError:
            return text
    if kind == "b":
        return "是" if text == "1" else "否"
    return text


# ---- rows -> estimate inputs ---------------------------------------------------------------------
def _header(cell: str) -> str:
    return re.sub(r"\s+", "", cell.translate(FULLWIDTH)).replace("（", "(").replace("）", ")")


def parse_header(row: list):
    """-> ({column index: (kind, n, key)}, unknown headers). kind: name|group|identity|stay|outpatient."""
    layout, unknown = {}, []
    for i, cell in enumerate(row):
        h = _header(cell)
        if not h:
            continue
        m = STAY_HEADER.match(h)
        if m:
            layout[i] = ("stay", int(m[1]) - 1, STAY_FIELDS[m[2]])
        elif h in OUTPATIENT or any(h.startswith(k) for k in OUTPATIENT):
            layout[i] = ("outpatient", 0, next(v for k, v in OUTPATIENT.items() if h.startswith(k)))
        elif h == IDENTITY or h.startswith(IDENTITY):
            layout[i] = ("identity", 0, "identities")
        elif "姓名" in h or "编号" in h or h in ("名字", "序号"):
            layout.setdefault(i, ("name", 0, "name"))
        elif h in (GROUP, "村", "乡镇", "村(社区)", "村社区", "社区", "村组", "乡镇/村"):
            layout[i] = ("group", 0, "group")
        else:
            unknown.append(cell)
    kinds = {k for k, _, _ in layout.values()}
    if "identity" not in kinds:
        raise RosterError(MESSAGES["no_identity"])
    if not kinds & {"stay", "outpatient"}:
        raise RosterError(MESSAGES["no_cost"])
    return layout, unknown


class Labels:
    """Identity / level / place words for one region (labels from calc.vocab and the region's meta)."""

    def __init__(self, region_meta=None):
        self.identity = {}
        pairs = [(i, label) for i, (label, _) in vocab.IDENTITIES.items()]
        for i in (region_meta or {}).get("identities", []):
            pairs += [(i["id"], i["label"])] + ([(i["id"], i["short"])] if i.get("short") else [])
        for iid, label in pairs:
            for word in (iid, label, re.sub(r"[（(].*$", "", label)):
                self.identity.setdefault(word, iid)
                for suf in SUFFIXES:
                    if word.endswith(suf) and len(word) > len(suf) + 1:
                        self.identity.setdefault(word[: -len(suf)], iid)
        for word, iid in ALIASES.items():
            self.identity.setdefault(word, iid)
        self.compound = sorted((w for w in self.identity if SPLIT.search(w) or "(" in w or "（" in w),
                               key=len, reverse=True)

    def identities(self, cell: str) -> list:
        # Labels that hold separators themselves ("脱贫不稳定人口/边缘易致贫人口(监测对象)",
        # "特困人员(含孤儿、五保)") are taken whole first; unknown words go to calc unchanged, so
        # it answers with its own message.
        for word in self.compound:
            cell = cell.replace(word, f"、{self.identity[word]}、")
        cell = re.sub(r"[（(][^）)]*[）)]", "", cell)
        return [self.identity.get(w, w) for w in SPLIT.split(cell.strip()) if w]


def _level(cell: str):
    """一级 / 二级医院 / 三甲 / 2 -> "1".."3"; anything else goes to calc as written."""
    m = re.fullmatch(r"([一二三123])(级|级医院|甲|乙|甲等|乙等|级甲等|级乙等)?", cell.translate(FULLWIDTH).strip())
    return LEVEL_WORDS[m[1]] if m else cell


def _place(cell: str):
    for word, pid in PLACE_WORDS:
        if word in cell:
            return pid
    return cell  # an id (county …) or a word calc will refuse with its message


def _referral(cell: str):
    t = cell.strip().lower()
    return True if t in YES else False if t in NO else cell


def person_input(row: list, layout: dict, labels: Labels, region: str, year) -> tuple:
    """One data row -> (name, group, estimate input, stay numbers, errors found before calc)."""
    name = group = ""
    stays, outpatient, errors = {}, {}, []
    ident_cell = ""
    for i, (kind, n, key) in layout.items():
        cell = row[i].strip() if i < len(row) else ""
        if kind == "name":
            name = name or cell
        elif kind == "group":
            group = cell
        elif kind == "identity":
            ident_cell = cell
        elif kind == "outpatient" and cell:
            outpatient[key] = cell
        elif kind == "stay" and cell:
            stay = stays.setdefault(n, {})
            stay[key] = (_level(cell) if key == "level" else _place(cell) if key == "place"
                         else _referral(cell) if key == "referral" else cell)
    inp = {"region": region, "identities": labels.identities(ident_cell),
           # a stay with any cell filled counts; calc says what is missing in it
           "stays": [stays[k] for k in sorted(stays)], "outpatient": outpatient}
    if year is not None:
        inp["year"] = year
    if not ident_cell:
        errors.append({"field": "identities", "message": MESSAGES["identity_empty"]})
    return name, group, inp, sorted(stays), errors


def column_of(field: str, stay_numbers: list) -> str:
    """calc's error field -> the roster column it came from."""
    m = re.match(r"stays\[(\d+)\](?:\.(\w+))?", field)
    if m:
        n = stay_numbers[int(m[1])] + 1 if int(m[1]) < len(stay_numbers) else int(m[1]) + 1
        word = {v: k for k, v in STAY_FIELDS.items()}.get(m[2] or "", "")
        return STAY.format(n=n, what=word or "总费用") if word or m[2] is None else f"住院{n}"
    if field.startswith("outpatient."):
        return {v: k for k, v in OUTPATIENT.items()}.get(field.split(".", 1)[1], "门诊")
    if field == "identities":
        return IDENTITY
    return ""


# ---- computing ----------------------------------------------------------------------------------
def _estimate_one(args):
    """(line, name, group, input, stay_numbers, early_errors) -> row result. Pure; runs in workers too."""
    line, name, group, inp, stay_numbers, early = args
    if early:
        return {"line": line, "name": name, "group": group, "ok": False,
                "errors": [dict(e, column=column_of(e["field"], stay_numbers)) for e in early]}
    res = api.estimate_dict(inp)
    if not res.get("ok"):
        return {"line": line, "name": name, "group": group, "ok": False,
                "errors": [{"field": e["field"], "message": e["message"],
                            "column": column_of(e["field"], stay_numbers)} for e in res["errors"]]}
    return {"line": line, "name": name, "group": group, "ok": True,
            "identity": res["identity"]["label"], "year": res["year"]}


def prepare(data, region: str, year=None) -> tuple:
    """File content -> (jobs for _estimate_one, unknown headers). Raises RosterError."""
    table = read_table(data)
    while table and not any(c.strip() for c in table[0]):
        table.pop(0)
    if not table:
        raise RosterError(MESSAGES["empty"])
    layout, unknown = parse_header(table[0])
    if len(table) - 1 > MAX_ROWS:
        raise RosterError(MESSAGES["too_many"])
    meta = next((r for r in json.loads(api.meta())["regions"] if r["id"] == region), None)
    labels = Labels(meta)
    jobs = []
    for line, row in enumerate(table[1:], start=2):  # line = the row number a spreadsheet shows
        if not any(c.strip() for c in row):
            continue
        jobs.append((line, *person_input(row, layout, labels, region, year)))
    return jobs, unknown


# A list speaks about other people: "您自己付" (calc.vocab) becomes "个人自付" here.
LABELS = {"total": "总费用", "resident": "个人自付"}


def payers(rows: list) -> list:
    """Payer columns in settlement order (calc.vocab.PAYERS), those the engine reported."""
    seen = next((r["year"] for r in rows if r["ok"]), None)
    keys = ["total"] + [k for k in vocab.PAYERS if seen is None or k in seen]
    return [{"key": k, "label": LABELS.get(k) or vocab.PAYERS[k]} for k in keys]


def totals(rows: list, cols: list) -> dict:
    """{"all": {...}, "groups": [{"group", ...}]}: sums per payer, people counted, rows with errors."""
    def empty():
        return {"people": 0, "errors": 0, "sums": {c["key"]: Decimal(0) for c in cols}}
    overall, groups = empty(), {}
    for r in rows:
        for t in (overall, groups.setdefault(r["group"], empty()) if r["group"] else None):
            if t is None:
                continue
            if not r["ok"]:
                t["errors"] += 1
                continue
            t["people"] += 1
            for c in cols:
                t["sums"][c["key"]] += Decimal(r["year"].get(c["key"], "0"))
    fmt = lambda t: {"people": t["people"], "errors": t["errors"],
                     "sums": {k: f"{v:.2f}" for k, v in t["sums"].items()}}
    return {"all": fmt(overall), "groups": [dict(fmt(t), group=g) for g, t in groups.items()]}


def result_csv(rows: list, cols: list, with_group: bool) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["行号", NAME] + ([GROUP] if with_group else []) + ["按此身份计算"]
               + [c["label"] for c in cols] + ["输入有误"])
    for r in rows:
        head = [r["line"], r["name"]] + ([r["group"]] if with_group else [])
        if r["ok"]:
            w.writerow(head + [r["identity"]] + [r["year"].get(c["key"], "") for c in cols] + [""])
        else:
            w.writerow(head + [""] + [""] * len(cols) + ["；".join(_say(e) for e in r["errors"])])
    return "\ufeff" + buf.getvalue()


def _say(e) -> str:
    col = e.get("column")
    return f"{col}：{e['message']}" if col and not e["message"].startswith(col) else e["message"]


def summarise(rows: list, unknown: list, region: str) -> dict:
    cols = payers(rows)
    with_group = any(r["group"] for r in rows)
    for r in rows:
        for e in r.get("errors", ()):
            e["text"] = _say(e)
    return {"ok": True, "region": region, "columns": cols, "rows": rows, "totals": totals(rows, cols),
            "with_group": with_group, "unknown_columns": unknown,
            "csv": result_csv(rows, cols, with_group)}


def run(data, region: str, year=None) -> dict:
    """The whole roster in this process (the browser worker's path)."""
    try:
        jobs, unknown = prepare(data, region, year)
    except RosterError as e:
        return {"ok": False, "message": str(e)}
    return summarise([_estimate_one(j) for j in jobs], unknown, region)


# Worker entries (JSON text in and out). The page sends a roster in three steps so that no single
# call runs long (calc-client restarts a worker that is silent for seconds) and it can show progress:
# prepare_json (read + check the file) -> estimate_json per chunk of jobs -> summary_json.
def _answer(fn, payload: str) -> str:
    try:
        out = fn(json.loads(payload))
    except RosterError as e:
        out = {"ok": False, "message": str(e)}
    except (ValueError, KeyError, TypeError) as e:
        out = {"ok": False, "message": f"名单读不出来：{e}"}
    return json.dumps(out, ensure_ascii=False)


def _prepare(p: dict) -> dict:
    region = p.get("region")
    if region not in {r["id"] for r in json.loads(api.meta())["regions"]}:
        return {"ok": False, "message": "请选择地区"}
    data = base64.b64decode(p["base64"]) if p.get("base64") else p.get("text", "")
    jobs, unknown = prepare(data, region, p.get("year") or None)
    return {"ok": True, "region": region, "jobs": jobs, "unknown": unknown}


def prepare_json(payload: str) -> str:
    """{"region", "year"?, "text" | "base64"} -> {"ok", "region", "jobs", "unknown"} | {"ok": false, "message"}."""
    return _answer(_prepare, payload)


def estimate_json(payload: str) -> str:
    """{"jobs": [...]} (a slice of prepare_json's) -> {"ok", "rows"}."""
    return _answer(lambda p: {"ok": True, "rows": [_estimate_one(j) for j in p["jobs"]]}, payload)


def summary_json(payload: str) -> str:
    """{"region", "rows", "unknown"} -> run()'s answer: columns, rows, totals, csv."""
    return _answer(lambda p: summarise(p["rows"], p.get("unknown", []), p["region"]), payload)


# ---- command line -------------------------------------------------------------------------------
def run_parallel(data, region: str, year=None, jobs: int = 0) -> dict:
    """The same as run(), rows spread over processes (all cores by default)."""
    import multiprocessing
    import os
    work, unknown = prepare(data, region, year)
    n = jobs or os.cpu_count() or 1
    if n == 1 or len(work) < 200:
        rows = [_estimate_one(j) for j in work]
    else:
        with multiprocessing.Pool(n) as pool:
            rows = pool.map(_estimate_one, work, chunksize=max(1, len(work) // (n * 8)))
    return summarise(rows, unknown, region)


def main(argv=None) -> int:
    import argparse
    regions = [r["id"] for r in json.loads(api.meta())["regions"]]
    ap = argparse.ArgumentParser(prog="python -m calc roster",
                                 description="批量测算：名单（CSV 或 .xlsx）每人一行，算出每人的报销和自付，并按付款方合计。")
    ap.add_argument("file", help="名单文件（CSV：UTF-8 或 GBK；或 .xlsx）；- 表示标准输入")
    ap.add_argument("--region", required=True, choices=regions, help="地区")
    ap.add_argument("--year", type=int, help="年度（默认：该地区文件的最新年度）")
    ap.add_argument("--out", help="结果 CSV 写到这个文件（默认：标准输出）")
    ap.add_argument("--jobs", type=int, default=0, help="进程数（默认：全部 CPU 核）")
    ap.add_argument("--template", action="store_true", help="只输出名单模板")
    args = ap.parse_args(argv)
    if args.template:
        sys.stdout.write(template_csv())
        return 0
    data = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()
    try:
        out = run_parallel(data, args.region, args.year, args.jobs)
    except RosterError as e:
        print(f"名单有误：{e}", file=sys.stderr)
        return 2
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            f.write(out["csv"])
    else:
        sys.stdout.write(out["csv"].lstrip("\ufeff"))
    t = out["totals"]["all"]
    cols = {c["key"]: c["label"] for c in out["columns"]}
    print(f"共 {t['people'] + t['errors']} 行：算出 {t['people']} 人，{t['errors']} 行输入有误。合计：" +
          "，".join(f"{cols[k]} {v}" for k, v in t["sums"].items()), file=sys.stderr)
    for r in out["rows"]:
        if not r["ok"]:
            print(f"第{r['line']}行 {r['name']}：" + "；".join(e["text"] for e in r["errors"]), file=sys.stderr)
    if out["unknown_columns"]:
        print("没有用到的列：" + "、".join(out["unknown_columns"]), file=sys.stderr)
    return 1 if t["errors"] else 0
