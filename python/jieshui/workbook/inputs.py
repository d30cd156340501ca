"""What an official types into the workbook, as cell values: the writer's input, the reader's
output. Booleans are the 是/否 strings of the cells, blanks are None."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..engine import UTILITY_FIELDS, Standard
from ..engine.words import NO, YES
from .contract import COUNTY_FIELDS, EVIDENCE_CHOICES, REPORT_CHOICES, UTILITY_ROWS


@dataclass
class WorkbookInputs:
    county: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(COUNTY_FIELDS))
    inputs: dict[str, Any] = field(default_factory=dict)
    utilities: list[list[Any]] = field(
        default_factory=lambda: [[None] * len(UTILITY_FIELDS) for _ in range(UTILITY_ROWS)])
    evidence: dict[int, Any] = field(default_factory=dict)
    prereq_evidence: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, list[Any]] = field(default_factory=dict)
    returns: dict[str, Any] = field(default_factory=dict)  # unit → when its 填报表 came back
    # 佐证台账 rows, as LEDGER_HEADERS: [content id (int) or prerequisite id ("P1"), 材料名称,
    # 文号, 日期, 页数, 文件] (the sheet shows a prerequisite as 必备条件1).
    ledger: list[list[Any]] = field(default_factory=list)

    def ledger_rows(self) -> list[tuple[int, list[Any]]]:
        """(index, row) of the ledger's rows that hold anything."""
        return [(n, row) for n, row in enumerate(self.ledger) if any(v not in (None, "") for v in row)]

    def documents(self, item_id: int | str) -> int:
        """The ledger's rows for a content (id 1–24) or a prerequisite ("P1"), as 附件3's and
        附件2's COUNTIF count them."""
        return sum(1 for _, row in self.ledger_rows() if row and row[0] == item_id)

    def filled_utility_rows(self) -> list[int]:
        """Indexes of the utility table's rows that hold anything (blank rows are not utilities)."""
        return [n for n, row in enumerate(self.utilities)
                if any(v is not None and str(v).strip() for v in row)]

    def to_county_raw(self) -> dict[str, Any]:
        """The county data the engine validates, as a county TOML file would give it."""
        county = {k: self.county.get(k) for k in ("name", "province", "city", "year")}
        year = county["year"]
        if isinstance(year, float) and year.is_integer():
            county["year"] = int(year)
        county = {k: v for k, v in county.items() if v is not None}
        utilities = [dict(zip(UTILITY_FIELDS, self.utilities[n])) for n in self.filled_utility_rows()]
        return {"county": county,
                "inputs": {k: v for k, v in self.inputs.items() if v is not None},
                "utilities": utilities}


def from_county_raw(raw: Mapping[str, Any], std: Standard) -> WorkbookInputs:
    """Cell values for a county data file's figures (used for the example workbook)."""
    result = WorkbookInputs()
    result.county.update({k: v for k, v in raw.get("county", {}).items() if k in COUNTY_FIELDS})
    for key in std.inputs:
        value = raw.get("inputs", {}).get(key)
        result.inputs[key] = (YES if value else NO) if isinstance(value, bool) else value
    for n, utility in enumerate(raw.get("utilities", [])[:UTILITY_ROWS]):
        result.utilities[n] = [utility.get(k) for k in UTILITY_FIELDS]
    return result


def example_extras(inputs: WorkbookInputs, std: Standard) -> WorkbookInputs:
    """What a real county would also have filled: date, contact, evidence and monthly reports."""
    inputs.county.update(report_date=dt.date(2025, 7, 20), contact="示例联系人", phone="0477-0000000")
    inputs.ledger = example_ledger(std)
    given, missing = EVIDENCE_CHOICES  # 已提供 only where the ledger lists a document
    inputs.evidence = {c.id: given if inputs.documents(c.id) else missing for c in std.contents}
    inputs.prereq_evidence = {p.id: given if inputs.documents(p.id) else missing for p in std.prerequisites}
    inputs.reports = {unit: [REPORT_CHOICES[0] if 2 <= month <= 6 else None
                             for month in range(1, 13)] for unit in std.units}
    return inputs


def example_ledger(std: Standard) -> list[list[Any]]:
    """One document per prerequisite and content, as the example county would list it: the first
    evidence the standard asks for, a 文号 and date of the evaluation year's spring; no file (the
    example ships without a 佐证材料 folder)."""
    items = [*std.prerequisites, *std.contents]
    return [[item.id, f"示例旗{item.evidence[0]}", f"示旗水发〔2025〕{n}号", dt.date(2025, 3, 1) + dt.timedelta(days=n),
             2 + n % 5, None] for n, item in enumerate(items, start=1) if item.evidence]
