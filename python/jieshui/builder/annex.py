"""What the annex sheets share: the county line under the title, and the responsibility
columns (lead unit, co-operating units, evidence list, evidence status)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..workbook.contract import COUNTY_FIELDS, EVIDENCE_CHOICES
from ..workbook.inputs import WorkbookInputs
from .book import Book, as_number, cell

NO_COUNTY = "（请在“说明”页填写县名）"
COUNTY_LINE = (f'IF(in_county_name="","{NO_COUNTY}",'
               "in_county_province&in_county_city&in_county_name)")


@dataclass(frozen=True)
class County:
    """The cover's fields as cell values (numbers as floats, the date as its serial)."""

    fields: dict[str, Any]

    @classmethod
    def of(cls, inputs: WorkbookInputs) -> County:
        return cls({k: as_number(inputs.county.get(k)) for k in COUNTY_FIELDS})

    def get(self, key: str) -> Any:
        return self.fields.get(key)

    def title(self) -> str:
        """Province, city and county, as the county line formula joins them."""
        if not self.get("name"):
            return NO_COUNTY
        return "".join(str(self.get(k) or "") for k in ("province", "city", "name"))


def county_line(book: Book, ws: Any, county: County, last_col: int) -> None:
    ws.merge_range(1, 0, 1, last_col, None, book.styles.subtitle)
    book.formula(ws, 1, 0, COUNTY_LINE, county.title, book.styles.subtitle)


def responsibility(book: Book, ws: Any, row: int, col: int, item: Any, evidence: Any) -> None:
    """Lead unit, co-op units, evidence list and the evidence status input, from `col` on."""
    styles = book.styles
    ws.write(row, col, item.lead, styles.center)
    ws.write(row, col + 1, "、".join(item.coop), styles.center)
    ws.write(row, col + 2, "、".join(item.evidence), styles.text)
    given, missing = EVIDENCE_CHOICES
    book.input_cell(ws, row, col + 3, evidence, styles.input_center, {
        "validate": "list", "source": list(EVIDENCE_CHOICES), "input_title": "佐证材料",
        "input_message": f"佐证材料已登记在“佐证台账”（台账份数大于0）时选“{given}”，否则选“{missing}”。",
        "error_title": "填报有误", "error_message": f"请从下拉列表选择“{given}”或“{missing}”。"})


def evidence_warning(book: Book, ws: Any, first: int, last: int, col: int, count_col: int) -> None:
    """Mark 已提供 red where the ledger holds no document for the row (台账（份）is 0)."""
    mark, count = cell(first, col), cell(first, count_col)
    ws.conditional_format(first, col, last, col, {
        "type": "formula", "criteria": f'=AND({mark}="{EVIDENCE_CHOICES[0]}",{count}=0)',
        "format": book.styles.bad})
