"""What a payer step sees: the region's parameters for the year, the identity each payer uses,
and a recorder that turns the parameters a step read into its figures and its citation.

A step's rule and clause are those of the first document parameter it read (steps read their
basis first); a step that read none says "文件未规定，按假设". A step whose list of who it reaches
(a parameter of unit "ids") is not the document's is not the document's rule either, whatever
figures it borrows from the document: it says "文件没有写明适用对象，按假设"; nor is one that uses a
figure carried past the years its clause covers (params `covers_until`): "文件没有写这一年…按假设".
Nothing here names a region or a rule.
"""
from decimal import Decimal

from .model import Step
from .money import fen
from .schema import UndeclaredParameter, declared


# Paths found declared (calc/schema.py) when absent from a region's year: the steps build them from
# validated words (places, levels, table names), so the set stays small.
_ABSENT_OK: set = set()


def _absent(path):
    if not declared(path):
        raise UndeclaredParameter(f"{path} is read but not declared in any step's READS")
    if len(_ABSENT_OK) < 10_000:
        _ABSENT_OK.add(path)


class Ctx:
    """`quiet`: keep the amounts only, write no trace (the roster, and the trials of engine.choose)."""

    def __init__(self, rp, person, overrides, schedule, quiet=False):
        self.rp = rp
        self.person = person
        self.year = person.year
        self.ov = overrides or {}
        self.quiet = quiet
        # Every parameter in force this year, overrides applied: resolved once per region, year and
        # overrides (RegionParams.view), not on every read of every step.
        self.params = rp.view(self.year, self.ov)
        self.schedule = schedule          # payer -> identity id
        self.steps: list[Step] = []
        self.used: dict = {}              # path -> Param, every parameter any step read
        self._rec: list = []
        self._readings: list = []         # readings that concern a non-member (reading_for)
        self.reading_params: dict = {}    # chosen words -> the Param whose reading it is
        # A quiet run writes no step, but still knows which figures its amounts rest on (path ->
        # Param, warnings left out): a roster sheet names the assumed and local ones it used.
        self.sums_used: dict = {}
        self.in_sums = True               # False once the warning (not part of the sums) reads

    # ---- reading parameters ------------------------------------------------------------------
    def p(self, path):
        """Look a parameter up without recording it. A path no step declares (calc/schema.py) is a
        bug in the step, never a parameter that happens to be absent: it raises."""
        got = self.params.get(path)
        if got is None and path not in _ABSENT_OK:
            _absent(path)
        return got

    def _use_quiet(self, param):
        if param is not None and self.in_sums:
            self.sums_used[param.path] = param
        return param

    def _v_quiet(self, path, default=None):
        """`v` of a quiet run, in one call: the roster's rows read a figure about 40 times each."""
        got = self.params.get(path)
        if got is None:
            if path not in _ABSENT_OK:
                _absent(path)
            return default
        if self.in_sums:
            self.sums_used[got.path] = got
        return got.value

    def use(self, param):
        if param is not None:
            self._rec.append(param)
            self.used[param.path] = param
        return param

    def v(self, path, default=None):
        """The value of `path`, recorded as a figure of the next step."""
        p = self.use(self.p(path))
        return default if p is None else p.value

    def first(self, *paths, default=None):
        for path in paths:
            if self.p(path) is not None:
                return self.v(path)
        return default

    def member(self, path, ident) -> bool:
        """Is `ident` in the identity list at `path`? Recorded only when it is."""
        p = self.p(path)
        if p is not None and p.reading and ident in p.reading_for:
            self._readings.append(p)
        if p is not None and ident in p.value:
            self.use(p)
            return True
        return False

    def reading(self, p):
        """Tell `p`'s reading with the next step even when that step pays nothing (it decided it)."""
        if p is not None and p.reading:
            self._readings.append(p)

    def places(self, path):
        p = self.p(path)
        return None if p is None else set(p.value.split(","))

    def group(self, prefix, ident):
        """The table under `prefix` whose `identities` list holds `ident` (not recorded)."""
        for name in self.rp.groups(prefix):
            p = self.p(f"{prefix}.{name}.identities")
            if p is not None and ident in p.value:
                return f"{prefix}.{name}"
        return None

    def has_groups(self, prefix) -> bool:
        return any(self.p(f"{prefix}.{n}.identities") is not None for n in self.rp.groups(prefix))

    def ident(self, payer):
        return self.schedule[payer]

    def who(self, ident):
        return self.rp.label_of(ident)

    def drop(self):
        """Forget what was read since the last step (the step did not happen)."""
        self._rec = []
        self._readings = []

    # ---- writing steps -----------------------------------------------------------------------
    def step(self, tier, stay, text, amount=Decimal(0)):
        if self.quiet:
            self._rec, self._readings = [], []
            return None
        params, seen, basis, readings = [], set(), None, []
        for p in self._rec:
            if p.path in seen:
                continue
            seen.add(p.path)
            params.append(p)
            if basis is None and p.provenance == "document" and p.rule:
                basis = p
            # A reading is told where it can change the amount: the step paid something.
            if p.reading and amount and not p.reading_for:
                readings.append({"chosen": p.reading, "alternative": p.alternative})
                self.reading_params[p.reading] = p
        readings += [{"chosen": p.reading, "alternative": p.alternative} for p in self._readings
                     if not any(r["chosen"] == p.reading for r in readings)]
        self.reading_params.update((p.reading, p) for p in self._readings)
        self._rec, self._readings = [], []
        figures = [p.figure for p in params]
        st = Step(tier, stay, text, fen(amount), figures=figures, readings=readings)
        who = next((p for p in params if p.provenance not in ("document", "local") and p.unit == "ids"), None)
        carried = [p for p in params if p.carried]
        local = [f for f in figures if f.provenance == "local"]
        assumed = any(f.provenance == "assumption" for f in figures)
        if carried and basis is not None:
            # A new notice's figure with others carried forward: cite the notice, name what is carried.
            if basis.rule not in self.rp.rules:
                raise ValueError(f"{self.rp.id}: parameter {basis.path} cites unknown rule {basis.rule}")
            st.rule, st.cite, st.basis = basis.rule, basis.cite, "document"
            names = dict.fromkeys(f"适用对象（{p.display}）" if p.unit == "ids" else p.label for p in carried)
            if tier != "note":
                st.text = text + f"（其中{'、'.join(names)}沿用此前的规定，按假设计算）"
        elif carried:
            st.basis = "assumption"
            if tier != "note":
                st.text = text + "（文件没有写这一年，沿用文件此前的规定和数字，按假设计算）"
        elif who is not None:
            st.basis = who.provenance
            if tier != "note":
                st.text = text + ("（文件没有写明适用对象，按假设计算）" if who.provenance == "assumption"
                                  else "（适用对象按公开来源）")
        elif basis is not None:
            if basis.rule not in self.rp.rules:
                raise ValueError(f"{self.rp.id}: parameter {basis.path} cites unknown rule {basis.rule}")
            st.rule, st.cite, st.basis = basis.rule, basis.cite, "document"
            marks = ([local_words(self, local)] if local else []) + ([assumed_words(self, figures)] if assumed else [])
            if marks:
                st.text = text + "（" + "；".join(marks) + "）"
        elif local:
            # the office's own figures: its document and clause, never the notice's rule
            st.basis, st.cite = "local", local[0].cite
            if tier != "note":
                st.text = text + "（" + local_words(self, local) + ("；部分数字是假设" if assumed else "") + "）"
        elif assumed:
            st.basis = "assumption"
            if tier != "note":  # a note already says what it rests on
                st.text = text + "（文件未规定，按假设计算）"
        elif figures:
            st.basis = "public"
        else:
            st.basis = "input"
        self.steps.append(st)
        return st


def local_words(ctx, local) -> str:
    """"起付线、报销比例按本地标准（<the office's document>）": which figures are the office's own."""
    labels = "、".join(dict.fromkeys(f.label for f in local))
    docs = "；".join(dict.fromkeys(ctx.used[f.param].reason for f in local if ctx.used[f.param].reason))
    return f"{labels}按本地标准" + (f"（{docs}）" if docs else "")


def assumed_words(ctx, figures) -> str:
    """"部分数字是假设：大病保险起付线": which of a document step's figures are assumed."""
    labels = "、".join(dict.fromkeys(f.label for f in figures if f.provenance == "assumption"))
    return "部分数字是假设" + (f"：{labels}" if labels else "")


class QuietCtx(Ctx):
    """Ctx of a quiet run (engine.compute picks it): its reads are the quiet ones, as methods of the
    class, so that a finished run holds no reference to itself and is freed at once."""

    def __init__(self, rp, person, overrides, schedule, quiet=True):
        super().__init__(rp, person, overrides, schedule, True)

    use = Ctx._use_quiet
    v = Ctx._v_quiet
