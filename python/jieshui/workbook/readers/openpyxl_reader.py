"""Read a county workbook file with openpyxl: cached values only, macros and links never run."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ...engine import Standard
from .base import WorkbookData, WorkbookError, read_from, require_names, screen


class OpenpyxlSource:
    """A NameSource over a workbook loaded with openpyxl (data_only: the cached values)."""

    def __init__(self, book: Any, path: Path):
        self.book, self.path = book, path

    def address(self, name: str) -> tuple[str, str]:
        defined = self.book.defined_names.get(name)
        destinations = list(defined.destinations) if defined is not None else []
        if not destinations:
            raise WorkbookError(f"文件 {self.path.name} 缺少定义名称 {name}，不是完整的县域复核工作簿")
        sheet, ref = destinations[0]
        if sheet not in self.book.sheetnames:
            raise WorkbookError(f"工作簿缺少工作表“{sheet}”（定义名称 {name} 指向它），请勿删除工作表")
        return sheet, ref.replace("$", "")

    def value(self, name: str) -> Any:
        sheet, ref = self.address(name)
        target = self.book[sheet][ref]
        if isinstance(target, tuple):
            return [[c.value for c in row] for row in target]
        return target.value


def read_workbook(path: str | Path, std: Standard) -> WorkbookData:
    """Read a county workbook from disk; WorkbookError names what is wrong with any other file."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    screen(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError(f"文件 {path} 无法作为 Excel 工作簿读取：{exc}") from exc
    require_names(path, lambda name: book.defined_names.get(name) is not None, std)
    return read_from(OpenpyxlSource(book, path), std)
