"""The estimate input's fields, declared once.

Each field says where it sits, what kind of value it holds, its default, its limits and the
words every surface uses for it: the form's label and help, the roster column and the words staff
write in its header, the errors' name for it, and the spellings the instant answers try. calc.input
parses with these defaults and limits; meta() exports them (FIELDS_META) for the calculator form,
the link builder and the roster; sitegen.instant derives the form's own input from them.
A new field is added here once; tests/unit/test_fields.py fails while a surface leaves it out.

`where`: "top" (the input object), "stay" (each of stays[]), "outpatient" (the outpatient object).
`kind`: amount | flag | level | place | year | ids | scheme | tier | object.
`feature`: the field's control is shown only where calc's meta `features` says it matters.
`roster`: the word in the roster's column name (stays: 住院1<word>), or None with `roster_why`.
`form`: the control's id suffix in the calculator form and link builder, or None (not a control).
"""
from dataclasses import dataclass
from decimal import Decimal

MAX_STAYS = 12            # every form offers 12; with 12 the longest answer stays well under api.MAX_OUTPUT
MAX_AMOUNT = Decimal("10000000")
MAX_WAGE = Decimal("1000000")
WAGE_MONTHS = 12   # `wage` is a monthly wage (the form asks 月工资); premiums are stated per year

# How a person writes yes and no (the instant answers try each; calc reads each as the flag).
FLAG_TRUE = (True, "true", "是", 1, "1")
FLAG_FALSE = (False, "false", "否", 0, "0")
ZEROISH = ("", None, "0", 0, "0.00")


@dataclass(frozen=True)
class Field:
    key: str
    where: str
    kind: str
    default: object
    name: str                     # errors: "第1次住院的" + name + "不能为空"
    roster: str | None            # roster column word; None = not a roster column (say why)
    form: str | None              # control id suffix; None = no control of its own
    label: str = ""               # form label ("{n}" = the stay's number)
    note: str = ""                # form help under the label
    fill: str = ""                # an amount too big: what to fill in instead
    ceiling: Decimal | None = None
    required: bool = False
    nonzero: bool = False
    feature: str | None = None
    later_stays_only: bool = False
    roster_words: tuple = ()      # other words staff write in the header for this column
    roster_help: str = ""
    roster_why: str = ""
    print_label: str = ""
    instant: tuple = ()           # spellings tried besides the form's own and absence
    limit: int | None = None      # most items (lists)

    @property
    def path(self) -> str:
        return {"top": self.key, "stay": f"stays[].{self.key}", "outpatient": f"outpatient.{self.key}"}[self.where]

    @property
    def instant_key(self) -> str:
        """The key the instant answers' spelling tables use ("stay." = the one stay)."""
        return {"top": self.key, "stay": f"stay.{self.key}", "outpatient": f"outpatient.{self.key}"}[self.where]


def _yes_no(default: bool) -> str:
    return "是 或 否；空着按“" + ("是" if default else "否") + "”"


# 规范转诊 defaults to yes. 咸医保发〔2021〕31号 三（三）: care starts in the county (县域内基层首诊);
# a 转诊证明 is needed only to go to a hospital outside the county. A stay in the county needs no
# referral paperwork, so a stay nobody said anything about is a regular one; a person treated
# outside the county without the paperwork says so (the form's tick, the roster's 否).
REFERRAL_DEFAULT = True

