"""Entry points for the workbook's buttons and the add-in's ribbon, called from VBA through
xlwings' RunPython ("import jieshui.excel.macros as m; m.check_data()"). Which buttons there are,
and which function each calls, is the table in jieshui.workbook.buttons; the VBA is generated
from it (build.py).

Each reads the workbook through xlwings (workbook.readers.xlwings_reader) and hands the values
to the same core the command line uses (workbook.check, county.export); nothing here computes a
score.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import xlwings as xw

from .. import __version__
from ..engine import default_standard
from ..engine.words import date, os_reason
from ..errors import UserError
from ..files import claim, write_atomically, write_new
from ..locks import workbook_lock
from ..workbook.check import RESULT_HEADERS, Problem, check, link_target, result_rows
from ..county.evidence import check_evidence, index_name, index_workbook
from ..county.export import export, problem_notes
from ..county.report import dated, write_report as report_file
from ..county.merge import kept_lines, merged_workbook, plan_files
from ..county.unit_files import checked_county, checked_year, write_unit_files
from ..workbook import assets
from ..workbook.contract import TEMPLATE_VERSION
from ..workbook.readers.xlwings_reader import read_book

RESULTS_SHEET = "检查结果"


def _checked(book: Any) -> tuple[Any, Any]:
    std = default_standard()
    data = read_book(book, std)
    return data, check(data, std)


def target_book(active: bool) -> Any:
    """The workbook a button acts on: the caller, or (from the add-in) the active workbook,
    which must be a county workbook; None after telling the official so."""
    caller = xw.Book.caller()
    if not active:
        return caller
    book = caller.app.books.active
    if book is None or not any(name.name == "tpl_version" for name in book.names):
        caller.app.alert("当前工作簿不是县域复核工作簿。请先打开或新建县域复核工作簿（功能区“节水复核”→“新建县域工作簿”）。",
                         title="节水复核")
        return None
    return book


def check_data(active: bool = False) -> None:
    book = target_book(active)
    if book is None:
        return
    with _refusals(book, "检查数据"):
        _, checked = _checked(book)
        write_results(book, checked.problems)
        count = len(checked.problems)
        book.app.alert(f"发现{count}项问题，已列在“{RESULTS_SHEET}”工作表，点击单元格地址可跳转。"
                       if count else "数据检查通过：未发现问题。", title="检查数据")


def write_results(book: Any, problems: list) -> None:
    names = [sheet.name for sheet in book.sheets]
    sheet = (book.sheets[RESULTS_SHEET] if RESULTS_SHEET in names
             else book.sheets.add(RESULTS_SHEET, after=book.sheets[len(names) - 1]))
    sheet.clear()
    sheet["A1"].value = [list(RESULT_HEADERS)] + result_rows(problems)
    for n, problem in enumerate(problems, start=2):
        target = link_target(problem)
        if target:
            sheet[f"B{n}"].add_hyperlink(target, problem.cell, "跳转到该单元格")
    sheet.activate()


def _folder(book: Any) -> Path:
    folder = Path(book.fullname).parent
    return folder if folder.is_dir() else Path.home()


def export_submission(active: bool = False) -> None:
    book = target_book(active)
    if book is None:
        return
    with _refusals(book, "导出报送表"):  # a file the system refuses is said, not a traceback
        data, checked = _checked(book)
        exported = export(checked, data.inputs, _folder(book), dt.date.today(), make_pdf=False)
        pdf_note = excel_pdf(book.app, exported.xlsx)
        lines = [f"已导出报送表：{exported.xlsx}", pdf_note]
        lines += [text for text, _ in problem_notes(checked.problems)]
        book.app.alert("\n".join(lines), title="导出报送表")


def excel_pdf(app: Any, xlsx: Path) -> str:
    """Excel's own PDF export of the submission file; a plain note when it fails."""
    pdf = claim(xlsx.with_suffix(".pdf"))  # Excel writes over the empty file claimed for it
    try:
        exported = app.books.open(str(xlsx))
        try:
            exported.to_pdf(str(pdf))
        finally:
            exported.close()
    except Exception as exc:  # COM errors have no common type; the official gets a plain note
        pdf.unlink(missing_ok=True)
        return f"未生成 PDF（Excel 导出失败：{exc}），可打开报送表后另存为 PDF。"
    return f"已生成 PDF：{pdf}"


