"""Read back a standard workbook a province edited (`jieshui standard import`, and `--standard
FILE.xlsx` everywhere): the edits overlaid on the standard file that rode along in it, every
wrong cell named in Chinese, then the engine's own validation of the whole standard. An edit
whose rules differ from what was exported, under the exported version, is given a version of its
own (versions.py), so that county workbooks built on it and the review can tell it apart."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from ..engine import Standard, StandardError, load_standard, parse_standard
from ..workbook.contract import EARLIER_WORDS, NA_NAMES, PARTIAL_NAMES, RULE_NAMES, prereq_name, reverse, rule_kind
from .layout import (BASE_SHEET, CONTENT_COLUMNS, EARLIER_HEADERS, GENERAL, PERCENT_HEADERS, SHEET_CONTENTS,
                     SHEET_GENERAL, SHEET_ITEMS, SHEET_PREREQS, SHEET_UNITS, SOURCE_HEADERS)
from ..workbook.versions import china_time, official_root, revision_name, rules_digest

FIRST_ROW = 3  # 1-based: title, headers, then data
_LIST = re.compile(r"[、，,；;\s]+")


class _Sheet:
    """One sheet's cells by (row, header), with the problems found, each naming its cell."""

    def __init__(self, book: Any, name: str, problems: list[str]):
        if name not in book.sheetnames:
            raise StandardError(f"评价标准工作簿缺少工作表“{name}”：请使用 jieshui standard export 导出的文件")
        self.ws, self.name, self.problems = book[name], name, problems
        self.columns = {EARLIER_HEADERS.get(c.value, c.value): c.column for c in self.ws[2] if c.value is not None}

    def cell(self, row: int, header: str) -> Any:
        value = self.ws.cell(row, self.columns[header]).value
        return value.strip() if isinstance(value, str) else value

    def where(self, row: int, header: str) -> str:
        return f"{self.name}!{self.ws.cell(row, self.columns[header]).coordinate}"

    def number(self, row: int, header: str, blank_ok: bool = False) -> float | None:
        value = self.cell(row, header)
        if value in (None, "") and blank_ok:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
        self.problems.append(f"{self.where(row, header)}（{header}）应填不小于0的数字")
        return None

    def text(self, row: int, header: str) -> str:
        value = self.cell(row, header)
        if value in (None, ""):
            self.problems.append(f"{self.where(row, header)}（{header}）不能为空")
            return ""
        return str(value)

    def choice(self, row: int, header: str, names: dict[str, str]) -> str:
        value = self.cell(row, header)
        value = EARLIER_WORDS.get(value, value) if isinstance(value, str) else value
        if value not in reverse(names):
            self.problems.append(f"{self.where(row, header)}（{header}）应为“{'”“'.join(names.values())}”之一")
            return next(iter(names))
        return reverse(names)[value]

    def sources(self, row: int, entry: dict[str, Any]) -> None:
        """The 来源 columns a previous release exported, read where the sheet has them."""
        for header, key in SOURCE_HEADERS.items():
            if header in self.columns and not (key == "source" and header == "来源" and "内容来源" in self.columns):
                entry[key] = self.text(row, header)

    def names(self, row: int, header: str) -> list[str]:
        value = self.cell(row, header)
        return [part for part in _LIST.split(str(value or "")) if part]


# -- the engine's checks of the whole standard, said at the cells they concern ---------------

_ABOUT = re.compile(r"^(评价内容|必备条件) ?([^：\s]+)：(.*)$", re.S)
_LIMITS = tuple(h for h, _ in CONTENT_COLUMNS if h.endswith("档界限"))
_POINTS = tuple(h for h, _ in CONTENT_COLUMNS if h.endswith("档得分"))
# The 评价内容 columns a content's problem concerns, by the words the engine uses (first match).
_CONTENT_FIELDS = (("每步扣分", ("每步扣分",)), ("不得分界限", ("不得分界限",)), ("目标值", ("目标值",)),
                   ("步长", ("步长",)), ("分档界限", _LIMITS), ("各档标准分", _POINTS), ("分档", _LIMITS + _POINTS),
                   ("加分上限", ("加分上限",)), ("partial", ("部分得分",)), ("not_applicable", ("分母为0时",)),
                   ("越高越好", ("规则类型",)), ("规则类型", ("规则类型",)), ("better", ("规则类型",)),
                   ("评价指标", ("评价指标",)), ("标准分", ("标准分",)))