FIELDS = (
    # ---- the input object -------------------------------------------------------------------
    Field("region", "top", "region", None, "地区", roster=None, form=None, required=True,
          roster_why="名单页上选地区，整个文件一个地区"),
    Field("v", "top", "version", None, "链接版本", roster=None, form=None, instant=(1, 2, "1", "2"),
          roster_why="链接格式的版本号，不是人填的"),
    Field("year", "top", "year", None, "年度", roster=None, form="year", label="按哪一年的规定算",
          note="默认是文件规定的最新一年。", instant=("", None), roster_why="名单页上选年度，整个文件一个年度"),
    Field("identities", "top", "ids", ("putong",), "身份", roster="身份", form="identity",
          roster_words=("人员类别", "属性", "类别", "人员属性", "身份类别", "人员身份", "困难类别", "救助类别",
                        "户属性", "户类别", "户类型", "对象类别", "人员类型", "困难类型", "身份属性")),
    Field("scheme", "top", "scheme", "resident", "参保类型", roster=None, form="scheme", label="参加的是哪种医保",
          instant=("resident", "", None), roster_why="名单按城乡居民医保计算"),
    Field("tier", "top", "tier", 1, "缴费档次", roster=None, form="tier", label="缴费档次（一档、二档）",
          instant=(1, "1", "", None), roster_why="名单按一档计算"),
    Field("wage", "top", "amount", None, "工资", roster=None, form="wage", label="月工资（元，职工医保才填）",
          fill="请填每月工资", ceiling=MAX_WAGE, instant=("", None), roster_why="名单按城乡居民医保计算，不需要工资"),
    Field("newborn", "top", "flag", False, "是否新生儿", roster=None, form="newborn", feature="newborn",
          label="是出生当年参保的新生儿", instant=FLAG_FALSE + (None, ""), roster_why="新生儿参保只影响缴费，名单只算医疗费用"),
    Field("overrides", "top", "object", {}, "自定义参数", roster=None, form=None, instant=({}, None, ""),
          roster_why="名单用文件和假设的数字；改数字请用计算器的“高级”"),
    Field("stays", "top", "list", (), "住院记录", roster=None, form=None, limit=MAX_STAYS,
          roster_why="每次住院是一组列（住院1…、住院2…）"),
    Field("outpatient", "top", "object", {}, "门诊费用", roster=None, form=None, instant=(None, {}),
          roster_why="门诊的每一项是一列"),
    # ---- each stay --------------------------------------------------------------------------
    Field("total", "stay", "amount", None, "总费用", roster="总费用", form="total", required=True, nonzero=True,
          label="第{n}次住院的总费用（元）", note="只填这一次住院的，看这一次的出院结算单。",
          fill="请填出院结算单上的总费用", ceiling=MAX_AMOUNT, print_label="总费用",
          roster_words=("医疗总费用", "住院总费用", "费用总额", "总金额", "总额", "费用合计", "医疗费用", "费用"),
          roster_help="第{n}次住院的总费用（元），可以写 30000、3万、三万五。"
                      "两行表头（上面一行“第一次住院”，下面一行“总费用”“目录外”…）也能读。"),
    Field("out_of_policy", "stay", "amount", "", "目录外费用", roster="目录外", form="oop",
          label="其中目录外（全自费）费用（元）",
          note="看结算单上的“全自费”或“目录外”一栏；不知道就空着，会按一般情况估算并告诉您。",
          fill="请填出院结算单上“全自费/目录外”一栏的金额", ceiling=MAX_AMOUNT, print_label="目录外",
          instant=("", None),
          roster_words=("目录外费用", "全自费", "自费", "自费费用", "目录外自费", "政策外", "政策外费用"),
          roster_help="其中医保目录外的费用；不知道就空着（按常见比例估算），没有就填 0。"),
    Field("level", "stay", "level", "2", "医院等级", roster="医院等级", form="level", label="医院等级",
          print_label="医院等级", instant=("2", 2, "２"),
          roster_words=("等级", "医院级别", "级别", "医疗机构等级"), roster_help="一级、二级或三级；空着按二级。"),
    Field("place", "stay", "place", "county", "就医地点", roster="就医地点", form="place", label="医院在哪里",
          print_label="就医地点", instant=("county",),
          roster_words=("地点", "就医地", "医院所在地", "就诊地点"),
          roster_help="县域内、县外市内、省内市外或省外；空着按县域内。"),
    Field("referral", "stay", "flag", REFERRAL_DEFAULT, "是否规范转诊", roster="规范转诊", form="referral",
          feature="referral", label="规范转诊：办了转诊手续（县内住院或按规定转诊）",
          note="已替您勾上：在县域内住院不用办转诊手续。到县外住院、没有按规定办转诊手续的，请去掉这个勾"
               "（文件规定：没按要求转诊的不享受倾斜救助）。",
          print_label="规范转诊", instant=FLAG_TRUE + FLAG_FALSE + (None, ""),
          roster_words=("转诊", "是否转诊", "是否规范转诊", "转诊备案"),
          roster_help=_yes_no(REFERRAL_DEFAULT) + "（县域内住院不用办转诊手续）。"),
    Field("transferred", "stay", "flag", False, "是否从上一次住院转来", roster=None, form="transferred",
          feature="transferred", later_stays_only=True, label="这次是从上一次住院直接转院过来的",
          instant=FLAG_FALSE + (None, ""), roster_why="名单不分转院；连续计算起付线请用计算器"),
    Field("hospital_waiver", "stay", "amount", 0, "医院减免", roster=None, form="waiver",
          feature="hospital_waiver", label="医院减免了多少（元，没有就空着）", fill="请填医院实际减免的金额",
          ceiling=MAX_AMOUNT, instant=ZEROISH, roster_why="名单只有总费用和目录外；医院减免请用计算器"),
    Field("tehuibao", "stay", "amount", 0, "特惠保赔付", roster=None, form="tehuibao", feature="tehuibao",
          label="特惠保赔了多少（元，没有就空着）", fill="请填特惠保实际赔付的金额", ceiling=MAX_AMOUNT,
          instant=ZEROISH, roster_why="名单只有总费用和目录外；特惠保请用计算器"),
    # ---- the outpatient year ----------------------------------------------------------------
    Field("chronic", "outpatient", "amount", 0, "门诊慢特病费用", roster="门诊慢特病", form="chronic",
          label="门诊慢特病费用（元）", fill="请填一年门诊慢特病的费用合计", ceiling=MAX_AMOUNT,
          print_label="门诊慢特病", instant=ZEROISH, roster_words=("慢特病", "慢特病费用"),
          roster_help="全年门诊慢特病费用（元），没有就空着。"),
    Field("special_drugs", "outpatient", "amount", 0, "门诊特殊药品费用", roster="门诊特药", form="drugs",
          label="特殊药品费用（元）", fill="请填一年门诊特殊药品的费用合计", ceiling=MAX_AMOUNT,
          print_label="门诊特药", instant=ZEROISH, roster_words=("特药", "特药费用"),
          roster_help="全年门诊特殊药品费用（元），没有就空着。"),
)

