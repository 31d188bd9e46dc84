"""The words staff write in a roster cell -> the ids calc understands, per region.

Identities come from each region's own labels (calc's meta) plus the common staff forms: a word
with …户, …供养, …人员, …对象, …人口 is the word without it (低保户 = 低保), and a few names
of their own (五保户 → 特困, 一般户 → 普通, 脱贫户 → the region's 脱贫 identity). A word the
region does not offer is never guessed: the row says so, quoting the word and the region's list.
Hospital levels, places and yes/no are read here too; anything else goes to calc unchanged, so
the row shows calc's own message.
"""
import re

from calc import vocab

# staff word -> identity ids to try, in order: the first one the region offers is taken
ALIASES = {
    "五保": ("tekun",), "孤儿": ("tekun",), "特困供养": ("tekun",), "分散供养": ("tekun",),
    "集中供养": ("tekun",), "特困": ("tekun",),
    "一般": ("putong",), "普通": ("putong",), "普通居民": ("putong",), "其他": ("putong",),
    "脱贫": ("jianka", "wending"), "建档立卡": ("jianka", "wending"), "贫困": ("jianka", "wending"),
    "已脱贫": ("jianka", "wending"), "稳定脱贫": ("wending", "jianka"),
    "监测": ("jiance",), "防返贫监测": ("jiance",), "防止返贫监测": ("jiance",), "脱贫不稳定": ("jiance",),
    "边缘易致贫": ("jiance",), "易返贫致贫": ("jiance",),
    "突发严重困难": ("tufa", "jiance"), "突发困难": ("tufa", "jiance"),
    "返贫": ("fanpin",), "致贫": ("fanpin",), "返贫致贫": ("fanpin",),
    # 边缘户: 低保边缘 where a region has it, else 边缘易致贫 (a 监测对象), as staff in those counties say it
    "低保边缘": ("dibao_edge",), "边缘": ("dibao_edge", "jiance"), "低收入": ("dibao_edge",),
    "即时帮扶": ("jishi",), "因病致贫": ("yinbing",), "重病": ("yinbing",), "大病": ("yinbing",),
}
# the forms staff add to a word: 低保户, 特困供养, 脱贫人口, 监测对象 … (longest first)
SUFFIXES = tuple(sorted(("户", "供养", "人员", "对象", "人口", "家庭", "成员", "家庭成员", "重病患者", "患者",
                         "救助对象", "供养人员", "群众"), key=len, reverse=True))
STAFF_FORMS = "低保户、特困供养、五保户、脱贫户、监测户、一般户"
# cells remembered per list: a list repeats a handful of words; hostile ones cannot grow it past this
MEMO = 4096
LEVEL_WORDS = {"一": "1", "二": "2", "三": "3", "1": "1", "2": "2", "3": "3"}
PLACE_WORDS = [  # first match wins: the more specific words first
    ("省外", "outside"), ("外省", "outside"), ("省内市外", "province"), ("省级", "province"),
    ("省内", "province"), ("县外市内", "city"), ("市级", "city"), ("市内", "city"),
    ("县域内", "county"), ("县内", "county"), ("县域", "county"), ("县级", "county"), ("乡镇", "county"),
]
YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已转诊"}
NO = {"否", "无", "没有", "n", "no", "false", "0", "×", "未转诊"}
SPLIT = re.compile(r"[、,，/;；+＋\s]+")
PARENS = re.compile(r"[（(][^）)]*[）)]")
FULLWIDTH = str.maketrans("０１２３４５６７８９（）／，；", "0123456789()/,;")


def _stem(word: str) -> str:
    for suf in SUFFIXES:
        if word.endswith(suf) and len(word) > len(suf):
            return word[: -len(suf)]
    return word


class Labels:
    """Identity words for one region (labels from calc's meta for that region)."""

    def __init__(self, region_meta=None):
        meta = region_meta or {}
        self.name = meta.get("name", "")
        self.offered = {i["id"]: i["label"] for i in meta.get("identities", [])} or \
            {i: label for i, (label, _) in vocab.IDENTITIES.items()}
        table, clash = {}, set()

        def put(word, iid):
            if not word:
                return
            if table.get(word, iid) != iid:
                clash.add(word)
            table.setdefault(word, iid)

        for iid, label in self.offered.items():
            short = vocab.IDENTITIES.get(iid, (label,))[0]
            for word in (iid, label, short, PARENS.sub("", label), PARENS.sub("", short)):
                put(word.translate(FULLWIDTH), iid)
                put(_stem(word.translate(FULLWIDTH)), iid)
            for part in SPLIT.split(PARENS.sub("", label)):  # 脱贫不稳定人口、边缘易致贫人口（…）
                if len(part) >= 3:
                    put(part, iid)
                    put(_stem(part), iid)
        for word in clash:
            table.pop(word, None)
        for word, ids in ALIASES.items():
            iid = next((i for i in ids if i in self.offered), None)
            if iid:
                table.setdefault(word, iid)
        self.table = table
        # whole labels that hold separators themselves are taken first ("特困人员（含孤儿、五保）")
        self.compound = sorted((w for w in table if SPLIT.search(w) or "(" in w), key=len, reverse=True)
        self._seen: dict = {}  # cell -> (ids, unknown words), see identities()

    def word(self, w: str):
        """One word -> an offered identity id, or None."""
        seen = set()
        while w and w not in seen:
            seen.add(w)
            if w in self.table:
                return self.table[w]
            w = _stem(w)
        return None

    def identities(self, cell: str) -> tuple:
        """A cell -> (identity ids, words not understood). 低保户、监测户 = two identities.
        A list repeats a handful of cells thousands of times: each is read once (bounded memo)."""
        got = self._seen.get(cell)
        if got is None:
            got = self._identities(cell)
            if len(self._seen) < MEMO:
                self._seen[cell] = got
        return list(got[0]), list(got[1])

    def _identities(self, cell: str) -> tuple:
        text = cell.translate(FULLWIDTH).strip()
        ids, unknown = [], []
        for word in self.compound:
            if word in text:
                text = text.replace(word, "、")
                ids.append(self.table[word])
        text = PARENS.sub("", text)
        for w in SPLIT.split(text):
            if not w:
                continue
            iid = self.word(w)
            if iid is None:
                unknown.append(w)
            elif iid not in ids:
                ids.append(iid)
        return tuple(dict.fromkeys(ids)), tuple(unknown)

    def unknown_message(self, words: list) -> str:
        quoted = "、".join(f"“{w}”" for w in words)
        return (f"身份{quoted}认不出来。{self.name}可填：{'、'.join(self.offered.values())}"
                f"（也认得 {STAFF_FORMS} 等平常的叫法）")


LEVEL = re.compile(r"([一二三123])(级|级医院|甲|乙|甲等|乙等|级甲等|级乙等|级医疗机构)?")
_levels: dict = {}


def level(cell: str):
    """一级 / 二级医院 / 三甲 / 2 -> "1".."3"; anything else goes to calc as written."""
    got = _levels.get(cell)
    if got is None:
        m = LEVEL.fullmatch(cell.translate(FULLWIDTH).strip())
        got = LEVEL_WORDS[m[1]] if m else cell
        if len(_levels) < MEMO:
            _levels[cell] = got
    return got


def place(cell: str):
    for word, pid in PLACE_WORDS:
        if word in cell:
            return pid
    return cell  # an id (county …) or a word calc will refuse with its message


def referral(cell: str):
    t = cell.strip().lower()
    return True if t in YES else False if t in NO else cell
