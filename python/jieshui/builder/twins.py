"""The native twin of every JS_ function, generated from the standard file: the expression a
cell computes where no Python runs. The structure (which inputs, which comparisons, CJJ 92's
constants) comes from the standard and the engine; the rule numbers are read from the 评价标准
row, as JS_SCORE reads them. Messages are briefer than the UDFs' where a UDF explains a value
in detail; numbers, states and verdicts are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..engine import UTILITY_FIELDS, Condition, Content, InputSpec, Standard, gaps, rates
from ..engine.county import MAX_NUMBER
from ..engine.words import ERROR_PREFIX, INVALID, MET, MISSING, NO, NOT_APPLICABLE, UNMET, YES
from ..engine.standard import STEP_RULES
from ..workbook.contract import (BAND_COLUMNS, ITEM_COLUMNS, NA_NAMES, PARTIAL_NAMES, RULE_NAMES, Param,
                                 rule_key)
from .native import X, call, cases, if_, lift


def blank(x: X) -> X:
    return call("TRIM", x).eq("")


def valid(x: X, spec: InputSpec) -> X:
    """What county.coerce accepts, for a non-blank cell (是/否 as the drop-down offers them)."""
    if spec.kind == "bool":
        return call("OR", call("TRIM", x).eq(YES), call("TRIM", x).eq(NO))
    if spec.kind == "text":
        return call("NOT", call("ISNUMBER", x))
    bounded = spec.max if spec.max is not None else MAX_NUMBER
    tests = [call("ABS", x).le(MAX_NUMBER), x.le(bounded)]
    if not spec.allow_negative:
        tests.append(x.ge(0))
    elif spec.kind in ("fraction", "coefficient"):
        tests.append(x.ge(-bounded))
    if spec.kind == "count":
        tests.append(x.eq(call("INT", x)))
    return if_(call("ISNUMBER", x), call("AND", *tests), False)


def checked(cells: Sequence[tuple[X, InputSpec]], body: Any, missing: str | None = None,
            invalid: str | None = None) -> X:
    """`body`, unless a cell (in order) holds an error value, is blank or is invalid: then the
    message a UDF gives first (缺数据：label, 错误：label...), or the given words."""
    pairs: list[tuple[X, Any]] = []
    for x, spec in cells:
        pairs += [(call("ISERROR", x), invalid or f"{ERROR_PREFIX}{spec.label}单元格是错误值"),
                  (blank(x), missing or f"{MISSING}：{spec.label}"),
                  (call("NOT", valid(x, spec)), invalid or f"{ERROR_PREFIX}{spec.label}填写有误")]
    return cases(pairs, body)


def ceiling(x: X) -> X:
    return -call("INT", -x)


def shown(x: X) -> X:
    """A number as the text the engine prints with :g (at most six significant digits)."""
    return call("ROUND", x, 6) & ""


@dataclass(frozen=True)
class Twins:
    """Twin expressions for one workbook: `inputs` gives an input's cell, `param` a cell of
    a content's 评价标准 row."""

    std: Standard
    inputs: Callable[[str], X]
    param: Callable[[int, Param], X]

    def tol(self) -> X:
        return lift(self.std.tolerance)

    def _cells(self, keys: Sequence[str]) -> list[tuple[X, InputSpec]]:
        return [(self.inputs(k), self.std.inputs[k]) for k in keys]

    # -- values ------------------------------------------------------------------------------

    def ratio(self, content: Content) -> X:
        num_key, den_key = content.numerator or "", content.denominator or ""
        num, den = self.inputs(num_key), self.inputs(den_key)
        tol = self.tol()
        over = f"{ERROR_PREFIX}{self.std.inputs[num_key].label}大于{self.std.inputs[den_key].label}"
        body = cases([(num.gt(den * (lift(1) + tol) + tol), over), (den.eq(0), NOT_APPLICABLE)],
                     call("MIN", num / den, 1))
        return checked(self._cells([num_key, den_key]), body)

    def utility_status(self, n: int, row: list[X]) -> X:
        """"—" for a blank row, a message for a bad one, else OK: what JS_LEAK_PART checks."""
        specs = [self.std.utility_fields[k] for k in UTILITY_FIELDS]
        supply, registered, resident = row[1], row[2], row[3]
        tol = self.tol()
        errors = [(call("ISERROR", x), f"{ERROR_PREFIX}第{n}个供水单位有错误值") for x in row]
        where = f"{ERROR_PREFIX}第{n}个供水单位："
        return cases(errors + [(call("AND", *(blank(x) for x in row)), "—")], checked(
            list(zip(row, specs)), cases([
                (supply.le(0), where + "供水总量应大于0"),
                (registered.gt(supply * (lift(1) + tol)), where + "注册用户用水量大于供水总量"),
                (resident.gt(supply * (lift(1) + tol)), where + "居民抄表到户水量大于供水总量")], "OK"),
            missing=f"{ERROR_PREFIX}第{n}个供水单位缺少数据", invalid=f"{where}数据有误"))

    @staticmethod
    def leakage_part(part: str, status: X, row: list[X]) -> X:
        """One CJJ 92-2016 component of a utility (rates.leakage's formulas and constants)."""
        supply, registered, resident, length, pressure, frost = row[1:]
        parts = {
            "R_WL": (supply - registered) / supply,
            "R1": lift(rates.R1_FACTOR) * resident / supply,
            "R2": call("MAX", -rates.R2_LIMIT, call("MIN", rates.R2_LIMIT, lift(rates.R2_FACTOR) * (
                length / supply - rates.R2_REFERENCE))),
            "R3": cases([(pressure.gt(above), c) for above, c in rates.R3_STEPS], 0),
            "R4": if_(frost.gt(rates.R4_FROST_DEPTH), rates.R4_CORRECTION, 0),
        }
        corrections = ((parts["R1"] + parts["R2"]) + parts["R3"]) + parts["R4"]
        parts["R_BL"] = parts["R_WL"] - corrections
        return if_(status.eq("OK"), parts[part], status)

    def county_leakage(self, r_bl: list[X], supplies: list[X]) -> X:
        """Supply-weighted R_BL over the filled rows; the first bad row's message otherwise."""
        total = lift(0)
        weighted = lift(0)
        for r, s in zip(r_bl, supplies):
            weighted = weighted + if_(call("ISNUMBER", r), r * s, 0)
            total = total + if_(call("ISNUMBER", r), s, 0)
        bad = [(call("AND", call("NOT", call("ISNUMBER", r)), r.ne("—")), r) for r in r_bl]
        return cases([(call("AND", *(r.eq("—") for r in r_bl)), f"{MISSING}：供水单位")] + bad,
                     weighted / total)

    # -- points ------------------------------------------------------------------------------

    @staticmethod
    def _bad_params(content: Content) -> str:
        return f"{ERROR_PREFIX}评价标准第{content.id}项的参数应为不小于0的数字"

    def _params_problem(self, content: Content, columns: Sequence[Param]) -> list[tuple[X, str]]:
        """The 评价标准 row's checks JS_SCORE makes: its rule type, and numbers ≥ 0."""
        rule = self.param(content.id, Param.RULE)
        message = self._bad_params(content)
        name = RULE_NAMES[rule_key(content.rule)]
        pairs = [(rule.ne(name), f"{ERROR_PREFIX}评价标准第{content.id}项的规则类型应为“{name}”")]
        for column in columns:
            x = self.param(content.id, column)
            pairs.append((if_(call("ISNUMBER", x), x.lt(0), True), message))
        if content.rule.type in STEP_RULES:  # an optional cut-off: blank, or a number ≥ 0
            cut = self.param(content.id, Param.CUTOFF)
            pairs.append((if_(call("ISNUMBER", cut), cut.lt(0), call("NOT", blank(cut))), message))
        return pairs

    def score(self, content: Content, value: X) -> X:
        return self._rate_score(content, value) if content.rule.is_rate else self._item_score(content)

    def _reaches(self, content: Content, value: X, limit: X) -> X:
        """rules.reaches: at the limit or on its better side."""
        return value.ge(limit - self.tol()) if content.rule.higher else value.le(limit + self.tol())

    def _rate_score(self, content: Content, value: X) -> X:
        p = lambda column: self.param(content.id, column)  # noqa: E731
        rule = content.rule
        not_number = if_(value.eq(NOT_APPLICABLE),
                         if_(p(Param.NOT_APPLICABLE).eq(NA_NAMES["zero"]), 0, p(Param.MAX_POINTS)),
                         if_(call("LEFT", value, len(MISSING)).eq(MISSING), MISSING, INVALID))
        if rule.type == "threshold":
            checks = self._params_problem(content, (Param.MAX_POINTS, Param.TARGET))
            points = if_(self._reaches(content, value, p(Param.TARGET)), p(Param.MAX_POINTS), 0)
            return cases(checks + [(call("NOT", call("ISNUMBER", value)), not_number)], points)
        if rule.type == "ladder":
            bands = list(zip(BAND_COLUMNS, ITEM_COLUMNS))[:len(rule.bands)]
            checks = self._params_problem(content, [Param.MAX_POINTS, *(c for band in bands for c in band)])
            points = call("MAX", 0, *(if_(self._reaches(content, value, p(limit)), p(points), 0)
                                      for limit, points in bands))
            return cases(checks + [(call("NOT", call("ISNUMBER", value)), not_number)], points)
        tol = self.tol()
        shortfall = (p(Param.TARGET) - value) if rule.higher else (value - p(Param.TARGET))
        steps = if_(p(Param.PARTIAL).eq(PARTIAL_NAMES["linear"]), shortfall / p(Param.STEP),
                    ceiling(shortfall / p(Param.STEP) - tol))
        points = if_(shortfall.le(tol), p(Param.MAX_POINTS),
                     call("MAX", 0, p(Param.MAX_POINTS) - steps * p(Param.DEDUCT)))
        cut = p(Param.CUTOFF)
        points = if_(call("ISNUMBER", cut), if_(self._reaches(content, value, cut), points, 0), points)
        checks = self._params_problem(content, (Param.MAX_POINTS, Param.TARGET, Param.STEP, Param.DEDUCT))
        return cases(checks + [(call("NOT", call("ISNUMBER", value)), not_number),
                               (p(Param.STEP).le(0), self._bad_params(content))], points)

    def _full_at(self, content: Content) -> X:
        """The cell of the value that earns full points: the target, or a ladder's best band."""
        rule = content.rule
        if rule.type != "ladder":
            return self.param(content.id, Param.TARGET)
        best = max(range(len(rule.bands)), key=lambda k: rule.bands[k][1])
        return self.param(content.id, BAND_COLUMNS[best])

    def item_met(self, item: Condition) -> X:
        if item.input is not None:
            return call("TRIM", self.inputs(item.input)).eq(YES)
        left, right, tol = self.inputs(item.left or ""), self.inputs(item.right or ""), self.tol()
        return {"<=": left.le(right + tol), ">=": left.ge(right - tol),
                "<": left.lt(right - tol), ">": left.gt(right + tol)}[item.op or ""]

    def _item_score(self, content: Content) -> X:
        total = lift(0)
        for column, item in zip(ITEM_COLUMNS, content.rule.items):
            total = total + if_(self.item_met(item), self.param(content.id, column), 0)
        if content.is_bonus:
            total = call("MIN", self.param(content.id, Param.CAP), total)
        columns = [Param.MAX_POINTS, *ITEM_COLUMNS[:len(content.rule.items)]]
        columns += [Param.CAP] if content.is_bonus else []
        return cases(self._params_problem(content, columns),
                     checked(self._cells(content.input_keys), total, MISSING, INVALID))

    # -- gaps, prerequisites, totals, verdict -------------------------------------------------

    def quantity(self, amount: X, kind: str) -> X:
        """gaps.quantity: whole items for counts, hundredths otherwise, rounded up."""
        slack = self.tol() * call("MAX", 1, call("ABS", amount))
        if kind == "count":
            return ceiling(amount - slack) & ""
        scaled = amount * 100
        return (ceiling(scaled - self.tol() * call("MAX", 1, call("ABS", scaled))) / 100) & ""

    def gap(self, content: Content, value: X, points: X, supply: X) -> X:
        """The gap hint: the shortfall in the office's unit for a rate, the items still missing
        for a checklist or bonus (the UDF's words for a missing or invalid figure)."""
        if not content.rule.is_rate:
            return self._items_gap(content, points)
        p = lambda column: self.param(content.id, column)  # noqa: E731
        target, tol = self._full_at(content), self.tol()
        not_number = if_(value.eq(NOT_APPLICABLE), if_(
            p(Param.NOT_APPLICABLE).eq(NA_NAMES["zero"]), "不适用：分母为0，计0分", "不适用：分母为0，按满分计"),
            if_(call("LEFT", value, len(MISSING)).eq(MISSING), MISSING, INVALID))
        if content.measure == "leakage":
            excess = value - target
            reached, text = value.le(target + tol), (
                lift("漏损率较目标高") & self.quantity(excess * 100, "fraction") & "个百分点（折合漏损水量约"
                & self.quantity(excess * supply, "volume") & "万立方米）")
        else:
            spec = self.std.inputs[content.numerator or ""]
            need = target * self.inputs(content.denominator or "") - self.inputs(content.numerator or "")
            reached, text = value.ge(target - tol), (
                lift(f"{content.gap_action}较目标少") & self.quantity(need, spec.kind)
                & f"{gaps.prose_unit(spec.unit)}（距目标" & shown(target * 100) & "%差"
                & call("ROUND", (target - value) * 100, 1) & "个百分点）")
        return cases([(call("NOT", call("ISNUMBER", value)), not_number), (reached, "已达标")], text)

    def _items_gap(self, content: Content, points: X) -> X:
        missing = lift("")
        for column, item in zip(ITEM_COLUMNS, content.rule.items):
            entry = lift(f"{gaps.unmet_item(item.label)}（") & shown(self.param(content.id, column)) & "分）；"
            missing = missing & if_(self.item_met(item), "", entry)
        text = call("LEFT", missing, call("MAX", 0, call("LEN", missing) - 1))
        reached = points.ge(self.param(content.id, Param.MAX_POINTS) - self.tol())
        return cases([(call("NOT", call("ISNUMBER", points)), points), (reached, "已达标")], text)

    def prerequisite(self, keys: Sequence[str], conditions: Sequence[Condition]) -> X:
        met = call("AND", *(self.item_met(c) for c in conditions))
        return checked(self._cells(keys), if_(met, MET, UNMET))

    def totals(self, points: Sequence[X], bonus_rows: Sequence[X]) -> tuple[X, X]:
        """(base, bonus) as JS_TOTAL adds them; 数据不完整 unless every content has points."""
        base, bonus = lift(0), lift(0)
        for p, is_bonus in zip(points, bonus_rows):
            base = base + if_(is_bonus, 0, p)
            bonus = bonus + if_(is_bonus, p, 0)
        complete = call("AND", *(call("ISNUMBER", p) for p in points))
        incomplete = self.std.verdicts["incomplete"]
        return (if_(complete, base, incomplete),
                if_(complete, call("MIN", bonus, self.std.bonus_cap), incomplete))

    def verdict(self, total: X, prerequisites: Sequence[X]) -> X:
        v, tol = self.std.verdicts, self.tol()
        decided = [call("OR", p.eq(MET), p.eq(UNMET)) for p in prerequisites]
        return cases([(call("NOT", call("ISNUMBER", total)), v["incomplete"]),
                      (call("NOT", call("AND", *decided)), v["incomplete"]),
                      (call("OR", *(p.eq(UNMET) for p in prerequisites)), v["veto"]),
                      (total.ge(lift(self.std.pass_mark) - tol), v["pass"])], v["fail"])
