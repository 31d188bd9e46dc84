"""python -m roster FILE --region ID [--year Y] [--out result.csv|.xlsx] [--jobs N] | --template"""
import json
import sys

from calc import api

from .compute import run_parallel
from .export import result_xlsx
from .format import MAX_FILE_BYTES, MESSAGES, RosterError, template_csv


def main(argv=None, prog="python -m roster") -> int:
    import argparse
    regions = [r["id"] for r in json.loads(api.meta())["regions"]]
    ap = argparse.ArgumentParser(prog=prog,
                                 description="批量测算：名单（CSV 或 .xlsx）每人一行，算出每人的报销和自付，并按付款方合计。")
    ap.add_argument("file", nargs="?", help="名单文件（CSV：UTF-8、GBK 或 UTF-16；或 .xlsx）；- 表示标准输入")
    ap.add_argument("--region", choices=regions, help="地区（算名单时必填）")
    ap.add_argument("--year", type=int, help="年度（默认：该地区文件的最新年度）")
    ap.add_argument("--out", help="结果写到这个文件：.csv 或 .xlsx（默认：CSV 到标准输出）")
    ap.add_argument("--jobs", type=int, default=0, help="进程数（默认：全部 CPU 核）")
    ap.add_argument("--template", action="store_true", help="只输出名单模板（CSV）")
    args = ap.parse_args(argv)
    if args.template:
        sys.stdout.write(template_csv())
        return 0
    if not args.file or not args.region:
        ap.error("请给名单文件和 --region（或用 --template 取模板）")
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with open(args.file, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        print(f"读不了 {args.file}：{e.strerror}", file=sys.stderr)
        return 2
    try:
        if len(data) > MAX_FILE_BYTES:
            raise RosterError(MESSAGES["too_big"])
        out = run_parallel(data, args.region, args.year, args.jobs)
    except RosterError as e:
        print(f"名单有误：{e}", file=sys.stderr)
        return 2
    if args.out and args.out.lower().endswith(".xlsx"):
        with open(args.out, "wb") as f:
            f.write(result_xlsx(out["rows"], out["columns"], out["with_group"]))
    elif args.out:
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
    if out.get("skipped_note"):
        print("注意：" + out["skipped_note"], file=sys.stderr)
    if out["costlike_columns"]:
        print("注意：这些列看起来是费用，但没有算进去：" + "、".join(out["costlike_columns"]), file=sys.stderr)
    elif out["unknown_columns"]:
        print("没有用到的列：" + "、".join(out["unknown_columns"]), file=sys.stderr)
    return 1 if t["errors"] else 0
