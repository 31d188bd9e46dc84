"""python -m calc — estimate from the command line; `python -m calc roster FILE` for a list of people."""
import argparse
import json
import sys

from .api import estimate
from .vocab import PAYERS

EXAMPLE = '{"region": "xianning", "identities": ["dibao"], "stays": [{"total": "3万", "level": "2", "place": "county"}]}'


def render(out):
    if not out["ok"]:
        return "\n".join(f"输入有误 [{e['field']}]：{e['message']}" for e in out["errors"])
    lines = [f"{out['region']['name']}（{out['region']['document']}） {out['input']['year']}年",
             out["identity"]["reason"], "", out["summary"], out["year_sum"]]
    for n in out["notes"]:
        lines.append(f"注意：{n['text']}")
    p = out["premium"]
    if p["resident_pays"] is not None:
        lines.append(f"参保缴费：个人缴费 {p['contribution']}，资助 {p['subsidy']}，自己交 {p['resident_pays']}"
                     + (f"，单位缴 {p['employer']}" if p["employer"] else ""))
    for w in out["warnings"]:
        lines.append(f"提醒：{w['message']}")
    y = out["year"]
    lines.append("全年：" + "，".join(f"{label} {y[k]}" for k, label in PAYERS.items() if k in y))
    lines += ["", "计算过程："]
    for i, t in enumerate(out["trace"], 1):
        lines.append(f"{i:>2}. {t['text']}" + (f"  （{t['cite']}）" if t["cite"] else ""))
        for path in t["figures"]:
            f = out["figures"][path]
            src = {"document": "文件", "public": "公开数据", "assumption": "假设"}[f["provenance"]]
            lines.append(f"      · {f['label']} = {f['display']}（{src}：{f['cite']}）")
    return "\n".join(lines)


def _read(path):
    if path in (None, "-"):
        return sys.stdin.read()
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8")
    except IsADirectoryError:
        raise SystemExit(f"{path} 是一个文件夹，请给一个JSON文件")
    except FileNotFoundError:
        raise SystemExit(f"找不到文件 {path}")
    except UnicodeDecodeError:
        raise SystemExit(f"{path} 不是UTF-8编码的文字文件")
    except OSError as e:
        raise SystemExit(f"读不了 {path}：{e.strerror}")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["roster"]:
        from .roster import main as roster_main
        return roster_main(argv[1:])
    if argv[:1] == ["check"]:  # python -m calc check [REGION_FILE ...] (calc/check.py)
        from .check import main as check_main
        return check_main(argv[1:])
    ap = argparse.ArgumentParser(
        prog="python -m calc",
        description="估算一年住院和门诊的医保报销、大病保险、医疗救助和自付（输入一个JSON，格式见 ARCHITECTURE.md）。"
                    "批量测算：python -m calc roster 名单.csv",
        epilog=f"例：echo '{EXAMPLE}' | python -m calc")
    ap.add_argument("file", nargs="?", help="JSON 输入文件；省略或 - 表示从标准输入读")
    ap.add_argument("--json", action="store_true", help="输出原始 JSON 结果")
    args = ap.parse_args(argv)
    out = json.loads(estimate(_read(args.file)))
    print(json.dumps(out, ensure_ascii=False, indent=2) if args.json else render(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
