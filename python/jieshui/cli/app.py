"""The `jieshui` command: a thin door onto the engine and the review (typer, rich)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import traceback
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .. import __version__
from ..engine import DATA_FILE, WORKBOOK, Standard, assess, load_standard, read_county_file
from ..engine.words import os_reason, shown
from ..errors import UserError
from ..files import crash_log, keep_backup, write_atomically, write_new
from ..locks import office_holder
from ..workbook.inputs import WorkbookInputs, from_county_raw
from .installer import (Action, ansi_code_page, apply, check_plan, on_windows, plan_install,
                        plan_uninstall)
from .common import (EXIT_DATA_ERRORS, EXIT_INTERRUPTED, EXIT_SCORED, EXIT_UNREADABLE, JSON_HELP, StandardOption, fail,
                     locked, make_console, new_output, output_folder, read_standard, say)
from .report import render, render_problems, to_dict
from .chinese import ChineseTyper
from .usage import usage_words
from .standard_commands import standard_app
from .review_commands import collect_command, history_command
from .unit_commands import carry_command, merge_command, split_command, upgrade_command

if TYPE_CHECKING:  # imported where used: each command loads only what it needs
    from ..county.recalc import Recalculated
    from ..workbook.readers import WorkbookData


WORKBOOK_SUFFIXES = (".xlsm", ".xlsx", ".xltm", ".xltx")

app = ChineseTyper(help="县域节水型社会达标建设自评与复核：评分、检查、导出报送表和自评报告。", add_completion=False,
                   no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(standard_app, name="standard")
app.command("split")(split_command)
app.command("merge")(merge_command)
app.command("carry")(carry_command)
app.command("upgrade")(upgrade_command)
app.command("collect")(collect_command)
app.command("history")(history_command)

@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="县域数据文件（.toml）或县域复核工作簿（.xlsm）", metavar="文件", readable=False)],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    standard: StandardOption = None,
) -> None:
    """计算各项得分、必备条件和自评总分，得出自评结论（工作簿只读，不运行其中的宏）。"""
    std = read_standard(standard)
    cells: dict[str, str] = {}
    unread: list[str] = []  # typed outside an input table: the score does not count it
    if file.suffix.lower() in WORKBOOK_SUFFIXES:  # only a workbook pays for the readers
        from ..workbook.check import outside_message
        from ..workbook.readers import field_cells, read_workbook

        data = read_workbook(file, std)
        raw, cells = data.inputs.to_county_raw(), field_cells(data, std)
        _note_open_elsewhere(file)
        unread = [outside_message(data, found) for found in data.outside]
    else:
        raw = read_county_file(file)
    result = assess(raw, std, WORKBOOK if cells else DATA_FILE)  # advice in the source's terms
    if as_json:
        typer.echo(json.dumps(to_dict(result, cells) | {"unread": unread}, ensure_ascii=False, indent=2))
    else:
        console = make_console()
        render(result, console, cells)
        for line in unread:
            console.print(f"注意：{line}", style="yellow", markup=False)
    raise typer.Exit(EXIT_DATA_ERRORS if result.errors else EXIT_SCORED)


@app.command()
def recalc(
    workbook: Annotated[Path, typer.Argument(help="县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="输出文件（不能已存在）", metavar="文件", readable=False)] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="直接更新原文件（先保留一份备份）")] = False,
    use_workbook_rules: Annotated[bool, typer.Option(
        "--use-workbook-rules", help="“评价标准”表被修改过时，按工作簿中的评价标准计算（与 Excel 中的公式一致）；"
                                     "默认按随软件发布的评价标准计算")] = False,
    standard: StandardOption = None,
) -> None:
    """不打开 Excel，重新计算工作簿中的全部公式并保存结果（WPS 和文件预览中看到的数字），宏和按钮保持不变。"""
    from ..county.recalc import recalculated
    if (output is None) == (not in_place):
        raise fail("请用 -o 指定输出文件，或用 --in-place 更新原文件（二者选一）")
    if output is not None and (output.exists() or output.is_symlink()):
        raise fail(f"输出文件{output}已存在，为避免覆盖，请换一个文件名")
    std = read_standard(standard)
    with locked(workbook) if in_place else nullcontext() as lock:  # read, refreshed, replaced: one writer
        done = recalculated(workbook, std, use_workbook_rules)
        _warn_edited_rules(done)
        if lock is not None:
            lock.check_office_marks()
            backup = keep_backup(workbook)
            write_atomically(workbook, done.data)
            typer.echo(f"已刷新{workbook}（原文件备份为{backup.name}）")
            return
    assert output is not None
    write_atomically(new_output(output), done.data)  # claimed: made by no one else meanwhile
    typer.echo(f"已写出{output}")


def _warn_edited_rules(done: Recalculated) -> None:
    if not done.edited_rules:
        return
    cells = "、".join(p.cell for p in done.edited_rules[:6]) + ("等" if len(done.edited_rules) > 6 else "")
    basis = ("按工作簿中的评价标准计算（与 Excel 中的公式一致）" if done.used_workbook_rules else
             "按随软件发布的评价标准计算；Excel 中的公式按工作簿中修改后的评价标准计算，两者会不同，"
             "如需一致请加 --use-workbook-rules")
    say(f"注意：工作簿的评价标准有{len(done.edited_rules)}处与随软件发布的评价标准不同（{cells}）。本次{basis}。", "yellow")


def _read_workbook(workbook: Path, std: Standard) -> WorkbookData:
    from ..workbook.readers import read_workbook
    data = read_workbook(workbook, std)
    _note_open_elsewhere(workbook)
    return data


def _note_open_elsewhere(workbook: Path) -> None:
    """A colleague typing in the workbook right now has not saved yet: the result is the file's."""
    if (found := office_holder(workbook)) is not None:
        suite, by, _ = found
        say(f"注意：工作簿{workbook.name}正在{suite}中打开{by}，本次读取的是已保存的内容，尚未保存的修改不在其中",
            "yellow")


