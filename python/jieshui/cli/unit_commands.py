"""The office's round with the thirteen units: `split` hands each unit its 填报表, `merge` takes
them back into the county workbook, `carry` starts next year's workbook, `upgrade` moves a workbook
onto the current template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..files import claim, keep_backup, write_atomically, write_new
from ..engine.county import LAST_YEAR
from .common import (EXIT_DATA_ERRORS, StandardOption, fail, locked, make_console, new_output, output_folder,
                     read_standard)

Workbook = Annotated[Path, typer.Argument(help="县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)]


def _read(path: Path, std):
    from ..workbook.readers import read_workbook
    return read_workbook(path, std)


def split_command(workbook: Workbook,
                  out_dir: Annotated[Optional[Path], typer.Option("-o", "--output-dir", help="输出文件夹（默认为工作簿旁的“填报表”文件夹）", metavar="文件夹", readable=False)] = None,
                  standard: StandardOption = None) -> None:
    """分发填报表：为每个成员单位生成只含其牵头数据的 .xlsx（预填当前数值，WPS 可用），不覆盖已有文件。"""
    from ..county.unit_files import checked_county, checked_year, write_unit_files
    std = read_standard(standard)
    data = _read(workbook, std)
    checked_county(data, "分发填报表")  # every unit file carries the county and year; merge matches them
    checked_year(data, "分发填报表")
    folder = output_folder(out_dir, workbook.parent / "填报表")
    console = make_console()
    for target in write_unit_files(folder, std, data.inputs, dt.date.today()):
        console.print(f"已生成：{target}", markup=False)
    console.print(f"共{len(std.units)}个单位。请各单位在每月{std.report_day}日前填好“填报”和“月报”后交回，"
                  "再运行 jieshui merge 汇总。", markup=False)


def merge_command(workbook: Workbook,
                  files: Annotated[list[Path], typer.Argument(help="各单位交回的填报表（.xlsx）", metavar="填报表", readable=False)],
                  output: Annotated[Optional[Path], typer.Option("-o", "--output", help="汇总后的新工作簿（默认在原文件旁另存）", metavar="文件", readable=False)] = None,
                  in_place: Annotated[bool, typer.Option("--in-place", help="直接更新原工作簿（先保留一份备份）")] = False,
                  allow_older: Annotated[bool, typer.Option("--allow-older", help="允许汇总早于该单位已汇总文件的填报表（以较早的数值覆盖）")] = False,
                  standard: StandardOption = None) -> None:
    """汇总填报表：先检查全部文件（其他县或年度、改动了锁定单元格、数值有误、同一单位两份不一致、
    早于该单位已汇总的文件），有问题时列出单元格、不写任何文件；通过后写入数值、月报和“填报记录”。
    填报表中为空的单元格不清空工作簿中已有的数值（保留原值并列出）。"""
    from ..county.merge import kept_lines, merged_workbook, plan_files
    if output is not None and in_place:
        raise fail("-o 与 --in-place 只能选一个")
    std = read_standard(standard)
    # -o takes the lock too: the staging copy beside the workbook has one name (swept by the next
    # run), so one merge per workbook at a time; an office suite's mark matters only in place.
    with locked(workbook, office_marks=in_place) as lock:
        data = _read(workbook, std)
        console = make_console()
        plan = plan_files(data, workbook, files, std, allow_older)  # refuses a 评价年度 that is not a year
        if plan.missing:
            console.print(f"尚未交回的单位（{len(plan.missing)}个）：{'、'.join(plan.missing)}", markup=False)
        for note in plan.notes:
            console.print(note, markup=False, soft_wrap=True)
        if plan.problems:
            console.print(f"发现{len(plan.problems)}个问题，未写入任何数据：", style="bold red", markup=False)
            for n, problem in enumerate(plan.problems, start=1):
                console.print(f"{n}. {problem}", markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_DATA_ERRORS)
        refreshed = merged_workbook(workbook, plan, std, dt.datetime.now())
        target = _merge_target(workbook, output, in_place)
        if in_place:
            lock.check_office_marks()  # opened in Excel meanwhile: not written under it
            console.print(f"原工作簿已备份为{keep_backup(workbook).name}", markup=False)
        write_atomically(target, refreshed)
        console.print(f"已汇总{plan.read}份填报表、{len(plan.changes)}处数值到{target}（见“填报记录”）", markup=False)
        for line in kept_lines(plan):
            console.print(line, markup=False, soft_wrap=True)


def _merge_target(workbook: Path, output: Path | None, in_place: bool) -> Path:
    if in_place:
        return workbook
    if output is not None:
        return new_output(output)
    return claim(workbook.with_name(f"{workbook.stem}_汇总{workbook.suffix}"))


def carry_command(workbook: Annotated[Path, typer.Argument(help="上一年度的县域复核工作簿（.xlsm）", metavar="上年工作簿", readable=False)],
                  output: Annotated[Optional[Path], typer.Option("-o", "--output", help="新年度工作簿（默认在原文件旁）", metavar="文件", readable=False)] = None,
                  standard: StandardOption = None) -> None:
    """下一年度：由上年工作簿生成新年度工作簿，保留县名、联系人、供水单位管网数据和规定结转的数据，其余留空。"""
    from ..builder import build_workbook, shipped_vba
    from ..county.carry import carry
    from ..county.unit_files import checked_year, file_part
    std = read_standard(standard)
    last = _read(workbook, std)
    # next year's must be a year too: it names the file and dates the plan
    year = checked_year(last, "生成下一年度工作簿", LAST_YEAR - 1) + 1
    carried = carry(last.inputs, std)
    data = build_workbook(std, carried.inputs, shipped_vba())
    if output is not None:  # a name the user gave: never another one, never over a file
        target = new_output(output)
        write_atomically(target, data)
    else:  # the name we chose, or the first free _2, _3 ... like every other command
        target = write_new(workbook.with_name(f"{file_part(last.inputs.county.get('name'), '县域')}_{year}年度.xlsm"), data)
    console = make_console()
    console.print(f"已生成{target}，结转了：", markup=False)
    for line in carried.lines:
        console.print(f"  {line}", markup=False)


def upgrade_command(workbook: Annotated[Path, typer.Argument(help="上一版模板的县域复核工作簿（.xlsm）", metavar="工作簿", readable=False)],
                    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="当前模板的新工作簿（不能已存在；默认在原文件旁另存）", metavar="文件", readable=False)] = None,
                    standard: StandardOption = None) -> None:
    """升级模板：由上一版模板的工作簿生成当前模板的工作簿，转入全部数据，原工作簿不变；汇总填报表和重新计算需要当前模板。"""
    from ..county.upgrade import upgraded
    std = read_standard(standard)
    done = upgraded(workbook, std)
    if output is not None:  # a name the user gave: never another one, never over a file
        target = new_output(output)
        write_atomically(target, done.data)
    else:
        target = write_new(workbook.with_name(f"{workbook.stem}_新模板.xlsm"), done.data)
    console = make_console()
    console.print(f"已生成当前模板的工作簿{target}，原工作簿{workbook.name}未改动。", markup=False)
    for line in done.lines:
        console.print(f"  {line}", markup=False, soft_wrap=True)
    console.print("此后请在新工作簿中填报，汇总填报表、重新计算也用新工作簿。", markup=False)