# The 总体 rows of whole-standard problems, by how the engine's message begins.
_GENERAL_ROWS = (("基本分", "base_max"), ("加分项标准分之和", "bonus_cap"), ("合格分", "pass_mark"))
# The standard file's words where the workbook has its own: keys, and fractions it types as percent.
_FILE_WORDS = ((re.compile(r" ?base_max = "), "基本分"), (re.compile(r" ?(bonus_cap|pass_mark) = "), ""),
               (re.compile(r"(\d)\.0(?![\d.])"), r"\1"),
               (re.compile(r"（better 写错了）"), ""), (re.compile(r"不在 units 列表中"), f"不在“{SHEET_UNITS}”表中"),
               (re.compile(r" ?\b[a-z_]+\b( = -?[\d.e+]+)? ?"), ""), (re.compile(r"0与1之间"), "0%与100%之间"),
               (re.compile(r"（如 (\d+)%写 [\d.]+）"), r"（如 \1%）"), (re.compile(r"（(\d+) 个百分点写 [\d.]+）"), r"（如 \1%）"),
               (re.compile(r"目标值 ?([\d.]+)"), lambda m: f"目标值{float(m[1]) * 100:g}%"),
               (re.compile(r"(?<=[\u4e00-\u9fff]) +(?=\d)"), ""))


def _workbook_words(text: str) -> str:
    for pattern, replacement in _FILE_WORDS:
        text = pattern.sub(replacement, text)
    return text


def _located(problem: str, sheets: dict[str, _Sheet], raw: dict[str, Any]) -> str:
    """One problem the engine found in the whole standard, at the cell (or cells) it concerns."""
    about = _ABOUT.match(problem)
    if about is None:
        key = next((k for start, k in _GENERAL_ROWS if problem.startswith(start)), None)
        if key is None:  # only the hidden exported data can hold it: nothing to point at
            return f"隐藏的{BASE_SHEET}表（导出时的评价标准，不可修改）：{_workbook_words(problem)}；请重新导出后修改"
        row = FIRST_ROW + [k for k, _, _ in GENERAL].index(key)
        return f"{SHEET_GENERAL}!B{row}（{GENERAL[row - FIRST_ROW][1]}）：{_workbook_words(problem)}"
    kind, ident, text = about.groups()
    if kind == "必备条件":
        return _prerequisite_cell(sheets[SHEET_PREREQS], raw, ident, text)
    n = next(n for n, c in enumerate(raw["contents"]) if str(c["id"]) == ident)
    content, sheet, row = raw["contents"][n], sheets[SHEET_CONTENTS], FIRST_ROW + n
    if "得分项" in text or "各项标准分" in text or "条件" in text:
        first = FIRST_ROW + sum(len(c["rule"].get("items", ())) for c in raw["contents"][:n])
        last = first + max(len(content["rule"].get("items", ())), 1) - 1
        items = sheets[SHEET_ITEMS]
        cells = f"{items.where(first, '标准分')}:{items.where(last, '标准分').split('!')[1]}"
        return f"{cells}（第{ident}项评价内容的各项标准分）：{_workbook_words(text)}"
    headers = _named(text, content) or next((h for word, h in _CONTENT_FIELDS if word in text), ("序号",))
    bands = len(content["rule"].get("bands", ()))
    if bands and set(headers) <= set(_LIMITS + _POINTS):  # the bands typed, not the empty ones
        headers = tuple(h for h in headers if int(h[1]) <= bands)
    return f"{_cells(sheet, row, headers)}：{_workbook_words(text)}"


def _named(text: str, entry: dict[str, Any]) -> tuple[str, ...] | None:
    """The column of a unit or source the engine names (“…”): the one whose cell holds it."""
    quoted = re.search(r"“(.*?)”", text)
    if quoted is None or not text.startswith(("责任单位", "来源")):
        return None
    if text.startswith("来源"):  # only a previous release's workbook shows the sources
        return ("内容来源",) if entry.get("source") == quoted[1] else ("分值与规则来源",)
    return ("牵头单位",) if entry.get("lead") == quoted[1] else ("配合单位",)


def _cells(sheet: _Sheet, row: int, headers: tuple[str, ...]) -> str:
    """sheet!A1（header） of one column, or sheet!A1:D1（first—last） of several."""
    if len(headers) == 1:
        value, shown = sheet.ws.cell(row, sheet.columns[headers[0]]).value, ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = f"，当前为{value * 100:g}%" if headers[0] in PERCENT_HEADERS else f"，当前为{value:g}"
        return f"{sheet.where(row, headers[0])}（{headers[0]}{shown}）"
    last = sheet.where(row, headers[-1]).split("!")[1]
    return f"{sheet.where(row, headers[0])}:{last}（{headers[0]}至{headers[-1]}）"


def _prerequisite_cell(sheet: _Sheet, raw: dict[str, Any], ident: str, text: str) -> str:
    n = next(n for n, p in enumerate(raw["prerequisites"]) if str(p["id"]) == ident)
    headers = ("来源",) if text.startswith("来源") else _named(text, raw["prerequisites"][n]) or ("序号",)
    return f"{_cells(sheet, FIRST_ROW + n, headers)}：{_workbook_words(text)}"


