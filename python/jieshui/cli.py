"""The `jieshui` command: a thin door onto the engine."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from .county import DataFileError, read_county_file
from .report import prerequisites_table, render, standard_table, to_dict
from .scoring import assess
from .standard import Standard, StandardError, load_standard

EXIT_SCORED, EXIT_DATA_ERRORS, EXIT_UNREADABLE = 0, 1, 2

app = typer.Typer(help="县域节水型社会达标建设复核：评分、检查与导出。", add_completion=False,
                  no_args_is_help=True, rich_markup_mode=None)

StandardOption = Annotated[
    Optional[Path],
    typer.Option("--standard", help="评价标准文件（TOML）；默认使用随软件发布的标准。"),
]


def _console() -> Console:
    return Console(width=160 if not sys.stdout.isatty() else None, highlight=False)


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"错误：{message}", markup=False)
    return typer.Exit(EXIT_UNREADABLE)


def _standard(path: Path | None) -> Standard:
    try:
        return load_standard(path)
    except StandardError as exc:
        raise _fail(str(exc)) from exc


@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="县域数据文件（.toml）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    standard: StandardOption = None,
) -> None:
    """计算县域数据文件的各项得分、必备条件、总分和结论。

    退出码：0 已评分（无论结论如何）；1 数据有错误；2 文件无法读取。
    """
    std = _standard(standard)
    try:
        raw = read_county_file(file)
    except DataFileError as exc:
        raise _fail(str(exc)) from exc
    result = assess(raw, std)
    if as_json:
        typer.echo(json.dumps(to_dict(result), ensure_ascii=False, indent=2))
    else:
        render(result, _console())
    raise typer.Exit(EXIT_DATA_ERRORS if result.errors else EXIT_SCORED)


@app.command("standard")
def show_standard(standard: StandardOption = None) -> None:
    """显示评价标准：24 项评价内容的分值、评分规则、输入数据和责任单位，以及必备条件。"""
    std = _standard(standard)
    console = _console()
    console.print(f"版本：{std.version}")
    console.print(f"来源：{std.source}", markup=False)
    console.print(standard_table(std))
    console.print(prerequisites_table(std))
    console.print(f"基本分 {std.base_max:g} 分，加分上限 {std.bonus_cap:g} 分，"
                  f"总分 {std.base_max + std.bonus_cap:g} 分，{std.pass_mark:g} 分合格。")


@app.command()
def version() -> None:
    """显示 jieshui 与评价标准的版本。"""
    typer.echo(f"jieshui {__version__}，评价标准 {load_standard().version}")


def main() -> None:
    app()