def write_report(active: bool = False) -> None:
    """生成自评报告: the draft .docx beside the workbook (and its PDF where LibreOffice is)."""
    book = target_book(active)
    if book is None:
        return
    with _refusals(book, "生成自评报告"):  # a file the system refuses is said, not a traceback
        data, checked = _checked(book)
        # Dated as the command dates it: the workbook's 填报日期 (today only while it has none).
        day, said = dated(data.inputs, None, dt.date.today())
        written = report_file(checked, data.inputs, default_standard(), _folder(book), day)
        book.app.alert(f"已生成自评报告初稿：{written.docx}\n落款日期：{date(day)}（{said}）\n"
                       f"{written.pdf_note}\n请核对、修改文字后使用。",
                       title="生成自评报告")


def index_evidence(active: bool = False) -> None:
    """整理佐证目录: the ledger checked against the 佐证材料 folder beside the workbook; the index
    written beside it; the problems in the 检查结果 sheet (with links to their cells)."""
    book = target_book(active)
    if book is None:
        return
    with _refusals(book, "整理佐证目录"):  # a file the system refuses is said, not a traceback
        data, checked = _checked(book)
        std, folder = default_standard(), _folder(book)
        found = check_evidence(data, checked, std, folder / "佐证材料")
        target = write_new(folder / f"{index_name(data, dt.date.today())}.xlsx", index_workbook(data, found, dt.date.today()))
        problems = [Problem(cell, "佐证", message) for cell, message in found.problems]
        problems += [Problem("", "未登记的文件", str(path)) for path in found.unlisted]
        write_results(book, problems)
        book.app.alert(f"已生成佐证材料目录（{len(found.index)}份材料）：{target}\n"
                       f"发现{len(problems)}项问题，已列在“{RESULTS_SHEET}”工作表。", title="整理佐证目录")


def split_units(active: bool = False) -> None:
    """分发填报表: one file per member unit in a 填报表 folder beside the workbook."""
    book = target_book(active)
    if book is None:
        return
    std = default_standard()
    with _refusals(book, "分发填报表"):
        data = read_book(book, std)
        checked_county(data, "分发填报表")  # every unit file carries the county and year; merge matches them
        checked_year(data, "分发填报表")
        folder = _folder(book) / "填报表"
        made = write_unit_files(folder, std, data.inputs, dt.date.today())
        book.app.alert(f"已为{len(made)}个成员单位生成填报表，在：{folder}\n请各单位在每月{std.report_day}日前"
                       "填好“填报”和“月报”后交回，再点“汇总填报表”。", title="分发填报表")


@contextmanager
def _refusals(book: Any, title: str, before: str = "") -> Iterator[None]:
    """A refusal said in an alert, in the words the command line uses (a traceback would
    otherwise reach the official through xlwings): every UserError (the workbook or a file, the
    lock, a missing font...), a file the system would not read or write."""
    try:
        yield
    except UserError as exc:
        book.app.alert(f"{before}{exc}", title=title)
    except OSError as exc:
        book.app.alert(f"{before}无法读写{exc.filename or '文件'}：{os_reason(exc)}", title=title)


MERGE_PICKER = ("填报表 (*.xlsx),*.xlsx", 1, "选择各单位交回的填报表（可多选）", None, True)


def merge_units(active: bool = False) -> None:
    """汇总填报表: the chosen files, checked, into a new workbook beside this one (saved first;
    the open workbook is never written), which is then opened."""
    book = target_book(active)
    if book is None:
        return
    chosen = book.app.api.GetOpenFilename(*MERGE_PICKER)
    if not chosen:  # cancelled: Excel returns False
        return
    with _refusals(book, "汇总填报表"):
        _merge(book, [Path(path) for path in chosen])


def _merge(book: Any, chosen: list[Path]) -> None:
    std = default_standard()
    with _saving(book):  # the save, and the staging copy merged_workbook writes beside it
        book.save()
        workbook = Path(book.fullname)
        plan = plan_files(read_book(book, std), workbook, chosen, std)  # older files refused
        notes = "".join(f"\n{note}" for note in plan.notes)
        if plan.problems:
            shown = "\n".join(f"{n}. {p}" for n, p in enumerate(plan.problems[:15], start=1))
            more = f"\n……共{len(plan.problems)}项" if len(plan.problems) > 15 else ""
            book.app.alert(f"发现问题，未写入任何数据：\n{shown}{more}{notes}", title="汇总填报表")
            return
        target = write_new(workbook.with_name(f"{workbook.stem}_汇总{workbook.suffix}"),
                           merged_workbook(workbook, plan, std, dt.datetime.now()))
    missing = f"\n尚未交回：{'、'.join(plan.missing)}" if plan.missing else ""
    kept = "".join(f"\n{line}" for line in kept_lines(plan)[:16])  # a blank never cleared a figure
    book.app.alert(f"已汇总{plan.read}份填报表、{len(plan.changes)}处数值到：{target}{missing}{notes}{kept}\n"
                   "将打开汇总后的工作簿（见“填报记录”）。", title="汇总填报表")
    book.app.books.open(str(target))


