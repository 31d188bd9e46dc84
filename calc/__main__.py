"""python -m calc [file.json] [--json]: JSON in (file or stdin), result + trace out in Chinese."""
import json
import sys

from .api import estimate

LABELS = [("hospital_bears", "医院承担"), ("basic", "基本医保"), ("critical", "大病保险"), ("assistance", "医疗救助"),
          ("tilt", "倾斜/再救助"), ("other", "其他"), ("resident", "个人负担")]


def render(out):
    if not out["ok"]:
        return "\n".join(f"输入有误 [{e['field']}]：{e['message']}" for e in out["errors"])
    lines = [f"{out['region']['name']}（{out['region']['document']}） {out['input']['year']}年",
             f"身份：{out['identity']['label']} —— {out['identity']['reason']}", ""]
    for st in out["stays"]:
        lines.append(f"第{st['index'] + 1}次住院 总费用 {st['total']} 元：" +
                     "，".join(f"{n} {st[k]}" for k, n in LABELS) +
                     (f"，入院时支付 {st['admission_payment']}" if st["admission_payment"] is not None else ""))
    y = out["year"]
    lines.append(f"全年 总费用 {y['total']} 元：" + "，".join(f"{n} {y[k]}" for k, n in LABELS))
    p = out["premium"]
    lines.append(f"参保缴费：个人缴费 {p['contribution']}，资助 {p['subsidy']}，自己交 {p['resident_pays']}"
                 + (f"，单位缴 {p['employer']}" if p["employer"] else ""))
    for w in out["warnings"]:
        lines.append(f"提醒（{w['rule']}）：{w['message']}")
    lines += ["", "计算过程："]
    for i, t in enumerate(out["trace"], 1):
        lines.append(f"{i:>2}. [{t['rule']}] {t['text']}  （{t['cite']}）")
        for f in t["figures"]:
            src = {"document": "文件", "public": "公开数据", "assumption": "假设"}[f["provenance"]]
            lines.append(f"      · {f['label']} = {f['display']}（{src}：{f['cite']}）")
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["roster"]:  # python -m calc roster people.csv … (calc/roster.py)
        return __import__("calc.roster", fromlist=["main"]).main(argv[1:])
    raw = "--json" in argv
    args = [a for a in argv if a != "--json"]
    text = open(args[0], encoding="utf-8").read() if args else sys.stdin.read()
    out = json.loads(estimate(text))
    print(json.dumps(out, ensure_ascii=False, indent=2) if raw else render(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