def _base(book: Any) -> dict[str, Any]:
    if BASE_SHEET not in book.sheetnames:
        raise StandardError("这个工作簿不是由 jieshui standard export 导出的评价标准（缺少内部数据），请重新导出后修改")
    text = "".join(str(row[0] or "") for row in book[BASE_SHEET].iter_rows(values_only=True))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise StandardError("评价标准工作簿的内部数据已损坏，请重新导出后修改") from None


def _general(sheet: _Sheet, raw: dict[str, Any]) -> None:
    for row, (key, label, _) in enumerate(GENERAL, start=FIRST_ROW):
        value = sheet.ws.cell(row, 2).value
        if key in ("base_max", "bonus_cap", "pass_mark"):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                sheet.problems.append(f"{sheet.name}!B{row}（{label}）应填不小于0的数字")
                continue
            raw[key] = float(value)
        elif value in (None, "") or not str(value).strip():
            sheet.problems.append(f"{sheet.name}!B{row}（{label}）不能为空")
        elif key.startswith("verdicts."):
            raw["verdicts"][key.split(".")[1]] = str(value).strip()
        else:
            raw[key] = str(value).strip()


def _rule(sheet: _Sheet, row: int, old: dict[str, Any]) -> dict[str, Any]:
    """The rule of one 评价内容 row; an item rule keeps its items (edited in 得分项)."""
    if old["type"] in ("checklist", "bonus"):
        name = RULE_NAMES[old["type"]]
        if sheet.cell(row, "规则类型") != name:  # pasted over the locked cell: nothing else sees it
            sheet.problems.append(f"{sheet.where(row, '规则类型')}（规则类型）应为“{name}”：本项按得分项计分，"
                                  "规则类型不能修改（各项标准分在“得分项”表中修改）")
        rule = dict(old)
        if old["type"] == "bonus":
            rule["cap"] = sheet.number(row, "加分上限")
        return rule
    key = sheet.choice(row, "规则类型", {k: v for k, v in RULE_NAMES.items() if rule_kind(k) not in ("checklist", "bonus")})
    kind = rule_kind(key)
    rule: dict[str, Any] = {"type": kind, "not_applicable": sheet.choice(row, "分母为0时", NA_NAMES)}
    if kind in ("threshold", "ladder"):
        rule["better"] = key.rsplit("_", 1)[1]
    if kind != "ladder":
        rule["target"] = sheet.number(row, "目标值")
    if kind in ("higher_better", "lower_better"):
        rule.update(step=sheet.number(row, "步长"), deduct=sheet.number(row, "每步扣分"),
                    partial=sheet.choice(row, "部分得分", PARTIAL_NAMES))
        cutoff = sheet.number(row, "不得分界限", blank_ok=True)
        if cutoff is not None:
            rule["cutoff"] = cutoff
    if kind == "ladder":
        rule["bands"] = _bands(sheet, row)
    return rule


def _bands(sheet: _Sheet, row: int) -> list[list[float | None]]:
    bands = []
    for k in range(1, sum(1 for h, _ in CONTENT_COLUMNS if h.endswith("档界限")) + 1):
        limit = sheet.number(row, f"第{k}档界限", blank_ok=True)
        if limit is None:
            break
        bands.append([limit, sheet.number(row, f"第{k}档得分")])
    if not bands:
        sheet.problems.append(f"{sheet.where(row, '第1档界限')}：分档得分至少要填第1档的界限和得分")
    return bands


def _contents(sheet: _Sheet, raw: dict[str, Any]) -> None:
    for n, content in enumerate(raw["contents"]):
        row = FIRST_ROW + n
        if sheet.cell(row, "序号") != content["id"]:
            sheet.problems.append(f"{sheet.where(row, '序号')}：应为第{content['id']}项评价内容，请勿增删或移动行")
            continue
        content.update(title=sheet.text(row, "评价内容"), max_points=sheet.number(row, "标准分"),
                       rule=_rule(sheet, row, content["rule"]), lead=sheet.text(row, "牵头单位"),
                       coop=sheet.names(row, "配合单位"), evidence=sheet.names(row, "佐证材料"))
        sheet.sources(row, content)
        if "gap_action" in content:
            content["gap_action"] = sheet.cell(row, "差距分析用语") or ""


def _items(sheet: _Sheet, raw: dict[str, Any]) -> None:
    row = FIRST_ROW
    for content in raw["contents"]:
        for item in content["rule"].get("items", ()):
            if sheet.cell(row, "序号") != content["id"]:
                sheet.problems.append(f"{sheet.where(row, '序号')}：应为第{content['id']}项评价内容的得分项，请勿增删行")
                return
            item.update(label=sheet.text(row, "得分项"), points=sheet.number(row, "标准分"))
            row += 1


