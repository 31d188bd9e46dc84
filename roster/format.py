"""The roster format, once: column names, help text, the template, the limits and the whole-file
messages. The template file, the roster page's help table, the browser and the command line read it
from here."""
import csv
import io

from calc import fields
from calc import slip as _slip

NAME = "姓名/编号"
GROUP = "村/乡镇"
IDENTITY = fields.TOP["identities"].roster
STAY = "住院{n}{what}"
# column word -> estimate input key, from calc's field declaration (a field with a roster word is a column)
STAY_FIELDS = {f.roster: k for k, f in fields.STAY.items() if f.roster}
OUTPATIENT = {f.roster: k for k, f in fields.OUTPATIENT.items() if f.roster}
# Optional columns: what the stay's settlement slip says (calc.slip), checked against the notice.
SLIP_FIELDS = {words[0]: f"slip.{key}" for key, words in _slip.STAFF_WORDS.items()}
STAY_LINES = {**STAY_FIELDS, **SLIP_FIELDS}
TEMPLATE_STAYS = 2

# ---- limits against hostile or mistaken files (each has a message naming it) ------------------
MAX_ROWS = 100_000            # people in one file (沂源's county list is 35,084)
MAX_COLUMNS = 16_384          # Excel's own last column, XFD
MAX_TITLE_ROWS = 20           # rows above the header row searched for it
MAX_FILE_BYTES = 64 << 20     # what the page and the command line read at all
MAX_UNZIPPED_BYTES = 400 << 20  # an .xlsx's members together, from the zip directory, before inflating
MAX_ZIP_MEMBERS = 10_000
MAX_CELL_CHARS = 10_000
# What a file expands to, counted while streaming (a 5 KB .xlsx can repeat one long shared string
# in every row): text of all cells together, cells of one row, cells of the sheet.
MAX_TEXT_CHARS = 20_000_000   # a county list of 100,000 people x 20 columns x 10 characters
MAX_SHEET_CELLS = 4_000_000   # 100,000 rows x 40 columns
MAX_NAME_CHARS = 40           # 姓名/编号 as copied into every result: longer ones are cut, with a note

HELP = [
    (NAME, "姓名或编号，只用来在结果里认出这一行（可以只填编号，不必填真实姓名）。“序号”列不当作姓名。"),
    (GROUP, "可不填。填了村或乡镇名称，结果按村/乡镇分别合计。"),
    (IDENTITY, "也可以叫“人员类别”“属性”“类别”。写 低保、特困、返贫致贫、监测对象、普通，或者平时的叫法"
               "（低保户、特困供养、五保户、脱贫户、监测户、一般户）；几种身份用顿号隔开（如 低保户、监测户），"
               "按最有利的一种计算。身份证号列不会被当作身份，也不会被抄到结果里。"),
    *[(STAY.format(n=1, what=word), fields.STAY[key].roster_help.format(n=1)) for word, key in STAY_FIELDS.items()],
    ("住院2总费用 …", "第2次住院，列名同上，把 1 换成 2；住院几次就加几组列，不住院的空着。"),
    (STAY.format(n=1, what="实际基本医保") + " …", "可不填。核对结算单：第1次住院结算单上的"
     + "、".join(f"{_slip.WORDS[k[5:]]}（列名 住院1{w}）" for w, k in SLIP_FIELDS.items())
     + "。填了就按文件逐项核对，少给了的行标出来，并按报销项目合计少给的金额。"),
    *[(word, fields.OUTPATIENT[key].roster_help) for word, key in OUTPATIENT.items()],
]

TEMPLATE_ROWS = [
    {NAME: "张某", GROUP: "示例村", IDENTITY: "低保户", "住院1总费用": "3万", "住院1目录外": "",
     "住院1医院等级": "二级", "住院1就医地点": "县域内", "住院1规范转诊": "是", "门诊慢特病": "3000"},
    {NAME: "0002", GROUP: "示例村", IDENTITY: "特困", "住院1总费用": "12000", "住院1目录外": "800",
     "住院1医院等级": "二级", "住院1就医地点": "县域内", "住院1规范转诊": "是",
     "住院2总费用": "45000", "住院2目录外": "", "住院2医院等级": "三级", "住院2就医地点": "县外市内",
     "住院2规范转诊": "是"},
    {NAME: "李某", GROUP: "示例村", IDENTITY: "一般户", "门诊慢特病": "5000"},
]

MESSAGES = {
    "empty": "文件是空的，或没有找到列名那一行。请按模板填写：列名一行（如 姓名、身份、住院1总费用），下面每人一行。",
    "no_identity": "没有找到身份这一列（列名写“身份”“人员类别”“属性”或“类别”）。请按模板填写。",
    "no_cost": "没有找到费用列（如“住院1总费用”“门诊慢特病”）。请按模板填写。",
    "too_many": f"一次最多算 {MAX_ROWS:,} 行，这个文件更多。请分成几个文件。",
    "too_wide": f"这个表格超过 {MAX_COLUMNS:,} 列（Excel 最多到 XFD 列），不像一份名单，没有读。请检查文件。",
    "too_big": f"文件超过 {MAX_FILE_BYTES >> 20} MB，太大了。请分成几个文件。",
    "unzipped": f"这个 Excel 文件解压后超过 {MAX_UNZIPPED_BYTES >> 20} MB（或里面的文件超过 {MAX_ZIP_MEMBERS:,} 个），"
                "不像一份名单，没有打开。请检查文件，或另存为 CSV 再试。",
    "text": f"这个文件里的文字超过 {MAX_TEXT_CHARS:,} 个字，不像一份名单，没有算完。请检查文件，或分成几个文件。",
    "cells": f"这个表格超过 {MAX_SHEET_CELLS:,} 个格子，不像一份名单，没有读。请检查文件，或分成几个文件。",
    "name_cut": f"姓名/编号超过 {MAX_NAME_CHARS} 个字，结果里只留前 {MAX_NAME_CHARS} 个字",
    "control": "姓名/编号里有看不见的控制字符，结果里已去掉",
    "footer": "表尾的合计、制表人等行不是人员，没有算",
    "cell": f"有一个格子超过 {MAX_CELL_CHARS:,} 个字，不像名单里的内容。请检查文件。",
    "xlsx": "这个 Excel 文件读不出来（文件可能损坏、加了密码或用了不支持的压缩方式）。"
            "请在 Excel 里打开它，“另存为”→“CSV UTF-8（逗号分隔）”或 .xlsx 后再试。",
    "not_xlsx": "这个文件是一个压缩包（zip），里面不是 Excel 表格。请打开名单的 .xlsx 或 .csv 文件。",
    "xls": "这是旧版 Excel（.xls）或加了密码的 Excel 文件，这里读不了。请在 Excel 里打开它，"
           "“另存为”→“Excel 工作簿（.xlsx）”或“CSV UTF-8（逗号分隔）”后再试（有密码的先去掉密码）。",
    "no_xlsx_reader": "这台电脑上没有读 Excel 的程序（openpyxl）。请安装 openpyxl，或把名单另存为 CSV 再试。",
    "encoding": "文件的文字编码认不出来，请在 Excel 里“另存为 CSV UTF-8”后再试。",
    "csv": "这个 CSV 文件读不出来（引号没有配对，或不是文字文件）。请在 Excel 里“另存为 CSV UTF-8”后再试。",
    "identity_empty": "身份没有填写（例如：低保、特困、普通）",
}


class RosterError(ValueError):
    """A problem with the whole file (not one row); the message is Chinese and names the limit."""


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