@app.command("check")
def check_command(
    workbook: Annotated[Path, typer.Argument(help="县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    standard: StandardOption = None,
) -> None:
    """检查工作簿：缺项、错误、赋分无佐证材料、必备条件、版本、评价标准是否被修改、显示的得分与数据是否一致。"""
    from ..workbook.check import check
    std = read_standard(standard)
    problems = check(_read_workbook(workbook, std), std).problems
    if as_json:
        typer.echo(json.dumps([{"cell": p.cell, "kind": p.kind, "message": p.message} for p in problems],
                              ensure_ascii=False, indent=2))
    else:
        render_problems(problems, make_console())
    raise typer.Exit(EXIT_DATA_ERRORS if problems else EXIT_SCORED)


@app.command("export")
def export_command(
    workbook: Annotated[Path, typer.Argument(help="县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)],
    out_dir: Annotated[Optional[Path], typer.Option("-o", "--output-dir", help="输出文件夹（默认为工作簿所在文件夹）", metavar="文件夹", readable=False)] = None,
    standard: StandardOption = None,
) -> None:
    """导出报送表：只含数值的 .xlsx（A4横向、可直接打印）和 PDF（需要 LibreOffice），不覆盖已有文件。"""
    from ..county.export import export, problem_notes
    from ..workbook.check import check
    folder = output_folder(out_dir, workbook.parent)
    std = read_standard(standard)
    data = _read_workbook(workbook, std)
    checked = check(data, std)
    exported = export(checked, data.inputs, folder, dt.date.today())
    console = make_console()
    console.print(f"已导出：{exported.xlsx}", markup=False)
    console.print(exported.pdf_note, markup=False)
    for text, is_data in problem_notes(checked.problems):
        console.print(text, style="bold red" if is_data else "yellow", markup=False)


@app.command("report")
def report_command(
    workbook: Annotated[Path, typer.Argument(help="县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)],
    out_dir: Annotated[Optional[Path], typer.Option("-o", "--output-dir", help="输出文件夹（默认为工作簿所在文件夹）", metavar="文件夹", readable=False)] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="报告的落款日期，如2025-07-20（默认为工作簿的填报日期）",
                                                metavar="日期")] = None,
    standard: StandardOption = None,
) -> None:
    """生成自评报告初稿（.docx 文档，有 LibreOffice 时另生成 PDF）：基本情况、组织实施、主要做法和成效、
    评价指标自评情况、存在问题及下一步工作打算、自评结论；数字按填报数据计算，落款日期为工作簿的填报日期，不覆盖已有文件。"""
    from ..county.report import dated, write_report
    from ..workbook.check import check
    given = _date_option(date)
    folder = output_folder(out_dir, workbook.parent)
    std = read_standard(standard)
    data = _read_workbook(workbook, std)
    day, basis = dated(data.inputs, given, dt.date.today())
    written = write_report(check(data, std), data.inputs, std, folder, day)
    console = make_console()
    console.print(f"已生成自评报告：{written.docx}", markup=False)
    console.print(f"落款日期：{day.year}年{day.month}月{day.day}日（{basis}）", markup=False)
    console.print(written.pdf_note, markup=False)


def _date_option(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"--date 应为日期，如2025-07-20，当前填的是{shown(text)}") from None


@app.command("evidence")
def evidence_command(
    workbook: Annotated[Path, typer.Argument(help="县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)],
    folder: Annotated[Optional[Path], typer.Option("--dir", help="佐证材料文件夹（默认为工作簿旁的“佐证材料”文件夹）", metavar="文件夹", readable=False)] = None,
    out_dir: Annotated[Optional[Path], typer.Option("-o", "--output-dir", help="佐证材料目录的输出文件夹（默认为工作簿所在文件夹）", metavar="文件夹", readable=False)] = None,
    standard: StandardOption = None,
) -> None:
    """整理佐证材料目录：核对“佐证台账”中的文件是否存在、可读，列出文件夹中未登记的文件和无佐证材料的赋分内容，
    生成按评价指标排列、带页码的佐证材料目录（.xlsx，有 LibreOffice 时另生成 PDF）。"""
    from ..county.evidence import check_evidence, index_name, index_workbook
    from ..county.export import pdf_with_libreoffice
    from ..workbook.check import check
    std = read_standard(standard)
    data = _read_workbook(workbook, std)
    found = check_evidence(data, check(data, std), std, folder or workbook.parent / "佐证材料")
    target = write_new(output_folder(out_dir, workbook.parent) / f"{index_name(data, dt.date.today())}.xlsx",
                       index_workbook(data, found, dt.date.today()))
    console = make_console()
    console.print(f"已生成佐证材料目录（{len(found.index)}份材料）：{target}", markup=False)
    console.print(pdf_with_libreoffice(target)[1], markup=False)
    for cell, message in found.problems:
        console.print(f"{cell}：{message}", markup=False, soft_wrap=True)
    for path in found.unlisted:
        console.print(f"未登记的文件：{path}", markup=False, soft_wrap=True)
    if found.problems or found.unlisted:
        raise typer.Exit(EXIT_DATA_ERRORS)


@app.command("template")
def template_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="新工作簿（.xlsm，不能已存在）", metavar="文件", readable=False)],
    standard: StandardOption = None,
    county: Annotated[Optional[Path], typer.Option("--county", help="预填的县域数据文件（.toml）", metavar="文件", readable=False)] = None,
) -> None:
    """生成县域复核工作簿：按给定的评价标准（如省级细则）生成“评价标准”表和全部公式，可预填县域数据。"""
    from ..builder import build_workbook, shipped_vba
    if output.suffix.lower() != ".xlsm":
        raise fail("输出文件应以 .xlsm 结尾（含宏的 Excel 工作簿）")
    if output.exists() or output.is_symlink():
        raise fail(f"输出文件{output}已存在，为避免覆盖，请换一个文件名")
    std = read_standard(standard)
    inputs = WorkbookInputs()
    if county is not None:
        inputs = from_county_raw(read_county_file(county), std)  # figures only: no evidence marks
    data = build_workbook(std, inputs, shipped_vba())
    write_atomically(new_output(output), data)
    typer.echo(f"已生成{output}（评价标准{std.version}）")


excel_app = ChineseTyper(help="Windows Excel 加载项（“节水复核”选项卡）的安装与卸载。", no_args_is_help=True)
app.add_typer(excel_app, name="excel")
DryRun = Annotated[bool, typer.Option("--dry-run", help="只列出将写入或删除的文件，不做任何改动（任何系统均可）。")]


def _carry_out(actions: list[Action], dry_run: bool, done: str) -> None:
    if not dry_run and not on_windows():
        raise fail("加载项只能安装在 Windows 的 Excel 中；可加 --dry-run 查看将写入的路径")
    check_plan(actions, ansi_code_page())
    for action in actions:
        typer.echo(("将" if dry_run else "") + action.describe())
    if not dry_run:
        apply(actions)
        typer.echo(done)


@excel_app.command("install")
def excel_install(dry_run: DryRun = False) -> None:
    """把加载项放到 Excel 的启动文件夹，并在 xlwings 的用户配置中写入本机 Python 的位置。"""
    _carry_out(plan_install(os.environ, sys.executable), dry_run,
               "安装完成：重新启动 Excel 后可看到“节水复核”选项卡。")


@excel_app.command("uninstall")
def excel_uninstall(dry_run: DryRun = False) -> None:
    """删除加载项，并从 xlwings 的用户配置中删除本软件写入的 Python 位置。"""
    _carry_out(plan_uninstall(os.environ, sys.executable), dry_run,
               "已卸载：重新启动 Excel 后“节水复核”选项卡消失。")


@app.command()
def version() -> None:
    """显示 jieshui 与评价标准的版本。"""
    typer.echo(f"jieshui {__version__}（评价标准版本{load_standard().version}）")


def main() -> None:
    """Every way out is a documented exit code and Chinese words: an unexpected failure is exit
    2 with a pointer to a log file, never a traceback and never exit 1 (data errors)."""
    for stop in (signal.SIGTERM, signal.SIGINT):  # so that cleanup (LibreOffice, claimed names) runs
        signal.signal(stop, _stop)
    try:
        code = app(standalone_mode=False)  # click would print "Aborted!" and exit 1 itself
    except typer.Abort:
        raise SystemExit(_say("已中断，未完成的输出文件已删除", EXIT_INTERRUPTED)) from None
    except typer.TyperException as exc:  # a usage error, said in Chinese (click's are English)
        if type(exc).__name__ == "NoArgsIsHelpError":  # `jieshui`, `jieshui excel`: the help, as click does
            code = _say(str(getattr(exc, "message", exc)))
        else:
            code = _say(f"错误：{usage_words(exc)}")
    except UserError as exc:  # every error a user can put right, in one place
        code = _say(f"错误：{exc}")
    except OSError as exc:
        raise SystemExit(_say(f"错误：无法读写{exc.filename or '文件'}：{os_reason(exc)}")) from None
    except Stopped:
        raise SystemExit(_say("已中断，未完成的输出文件已删除", EXIT_INTERRUPTED)) from None
    except Exception:
        log = crash_log(traceback.format_exc())
        raise SystemExit(_say(f"错误：程序内部出错，没有写出结果文件。详细信息已保存到{log}，"
                              "请把该文件发给技术支持")) from None
    raise SystemExit(code or 0)


class Stopped(BaseException):
    """Ctrl+C or a termination request. Not KeyboardInterrupt: typer turns that into a silent
    exit, and not Exception: a batch's per-file guard must not swallow it."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped


def _say(message: str, code: int = EXIT_UNREADABLE) -> int:
    say(message)
    return code