def _prerequisites(sheet: _Sheet, raw: dict[str, Any]) -> None:
    for n, prereq in enumerate(raw["prerequisites"]):
        row = FIRST_ROW + n
        if sheet.cell(row, "序号") not in (prereq["id"], prereq_name(prereq["id"])):  # P1 before 2025.5
            sheet.problems.append(f"{sheet.where(row, '序号')}：应为{prereq_name(prereq['id'])}，请勿增删或移动行")
            continue
        prereq.update(title=sheet.text(row, "必备条件"), lead=sheet.text(row, "牵头单位"),
                      coop=sheet.names(row, "配合单位"), evidence=sheet.names(row, "佐证材料"))
        sheet.sources(row, prereq)


def _units(sheet: _Sheet, raw: dict[str, Any]) -> None:
    units = [str(v).strip() for (v,) in sheet.ws.iter_rows(min_row=FIRST_ROW, min_col=2, max_col=2, values_only=True)
             if v not in (None, "") and str(v).strip()]
    if not units:
        sheet.problems.append(f"{sheet.name}：至少要有一个责任单位")
    raw["units"] = units


def _without_none(value: Any) -> Any:
    """A number a cell lacked was reported already; drop it so the TOML can still be written."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def read_standard_book(path: Path) -> tuple[dict[str, Any], Standard]:
    """(the standard file's data, the standard) of an edited standard workbook."""
    import openpyxl

    from ..workbook.readers import WorkbookError, screen

    try:
        screen(path)
        book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except WorkbookError as exc:
        raise StandardError(str(exc)) from None
    except OSError:  # unreadable, not damaged: the command line says which and why
        raise
    except Exception:  # openpyxl raises many kinds on a damaged part
        raise StandardError(f"文件{path.name}已损坏，无法作为评价标准工作簿读取") from None
    raw, problems = _base(book), []
    exported = copy.deepcopy(raw)
    sheets = {name: _Sheet(book, name, problems) for name in (SHEET_GENERAL, SHEET_CONTENTS, SHEET_ITEMS,
                                                              SHEET_PREREQS, SHEET_UNITS)}
    _general(sheets[SHEET_GENERAL], raw)
    _contents(sheets[SHEET_CONTENTS], raw)
    _items(sheets[SHEET_ITEMS], raw)
    _prerequisites(sheets[SHEET_PREREQS], raw)
    _units(sheets[SHEET_UNITS], raw)
    if not problems:
        raw = _without_none(raw)
        try:
            std = parse_standard(raw, str(path), what="评价标准工作簿")
        except StandardError as exc:  # the engine's checks of the whole: each said at its cell
            if not exc.problems:
                raise
            problems = [_located(problem, sheets, raw) for problem in exc.problems]
    if problems:
        raise StandardError(f"评价标准工作簿{path.name}有{len(problems)}处需要改正：\n" + "\n".join(problems))
    return _versioned(raw, std, exported, _saved(book, path))


def _saved(book: Any, path: Path) -> dt.datetime | None:
    """When the edited workbook was last saved, as its own properties say (Excel, WPS and
    LibreOffice write them), so that every reading of one file names the same version."""
    stamp = book.properties.modified or book.properties.created
    if stamp is None:
        try:
            return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
        except OSError:
            return None
    return stamp


def _versioned(raw: dict[str, Any], std: Standard, exported: dict[str, Any],
               saved: dt.datetime | None) -> tuple[dict[str, Any], Standard]:
    """The version typed in 总体 when the official changed it; the exported one when no rule
    changed; otherwise a new version in words. The rules' digest is kept in [revision]."""
    digest, base_version = rules_digest(std), str(exported["version"])
    if raw["version"] == base_version:
        known = {exported.get("revision", {}).get("digest")}
        if digest not in known:
            try:
                known.add(rules_digest(parse_standard(exported, std.path)))
            except StandardError:  # what was exported no longer validates: it is not these rules
                pass
        if digest in known:
            return raw, std
        raw["version"] = revision_name(official_root(base_version) or base_version, saved)
        std = dataclasses.replace(std, version=raw["version"])
    raw["revision"] = {"edited_from": base_version, "digest": digest,
                       **({"saved": china_time(saved).isoformat(timespec="seconds")} if saved else {})}
    return raw, std


def load_any_standard(path: str | Path | None) -> Standard:
    """A standard from a .toml file, an edited standard workbook (.xlsx), or the packaged one."""
    if path is not None and Path(path).suffix.lower() == ".xlsx":
        return read_standard_book(Path(path))[1]
    return load_standard(path)