@contextmanager
def _saving(book: Any) -> Iterator[None]:
    """Our lock on the workbook while a button saves it: no `jieshui merge --in-place` or recalc
    replaces it meanwhile. The Excel running the button holds the workbook and its `~$` owner
    file is expected, so office marks are not checked. A workbook never saved has no file
    anyone else could write."""
    path = Path(book.fullname)
    if not path.is_absolute():
        yield
        return

    def waiting(line: str) -> None:  # the command line's progress line, where Excel shows one
        book.app.status_bar = line
    try:
        with workbook_lock(path, office_marks=False, progress=waiting):
            yield
    finally:
        book.app.status_bar = False  # Excel's own status bar again


def recalculate(active: bool = False) -> None:
    book = target_book(active)
    if book is not None:
        _calculate_full(book)


def _calculate_full(book: Any) -> None:
    try:
        book.app.api.CalculateFull()  # Windows Excel: every formula, the UDFs included
    except AttributeError:
        book.app.calculate()


def refresh_cache(active: bool = False) -> None:
    """Recalculate everything, then save: the stored results are what WPS and previews show."""
    book = target_book(active)
    if book is None:
        return
    _calculate_full(book)
    with _refusals(book, "全部重算并保存", "已全部重算，但未保存："):
        with _saving(book):
            book.save()
        book.app.alert(f"已全部重算并保存：{book.fullname}", title="全部重算并保存")


def _documents() -> Path:
    folder = Path.home() / "Documents"
    return folder if folder.is_dir() else Path.home()


def _open_copy(asset: str, name: str) -> None:
    app = xw.Book.caller().app
    path = claim(_documents() / name)
    write_atomically(path, assets.asset(asset).read_bytes())
    app.books.open(str(path))
    app.alert(f"已创建并打开：{path}", title="节水复核")


def new_workbook() -> None:
    _open_copy(assets.TEMPLATE, f"县域复核工作簿_{dt.date.today():%Y%m%d}.xlsm")


def open_example() -> None:
    _open_copy(assets.EXAMPLE_WORKBOOK, "示例旗_县域复核工作簿.xlsm")


GUIDE = "节水复核使用说明.txt"


def show_guide() -> None:
    # As .txt with a BOM: every Windows opens that in Notepad with the right encoding; .md has
    # no program on many PCs.
    path = Path(tempfile.gettempdir()) / GUIDE
    write_atomically(path, b"\xef\xbb\xbf" + assets.asset(assets.GUIDE).read_bytes())
    if hasattr(os, "startfile"):
        os.startfile(path)
    else:
        xw.Book.caller().app.alert(f"使用说明：{path}", title="使用说明")


def diagnosis(template_version: Any, standard_version: Any) -> str:
    """The environment in a message an official can copy to IT."""
    std = default_standard()
    lines = [f"Python：{sys.executable}（{platform.python_version()}）",
             f"xlwings：{xw.__version__}", f"jieshui：{__version__}",
             f"评价标准：{std.version}", f"模板版本：{TEMPLATE_VERSION}"]
    if template_version is None:
        lines.append("当前工作簿：不是县域复核工作簿")
    else:
        same = str(template_version) == TEMPLATE_VERSION and str(standard_version) == std.version
        lines.append(f"当前工作簿：模板{template_version}，评价标准{standard_version}（"
                     + ("与本机软件一致" if same else "与本机软件不一致，请用新模板或对应版本的软件") + "）")
    return "\n".join(lines)


def diagnose() -> None:
    caller = xw.Book.caller()
    book = caller.app.books.active
    versions = (None, None)
    if book is not None and any(name.name == "tpl_version" for name in book.names):
        versions = (book.names["tpl_version"].refers_to_range.value,
                    book.names["std_version"].refers_to_range.value)
    caller.app.alert(diagnosis(*versions) + "\n\n（本窗口的文字可用复制快捷键整段复制，发给技术支持）", title="环境诊断")
