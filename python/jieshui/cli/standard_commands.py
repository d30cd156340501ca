"""`jieshui standard`: show the standard, hand it to a province as a workbook, take the edited
workbook back as a standard file, and say what a province changed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..engine import Standard, load_standard
from ..engine.standard import DEFAULT_STANDARD
from ..files import write_atomically
from .common import EXIT_DATA_ERRORS, StandardOption, make_console, new_output, read_standard
from .chinese import ChineseTyper
from .report import prerequisites_table, standard_table

DEFAULT_WORD = "默认"  # `jieshui standard diff 默认 省级.xlsx`: the packaged standard

standard_app = ChineseTyper(help="评价标准：显示、导出为可修改的工作簿、导入、比较。", invoke_without_command=True)


@standard_app.callback()
def show(ctx: typer.Context, standard: StandardOption = None) -> None:
    """显示评价标准：24项评价内容的标准分、评分方法、填报数据、牵头和配合单位、来源，以及必备条件。"""
    if ctx.invoked_subcommand is not None:
        return
    std = read_standard(standard)
    console = make_console()
    console.print(f"版本：{std.version}")
    console.print(f"来源：{std.source}", markup=False)
    console.print(standard_table(std))
    console.print(prerequisites_table(std))
    console.print(f"基本分{std.base_max:g}分，加分上限{std.bonus_cap:g}分，"
                  f"总分{std.base_max + std.bonus_cap:g}分，{std.pass_mark:g}分合格。")


def _standard_text(path: Path | None) -> str:
    """The standard file's text, for the workbook to carry (an edited workbook's, rewritten)."""
    from ..standard.read import read_standard_book
    if path is None:
        return (resources.files("jieshui") / "data" / DEFAULT_STANDARD).read_text(encoding="utf-8")
    if path.suffix.lower() == ".xlsx":
        import tomli_w

        return tomli_w.dumps(read_standard_book(path)[0])
    return path.read_text(encoding="utf-8")


@standard_app.command("export")
def export_book(output: Annotated[Path, typer.Option("-o", "--output", help="评价标准工作簿（.xlsx）", metavar="文件", readable=False)],
                standard: StandardOption = None) -> None:
    """把评价标准导出为省级水行政主管部门可修改的工作簿（黄色单元格可改，有下拉选项、数值校验和说明）。"""
    from ..standard.book import export_standard
    std = read_standard(standard)
    data = export_standard(std, _standard_text(standard))
    target = new_output(output, ".xlsx")
    write_atomically(target, data)
    typer.echo(f"已导出评价标准{std.version}：{target}")


@standard_app.command("import")
def import_book(workbook: Annotated[Path, typer.Argument(help="修改后的评价标准工作簿（.xlsx）", metavar="工作簿", readable=False)],
                output: Annotated[Path, typer.Option("-o", "--output", help="评价标准文件（.toml）", metavar="文件", readable=False)]) -> None:
    """检查修改后的评价标准工作簿（逐个单元格指出问题），通过后写成评价标准文件（.toml）。"""
    from ..standard.read import read_standard_book
    from ..workbook.versions import REVISION, official_root
    import tomli_w

    raw, std = read_standard_book(workbook)
    header = f"# 由 jieshui standard import 从{workbook.name}生成；评价标准{std.version}\n"
    target = new_output(output, ".toml")
    write_atomically(target, (header + tomli_w.dumps(raw)).encode("utf-8"))
    typer.echo(f"已写出{target}（评价标准{std.version}，检查通过）")
    edited_from = raw.get("revision", {}).get("edited_from")
    if edited_from and std.version.startswith(f"{official_root(edited_from) or edited_from}{REVISION}"):
        typer.echo(f"本细则的评分方法与{edited_from}不同，“总体”表中未另定版本，版本记为“{std.version}”；"
                   f"县区工作簿请按此文件生成（jieshui template --standard {target.name}），复核时使用同一文件")


def _either(name: str) -> Standard:
    return load_standard() if name == DEFAULT_WORD else read_standard(Path(name))


@standard_app.command("diff")
def diff(old: Annotated[str, typer.Argument(help=f"原标准（.toml/.xlsx，或“{DEFAULT_WORD}”）", metavar="原标准")],
         new: Annotated[str, typer.Argument(help="新标准（.toml/.xlsx）", metavar="新标准")],
         quiet: Annotated[Optional[bool], typer.Option("--quiet", help="不列出差异，只以退出码表示是否相同（供脚本使用）")] = False) -> None:
    """列出两个评价标准之间的全部差异（标准分、评分方法、目标值、必备条件……）。"""
    from ..standard.diff import differences
    a, b = _either(old), _either(new)
    lines = differences(a, b)
    if not quiet:
        console = make_console()
        console.print(f"{a.version} → {b.version}：{len(lines)}处不同" if lines else "两个评价标准相同", markup=False)
        for n, line in enumerate(lines, start=1):  # whole lines: a reviewer greps and pastes them
            console.print(f"{n}. {line}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_DATA_ERRORS if lines else 0)