BY_PATH = {f.path: f for f in FIELDS}
TOP = {f.key: f for f in FIELDS if f.where == "top"}
STAY = {f.key: f for f in FIELDS if f.where == "stay"}
OUTPATIENT = {f.key: f for f in FIELDS if f.where == "outpatient"}
KNOWN_TOP = frozenset(TOP)
LIMITS = {"stays": MAX_STAYS}   # meta()["limits"]: the forms' "add a stay" stops here


def stay_default(key: str):
    return STAY[key].default


def stay_defaults() -> dict:
    """A stay's choices and yes/no at their declared defaults (the pages' worked examples use them)."""
    return {k: f.default for k, f in STAY.items() if f.kind in ("level", "place", "flag") and not f.later_stays_only}


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, tuple):
        return list(v)
    return v


def meta() -> list[dict]:
    """The declaration as meta() exports it (the surfaces read this, never their own copies)."""
    out = []
    for f in FIELDS:
        d = {"key": f.key, "where": f.where, "path": f.path, "kind": f.kind, "default": _jsonable(f.default),
             "name": f.name, "label": f.label, "note": f.note, "form": f.form, "feature": f.feature,
             "later_stays_only": f.later_stays_only, "required": f.required, "roster": f.roster,
             "print_label": f.print_label}
        if f.ceiling is not None:
            d["max"] = str(f.ceiling)
        if f.limit is not None:
            d["limit"] = f.limit
        out.append(d)
    return out
