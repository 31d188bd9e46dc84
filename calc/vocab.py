"""The project's words, once: identities, hospital places and levels, payers, provenance.

Region files choose which identities they offer and may label them in their document's own
words; everything else (the engine, meta(), sitegen, the browser) takes labels from here.
"""

# id -> (short label, plain gloss). Order = tie-break order when two identities give the same
# amount (the more protected group first).
IDENTITIES = {
    "tekun": ("特困人员", "生活没有着落、由政府供养的人（含孤儿、五保户）"),
    "dibao": ("低保对象", "领取最低生活保障金的家庭成员"),
    "fanpin": ("返贫致贫人口", "脱贫后又返贫、或新近致贫的人"),
    "jianka": ("建档立卡脱贫享受政策人员", "建档立卡的脱贫户，仍享受扶贫政策"),
    "jishi": ("即时帮扶人员", "新近陷入困难、被纳入即时帮扶的人"),
    "linshi": ("临时医保扶贫对象", "疫情期间生活陷入困境、被及时纳入临时医保扶贫范围的特殊困难群众"),
    "dibao_edge": ("低保边缘家庭成员", "收入略高于低保标准的困难家庭（含低收入家庭）"),
    "jiance": ("监测对象", "脱贫不稳定户、边缘易致贫户等被列入防止返贫监测的人"),
    "tufa": ("突发严重困难人口", "因病、因灾、因意外突然陷入严重困难的人"),
    "yinbing": ("因病致贫重病患者", "因为重病花费太多、家庭生活陷入困难的病人"),
    "qita": ("其他特殊困难人员", "文件列出的几类之外、由民政等部门认定的其他特殊困难人员"),
    "wending": ("稳定脱贫人口", "已经稳定脱贫、没有列入监测的原建档立卡户"),
    "putong": ("普通参保人员", "以上都不是的普通城乡居民"),
}
PRIORITY = tuple(IDENTITIES)

LEVELS = {"1": "一级", "2": "二级", "3": "三级"}
PLACES = {"county": "县域内", "city": "县外市内（市级医院）", "province": "省内市外（省级医院）", "outside": "省外"}
PLACE_SHORT = {"county": "县域内", "city": "县外市内", "province": "省内市外", "outside": "省外"}

# Who pays, in the order a bill is settled. `resident` is what the person pays themself.
PAYERS = {
    "hospital_bears": "医院承担",
    "basic": "基本医保",
    "critical": "大病保险",
    "assistance": "医疗救助",
    "tilt": "倾斜救助",
    "re_assistance": "再救助",
    "other": "其他（医院减免、特惠保、补充保险）",
    "resident": "您自己付",
}

# `local`: a county office's own figure (its document and clause), from an office file named in
# site-settings.toml (calc/local.py); distinct from the notice's figures and from our assumptions.
PROVENANCE = {"document": "文件规定", "public": "公开数据", "assumption": "假设", "local": "本地标准"}
SCHEMES = {"resident": "城乡居民医保", "employee": "职工医保"}
TIERS = {"1": "一档", "2": "二档"}


def identity_label(ident: str) -> str:
    return IDENTITIES[ident][0]


def identity_plain(ident: str) -> str:
    return IDENTITIES[ident][1]
